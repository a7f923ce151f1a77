/** /who's answers, and the count of celebrities /help gives for a big model. */
import type { Syntax } from '../commands.js';
import { bold, type RichText } from '../text.js';

/** 1712 -> "1,712 celebrities". */
export const celebrities = (count: number): string => `${count.toLocaleString('en-US')} ${count === 1 ? 'celebrity' : 'celebrities'}`;

/** The query as quoted back: one line, not too long. */
const quoted = (query: string): string => {
  const line = query.replace(/\s+/g, ' ').trim();
  return `"${line.length > 60 ? `${line.slice(0, 59)}…` : line}"`;
};

export const whoFoundText = (name: string, count: number): RichText => ['Yes, ', bold(name), ` is one of the ${celebrities(count)} I know.`];

/** "No one called "X" among the 1,712 celebrities I know. Did you mean: A, B, C?" */
export function whoNotFoundText(query: string, count: number, suggestions: readonly string[]): RichText {
  const text = `No one called ${quoted(query)} among the ${celebrities(count)} I know.`;
  return suggestions.length ? [`${text} Did you mean: `, ...suggestions.flatMap((name, i) => (i ? [', ', bold(name)] : [bold(name)])), '?'] : [text];
}

export const whoUsageText = (syntax: Syntax, count: number): RichText => [
  `Which celebrity? Ask ${syntax.who} and I'll tell you whether they are among the ${celebrities(count)} I know.`,
];
