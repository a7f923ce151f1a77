/**
 * Follows one training run for the chat that started it: the acknowledgement is edited with
 * progress (throttled), then edited a last time, and the result follows as the run's
 * leaderboard row under its loss-curve picture.
 */
import { lossCurvePng } from '../../report/figures.js';
import type { RunningTraining, TrainingService } from '../../engine/train/training-service.js';
import type { TrainingOutcome } from '../../engine/train/progress.js';
import { getRun, leaderboard, type Database } from '../../store/index.js';
import type { Logger } from '../log.js';
import type { Syntax } from '../platforms.js';
import type { ModelSwitcher } from './active-model.js';
import { ProgressEditor } from './progress-editor.js';
import { finishedText, outcomeText, progressText } from './texts/training.js';
import type { Chat, SentMessage } from './types.js';

/** The part of TrainingService the bots use. */
export type Trainer = Pick<TrainingService, 'start' | 'cancel' | 'current' | 'onProgress' | 'onFinished'>;

export interface ReportOptions {
  training: Trainer;
  db: Database;
  models: ModelSwitcher;
  progressIntervalMs: number;
  log: Logger;
}

/** Subscribes at once (call it in the same tick as `start`); resolves when the result has been posted. */
export function followRun(run: RunningTraining, title: string, chat: Chat, ack: Promise<SentMessage>, options: ReportOptions, syntax: Syntax): Promise<void> {
  const { training, log } = options;
  const runLog = log.child({ runId: run.runId });
  const editor = new ProgressEditor(ack, options.progressIntervalMs, (e) => runLog.warn('train.progress_edit_failed', { error: String(e) }));
  const offProgress = training.onProgress((p) => {
    if (p.runId === run.runId) editor.update(progressText(title, p));
  });
  return new Promise<void>((resolve) => {
    const offFinished = training.onFinished((outcome) => {
      if (outcome.runId !== run.runId) return;
      offProgress();
      offFinished();
      report(outcome, title, chat, editor, options, syntax)
        .catch((e: unknown) => runLog.error('train.report_failed', e))
        .finally(resolve);
    });
  });
}

async function report(outcome: TrainingOutcome, title: string, chat: Chat, editor: ProgressEditor, options: ReportOptions, syntax: Syntax): Promise<void> {
  const { db, log } = options;
  log.info('train.finished', {
    runId: outcome.runId,
    preset: outcome.preset,
    status: outcome.status,
    testAccuracy: outcome.testAccuracy,
    seconds: outcome.seconds,
    promoted: outcome.promoted,
    edits: editor.edits,
  });
  if (outcome.status === 'done' && outcome.promoted) await options.models.refresh();
  await editor.finish(finishedText(title, outcome));
  const run = getRun(db, outcome.runId);
  const row = leaderboard(db).find((r) => r.runId === outcome.runId) ?? null;
  const text = outcomeText(title, outcome, row, syntax);
  if (run && run.history.length > 0) await chat.replyWithPicture({ bytes: await lossCurvePng(run), filename: `run-${outcome.runId}-loss.png` }, text);
  else await chat.reply(text);
}
