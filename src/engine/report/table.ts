/** The leaderboard as a monospace table: the "model 1..5" table of the original design. */
import { formatDuration, percent } from '../../format.js';
import type { LeaderboardRow } from '../../store/index.js';

const num = (x: number | null, digits = 4) => (x === null || Number.isNaN(x) ? '-' : x.toFixed(digits));

export const LEADERBOARD_COLUMNS = ['run', 'preset', 'head', 'loss', 'pairing', 'epochs', 'best', 'val loss', 'test top-1', 'top-3', 'backend', 'time', 'date'] as const;

export function leaderboardCells(row: LeaderboardRow): string[] {
  return [
    `#${row.runId}`, row.preset === null ? '-' : String(row.preset), row.head, row.loss, row.samplePairing ? 'yes' : 'no',
    String(row.epochs), row.bestEpoch === null ? '-' : String(row.bestEpoch), num(row.valLoss), percent(row.testTop1, 2), percent(row.testTop3, 2),
    row.backend, formatDuration(row.seconds), row.createdAt.slice(0, 10),
  ];
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^[-#]?[\d.%]+[%s]?$|^-$/.test(r[c])));
  const line = (cells: readonly string[]) => cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatLeaderboard(rows: readonly LeaderboardRow[]): string {
  if (rows.length === 0) return 'No finished training runs yet.';
  return formatTable(LEADERBOARD_COLUMNS, rows.map(leaderboardCells));
}
