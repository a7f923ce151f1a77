/** The leaderboard as a monospace table: the "model 1..5" table of the original design. */
import { formatDuration, percent } from '../base/format.js';
import type { LeaderboardRow } from '../store/index.js';

const num = (x: number | null, digits = 4) => (x === null || Number.isNaN(x) ? '-' : x.toFixed(digits));

export const LEADERBOARD_COLUMNS = [
  'run',
  'preset',
  'head',
  'loss',
  'pairing',
  'epochs',
  'best',
  'val loss',
  'test top-1',
  'top-3',
  'backend',
  'time',
  'date',
  'split',
] as const;

export type LeaderboardColumn = (typeof LEADERBOARD_COLUMNS)[number];

/** Marks the best epoch of a run whose best epoch was its last: validation loss was still falling. */
export const STILL_IMPROVING_MARK = '*';
export const STILL_IMPROVING_NOTE = `${STILL_IMPROVING_MARK} best epoch was the last: more epochs may help`;

export const SPLIT_NOTE = 'split: which test photos a row was measured on; only rows with the same split compare';
/** The split column shows this many characters of the test-split fingerprint. */
const SPLIT_CHARS = 8;

/**
 * The footnotes these rows need, one line each: the still-improving marker, what a gallery row
 * measures, and that rows on different test splits do not compare. Empty when none applies.
 */
export function leaderboardFootnotes(rows: readonly LeaderboardRow[]): string[] {
  const notes: string[] = [];
  if (rows.some((r) => r.stillImproving && r.bestEpoch !== null)) notes.push(STILL_IMPROVING_NOTE);
  for (const r of rows) if (r.kind === 'gallery' && r.description) notes.push(`gallery: ${r.description}`);
  if (new Set(rows.map((r) => r.testSplit)).size > 1) notes.push(SPLIT_NOTE);
  return notes;
}

/** One row's cells by column name, so callers pick columns by name and a new column cannot shift them. */
export function leaderboardCells(row: LeaderboardRow): Record<LeaderboardColumn, string> {
  const gallery = row.kind === 'gallery';
  return {
    run: gallery ? 'gallery' : `#${row.runId}`,
    preset: row.preset === null ? '-' : String(row.preset),
    head: row.head,
    loss: row.loss,
    pairing: gallery ? '-' : row.samplePairing ? 'yes' : 'no',
    epochs: gallery ? '-' : String(row.epochs),
    best: row.bestEpoch === null ? '-' : `${row.bestEpoch}${row.stillImproving ? STILL_IMPROVING_MARK : ''}`,
    'val loss': num(row.valLoss),
    'test top-1': percent(row.testTop1, 2),
    'top-3': percent(row.testTop3, 2),
    backend: row.backend,
    time: formatDuration(row.seconds),
    date: row.createdAt.slice(0, 10),
    split: row.testSplit === null ? '-' : row.testSplit.slice(0, SPLIT_CHARS),
  };
}

/** The rows as a table of the given columns, in that order. */
export function leaderboardTable(rows: readonly LeaderboardRow[], columns: readonly LeaderboardColumn[] = LEADERBOARD_COLUMNS): string {
  return formatTable(
    columns,
    rows.map((row) => {
      const cells = leaderboardCells(row);
      return columns.map((column) => cells[column]);
    }),
  );
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^[-#]?[\d.%]+[%s*]?$|^-$/.test(r[c])));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatLeaderboard(rows: readonly LeaderboardRow[]): string {
  if (rows.length === 0) return 'No finished training runs yet.';
  const notes = leaderboardFootnotes(rows);
  return notes.length > 0 ? `${leaderboardTable(rows)}\n\n${notes.join('\n')}` : leaderboardTable(rows);
}
