/** Core text -> Discord markdown, within Discord's 2000-character message limit. */
import { AttachmentBuilder, bold, codeBlock, escapeMarkdown } from 'discord.js';
import { renderWithin, type Renderer, type RichText } from '../core/text.js';
import type { Picture } from '../core/types.js';
import { PLATFORMS } from '../platforms.js';

export const CONTENT_LIMIT = PLATFORMS.discord.limits.text;

export const discordMarkdown: Renderer = {
  escape: (text) => escapeMarkdown(text),
  bold: (text) => bold(escapeMarkdown(text)),
  // Inside a code block nothing is markdown; only a fence could end it early.
  pre: (text) => codeBlock(text.replace(/```/g, "'''")),
};

export const toMarkdown = (text: RichText): string => renderWithin(text, discordMarkdown, CONTENT_LIMIT).trim();

/** Discord's longest attachment description (alt text). */
export const ALT_LIMIT = 1024;

/** A picture as a Discord attachment, its alt text as the description screen readers read. */
export function attachment(picture: Picture): AttachmentBuilder {
  const description = picture.alt && (picture.alt.length <= ALT_LIMIT ? picture.alt : `${picture.alt.slice(0, ALT_LIMIT - 1)}…`);
  return new AttachmentBuilder(picture.bytes, { name: picture.filename, ...(description ? { description } : {}) });
}
