/** Core text -> Discord markdown, within Discord's 2000-character message limit. */
import { bold, codeBlock, escapeMarkdown } from 'discord.js';
import { renderWithin, type Renderer, type RichText } from '../core/text.js';
import { PLATFORMS } from '../platforms.js';

export const CONTENT_LIMIT = PLATFORMS.discord.limits.text;

export const discordMarkdown: Renderer = {
  escape: (text) => escapeMarkdown(text),
  bold: (text) => bold(escapeMarkdown(text)),
  // Inside a code block nothing is markdown; only a fence could end it early.
  pre: (text) => codeBlock(text.replace(/```/g, "'''")),
};

export const toMarkdown = (text: RichText): string => renderWithin(text, discordMarkdown, CONTENT_LIMIT).trim();
