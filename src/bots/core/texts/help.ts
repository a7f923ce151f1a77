/** /help and /start, the hint for messages without a photo, and the leaderboard's text. */
import { LEADERBOARD_COLUMNS, leaderboardFootnotes, leaderboardTable } from '../../../report/table.js';
import type { LeaderboardRow } from '../../../store/index.js';
import { DESCRIPTIONS, type Syntax } from '../commands.js';
import { bold, endSentence, lines, pre, type RichText } from '../text.js';
import { celebrities } from './who.js';

/** Up to this many people /help names them all; a gallery's 1,700 would bury the help (and pass Discord's 2,000 characters). */
export const HELP_LISTS_PEOPLE = 20;

/** Who the model knows: every name for a small model, the count and a pointer to /who for a big one. */
function knownText(syntax: Syntax, people: readonly string[]): string {
  if (people.length > HELP_LISTS_PEOPLE) return `I know ${celebrities(people.length)}; ask ${syntax.who} to check someone.`;
  return endSentence(`The current model knows ${people.length} people: ${people.join(', ')}`);
}

/** "Check whether I know..." -> "check whether I know...": a description after a dash, keeping the "I". */
const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);

export function helpText(syntax: Syntax, people: readonly string[]): RichText {
  const known = people.length > 0 ? [knownText(syntax, people)] : [];
  return lines(
    [bold('Which celebrity do you look like?')],
    [`Send me a photo with a face: ${syntax.photo}. With several faces I answer for the 3 largest and number them on a copy of the photo.`],
    [bold('Privacy:'), ' your photo is only looked at in memory to answer you. It is never stored: not on disk, not in a database, not in logs.'],
    [bold('Commands')],
    [`${syntax.who} — ${lowerFirst(DESCRIPTIONS.who)}`],
    [`${syntax.leaderboard} — ${lowerFirst(DESCRIPTIONS.leaderboard)}`],
    [`${syntax.train} — ${lowerFirst(DESCRIPTIONS.train)}`],
    [`${syntax.cancel} — ${lowerFirst(DESCRIPTIONS.trainCancel)}`],
    [`${syntax.model} — ${lowerFirst(DESCRIPTIONS.model)}`],
    [`${syntax.help} — this message`],
    known,
  );
}

/** A command the platform still offers but this bot no longer has (a stale registration after an upgrade). */
export const unknownCommandText = (name: string, syntax: Syntax): RichText => [
  `The /${name} command is gone: I was updated and no longer have it. ${syntax.help} lists what I can do; to find your look-alike, ${syntax.photo}.`,
];

export const hintText = (syntax: Syntax): RichText => [
  `Send me a photo with a face and I'll tell you which celebrity you look most like. ${syntax.help} tells more.`,
];

/** Leaderboard columns for chat: all but top-3, the backend and the date, to stay narrow enough for a phone. */
const COLUMNS = LEADERBOARD_COLUMNS.filter((c) => c !== 'top-3' && c !== 'backend' && c !== 'date');
export const LEADERBOARD_ROWS = 10;

export function leaderboardText(rows: readonly LeaderboardRow[], syntax: Syntax): RichText {
  if (rows.length === 0) return [`No finished training runs yet. An admin can start one with ${syntax.train}.`];
  const shown = rows.slice(0, LEADERBOARD_ROWS);
  const table = leaderboardTable(shown, COLUMNS);
  const more = rows.length > shown.length ? [[`…and ${rows.length - shown.length} more (celeb leaderboard on the server lists them all).`] as RichText] : [];
  const notes = leaderboardFootnotes(shown).map((n): RichText => [n]);
  const title = shown.some((r) => r.kind === 'gallery') ? 'Training runs and the gallery' : 'Training runs';
  return lines([bold(title), ', best test accuracy first:'], [pre(table)], ...notes, ...more);
}
