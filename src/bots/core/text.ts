/**
 * Reply text, platform-neutral: plain runs, bold runs and monospace blocks. The core writes
 * replies in this form once; each adapter renders it (Discord markdown, Telegram HTML) and
 * does its own escaping, so a celebrity called "A*B" or "<C>" never breaks a message.
 */

export type Span =
  | string
  | { readonly bold: string }
  /** A monospace block (tables); the core puts it on lines of its own. */
  | { readonly pre: string };

export type RichText = readonly Span[];

export const bold = (text: string): Span => ({ bold: text });
export const pre = (text: string): Span => ({ pre: text });

/** Ends a sentence with `mark` unless it already ends with a punctuation mark ("starting…", "Jr."). */
export function endSentence(text: string, mark = '.'): string {
  return /[.…!?]$/.test(text.trimEnd()) ? text.trimEnd() : `${text}${mark}`;
}

/** Joins texts with a line break between them. */
export function lines(...parts: RichText[]): RichText {
  return parts.flatMap((part, i) => (i === 0 ? part : ['\n', ...part]));
}

/** The text without formatting: for logs and tests. */
export function plain(text: RichText): string {
  return text.map((s) => (typeof s === 'string' ? s : 'bold' in s ? s.bold : s.pre)).join('');
}

/** A platform's formatting: escaping of plain text, bold, monospace block. */
export interface Renderer {
  escape(text: string): string;
  bold(text: string): string;
  pre(text: string): string;
}

export function render(text: RichText, renderer: Renderer): string {
  return text.map((s) => (typeof s === 'string' ? renderer.escape(s) : 'bold' in s ? renderer.bold(s.bold) : renderer.pre(s.pre))).join('');
}

/** Rendered text that fits `limit` characters: as is, else as plain text cut with an ellipsis. */
export function renderWithin(text: RichText, renderer: Renderer, limit: number): string {
  const full = render(text, renderer);
  if (full.length <= limit) return full;
  // Cut the plain text before escaping (never inside an entity): the longest prefix whose escaped form fits.
  const flat = plain(text);
  const fits = (n: number) => renderer.escape(`${flat.slice(0, n)}…`).length <= limit;
  let [lo, hi] = [0, Math.min(flat.length, limit)];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return renderer.escape(`${flat.slice(0, lo)}…`);
}
