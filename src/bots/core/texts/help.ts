/** /help and /start, the hint for messages without a photo, and the leaderboard's text. */
import { LEADERBOARD_COLUMNS, leaderboardFootnote, leaderboardTable } from '../../../engine/report/table.js';
import type { LeaderboardRow } from '../../../store/index.js';
import { DESCRIPTIONS, type Syntax } from '../commands.js';
import { bold, endSentence, lines, pre, type RichText } from '../text.js';

export function helpText(syntax: Syntax, people: readonly string[]): RichText {
  const known = people.length > 0 ? [endSentence(`The current model knows ${people.length} people: ${people.join(', ')}`)] : [];
  return lines(
    [bold('Which celebrity do you look like?')],
    [`Send me a photo with a face: ${syntax.photo}. With several faces I answer for the 3 largest and number them on a copy of the photo.`],
    [bold('Privacy:'), ' your photo is only looked at in memory to answer you. It is never stored: not on disk, not in a database, not in logs.'],
    [bold('Commands')],
    [`${syntax.leaderboard} — ${DESCRIPTIONS.leaderboard.toLowerCase()}`],
    [`${syntax.train} — ${DESCRIPTIONS.train.toLowerCase()}`],
    [`${syntax.cancel} — ${DESCRIPTIONS.trainCancel.toLowerCase()}`],
    [`${syntax.model} — ${DESCRIPTIONS.model.toLowerCase()}`],
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

/** Leaderboard columns for chat: all but top-3 and the date, to stay narrow enough for a phone. */
const COLUMNS = LEADERBOARD_COLUMNS.filter((c) => c !== 'top-3' && c !== 'date');
export const LEADERBOARD_ROWS = 10;

export function leaderboardText(rows: readonly LeaderboardRow[], syntax: Syntax): RichText {
  if (rows.length === 0) return [`No finished training runs yet. An admin can start one with ${syntax.train}.`];
  const shown = rows.slice(0, LEADERBOARD_ROWS);
  const table = leaderboardTable(shown, COLUMNS);
  const more = rows.length > shown.length ? [[`…and ${rows.length - shown.length} more (celeb leaderboard on the server lists them all).`] as RichText] : [];
  const note = leaderboardFootnote(shown);
  return lines([bold('Training runs'), ', best test accuracy first:'], [pre(table)], ...(note ? [[note]] : []), ...more);
}
