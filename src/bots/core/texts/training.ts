/** What the bot says about training: usage, acknowledgement, progress, busy, outcome. */
import { describePreset, PRESET_IDS, PRESETS, type PresetId } from '../../../engine/train/presets.js';
import type { TrainingOutcome, TrainingProgress } from '../../../engine/train/progress.js';
import { LEADERBOARD_COLUMNS, leaderboardFootnotes, leaderboardTable } from '../../../report/table.js';
import { formatDuration, percent as pct } from '../../../base/format.js';
import type { LeaderboardRow } from '../../../store/index.js';
import type { Platform } from '../../../base/platforms.js';
import { PLATFORMS, type Syntax } from '../../platforms.js';
import { bold, endSentence, lines, pre, type RichText } from '../text.js';

export const presetName = (id: PresetId): string => `preset ${id}: ${describePreset(PRESETS[id])}`;

/** "Run #12 (preset 5: fc1 + NLL + sample pairing, 100 epochs)" */
export function runTitle(runId: number, preset: PresetId | null, config?: Parameters<typeof describePreset>[0]): string {
  if (preset === null) return `Run #${runId}`;
  return `Run #${runId} (preset ${preset}: ${describePreset(config ?? PRESETS[preset])})`;
}

/** One line about where a run is; mirrors the CLI's progress line. */
export function progressSummary(p: TrainingProgress | null): string {
  if (!p) return 'starting…';
  switch (p.phase) {
    case 'extract':
      return `preparing features (${p.step}) ${p.done}/${p.total}${Number.isFinite(p.etaSeconds) ? ` · ETA ${formatDuration(p.etaSeconds)}` : ''}`;
    case 'fit':
      return p.step === 'whitening' ? `choosing the shared space on the validation photos (${p.done + 1}/${p.total})` : 'refitting on train + val photos…';
    case 'train':
      return (
        `epoch ${p.epoch}/${p.epochs} · train loss ${p.trainLoss.toFixed(4)} · val loss ${p.valLoss.toFixed(4)} · ` +
        `val acc ${pct(p.valAccuracy)} · best epoch ${p.bestEpoch} · ETA ${formatDuration(p.etaSeconds)}`
      );
    case 'evaluate':
      return 'evaluating on the test split…';
    case 'save':
      return 'saving the model…';
  }
}

export function usageText(syntax: Syntax, problem?: string): RichText {
  return lines(
    ...(problem ? [[problem]] : []),
    [`Start a training run with ${syntax.train}; stop it with ${syntax.cancel}. The presets:`],
    ...PRESET_IDS.map((id): RichText => [`${id}: ${describePreset(PRESETS[id])}`]),
    ['Without a preset number (Telegram: /train default) the run is preset 6 on the gallery split, which starts from the gallery, else preset 2.'],
  );
}

export const startedText = (title: string): RichText => [`Started ${title.replace(/^Run/, 'run')}. I'll keep this message up to date.`];

export const progressText = (title: string, p: TrainingProgress | null): RichText => lines([bold(title)], [progressSummary(p)]);

export function busyText(title: string, p: TrainingProgress | null, syntax: Syntax): RichText {
  return [`${title} is still training: ${endSentence(progressSummary(p))} Wait for it to finish, or stop it with ${syntax.cancel}.`];
}

export const cancellingText = (runId: number): RichText => [`Stopping run #${runId} after its current batch…`];
export const NOTHING_TO_CANCEL: RichText = ['No training is running.'];

export function notAdminText(platform: Platform, userId: string, action = 'train models'): RichText {
  return [`Sorry, only the bot's admins can ${action}. (Your user id is ${userId}; the bot's owner can add it to ${PLATFORMS[platform].env.admins}.)`];
}

/** The run's leaderboard row, as the table's header and that one row. */
export function resultRow(row: LeaderboardRow): string {
  return leaderboardTable(
    [row],
    LEADERBOARD_COLUMNS.filter((c) => c !== 'date' && c !== 'split'),
  ); // every column but the date and the test split (one row compares with nothing)
}

/** The last edit of the progress message. */
export function finishedText(title: string, o: TrainingOutcome): RichText {
  const how = { done: `finished in ${formatDuration(o.seconds)}`, cancelled: 'was cancelled', failed: 'failed', interrupted: 'was interrupted' }[o.status];
  return [bold(title), ` ${how}.`];
}

/** Promoted or not, always with the rule's reason; a run that was not can still be chosen by an admin. */
export function promotionText(o: TrainingOutcome, syntax: Syntax): string {
  const reason = o.promotion ?? 'no reason given';
  return o.promoted
    ? endSentence(`It is now the active model, photos are answered by it: ${reason}`)
    : `${endSentence(`Not made the active model: ${reason}`)} An admin can use it anyway with ${syntax.modelUse}${o.runId}.`;
}

/** The result message: a caption under the loss curve, or a text when there is no curve. */
export function outcomeText(title: string, o: TrainingOutcome, row: LeaderboardRow | null, syntax: Syntax): RichText {
  const notes = row ? leaderboardFootnotes([row]).map((n): RichText => [n]) : [];
  switch (o.status) {
    case 'done':
      return lines(
        [
          bold(title),
          ` done in ${formatDuration(o.seconds)}: test top-1 ${pct(o.testAccuracy ?? NaN)}, top-3 ${pct(o.top3Accuracy ?? NaN)}, best epoch ${o.bestEpoch ?? '-'}.`,
        ],
        ...(row ? [[pre(resultRow(row))]] : []),
        ...notes,
        [promotionText(o, syntax)],
      );
    case 'cancelled':
      return [bold(title), ' was cancelled; the active model is unchanged.'];
    case 'interrupted':
      return [bold(title), ' was interrupted because the bot is shutting down; the active model is unchanged.'];
    case 'failed':
      return [bold(title), ` failed: ${(o.error ?? 'unknown error').split('\n')[0].slice(0, 300)}`];
  }
}
