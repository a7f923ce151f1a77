/**
 * /train (start a preset, or show the usage) and /train cancel. Only admins get here (see
 * guards.ts). Starting answers at once with the run id; the run is then followed in the
 * background by run-report.ts, so the bot keeps answering photos while it trains.
 */
import { TrainingBusyError, type RunningTraining } from '../../engine/train/training-service.js';
import type { RunOverrides } from '../../engine/train/presets.js';
import { PLATFORMS } from '../platforms.js';
import type { ContextOf } from './middleware.js';
import { followRun, type ReportOptions } from './run-report.js';
import { busyText, cancellingText, NOTHING_TO_CANCEL, runTitle, startedText, usageText } from './texts/training.js';
import type { Middleware } from './types.js';

export interface TrainOptions extends ReportOptions {
  /** Applied to every preset (tests: few epochs, few views). */
  overrides: RunOverrides;
  /** Keeps the follow-up task, so shutdown can wait for the last report. */
  track: (task: Promise<void>) => void;
}

const titleOf = (run: RunningTraining) => runTitle(run.runId, run.config.preset, run.config);

export function train(options: TrainOptions): Middleware<ContextOf<'train'>> {
  return async (ctx) => {
    const { action } = ctx.request;
    const syntax = PLATFORMS[ctx.actor.platform].syntax;
    if (action.type === 'usage') {
      await ctx.chat.reply(usageText(syntax, action.problem));
      return;
    }
    const running = options.training.current;
    if (action.type === 'cancel') {
      if (!running || !options.training.cancel()) {
        await ctx.chat.reply(NOTHING_TO_CANCEL);
        return;
      }
      ctx.facts.runId = running.runId;
      options.log.info('train.cancel_requested', { runId: running.runId, platform: ctx.actor.platform, user: ctx.actor.id });
      await ctx.chat.reply(cancellingText(running.runId));
      return;
    }
    let started: RunningTraining;
    try {
      started = options.training.start(action.preset, options.overrides);
    } catch (error) {
      if (!(error instanceof TrainingBusyError)) throw error;
      ctx.facts.busyWith = error.running.runId;
      await ctx.chat.reply(busyText(titleOf(error.running), error.running.progress, syntax));
      return;
    }
    const title = titleOf(started);
    ctx.facts.runId = started.runId;
    options.log.info('train.started', { runId: started.runId, preset: started.config.preset, platform: ctx.actor.platform, user: ctx.actor.id });
    const ack = ctx.chat.reply(startedText(title));
    options.track(followRun(started, title, ctx.chat, ack, options, syntax));
    await ack;
  };
}
