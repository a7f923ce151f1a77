/** Core text -> Telegram HTML (parse_mode HTML), within Telegram's length limits. */
import { renderWithin, type Renderer, type RichText } from '../core/text.js';
import { PLATFORMS } from '../platforms.js';

export const TEXT_LIMIT = PLATFORMS.telegram.limits.text;
export const CAPTION_LIMIT = PLATFORMS.telegram.limits.caption;

const escapeHtml = (text: string) => text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

export const telegramHtml: Renderer = {
  escape: escapeHtml,
  bold: (text) => `<b>${escapeHtml(text)}</b>`,
  pre: (text) => `<pre>${escapeHtml(text)}</pre>`,
};

export const toHtml = (text: RichText, limit = TEXT_LIMIT): string => renderWithin(text, telegramHtml, limit).trim();
