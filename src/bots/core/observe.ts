/**
 * The request report for the metrics: how each request ended and where a photo's time went,
 * read from the facts the handlers already record for the log line (one source for both).
 */
import { PHOTO_STAGES, type PhotoStage, type RequestObserver, type RequestReport } from '../ops/metrics.js';
import type { BotContext, Middleware } from './types.js';

/** The log fact holding each stage's milliseconds. */
const STAGE_FACTS: Record<PhotoStage, string> = {
  wait: 'waitMs',
  download: 'downloadMs',
  decode: 'decodeMs',
  detect: 'detectMs',
  embed: 'embedMs',
  rank: 'rankMs',
  draw: 'drawMs',
  send: 'sendMs',
};

export function requestReport(ctx: BotContext, now = Date.now()): RequestReport {
  const { failure, refused } = ctx.facts;
  const stages: RequestReport['stages'] = {};
  for (const stage of PHOTO_STAGES) {
    const ms = ctx.facts[STAGE_FACTS[stage]];
    if (typeof ms === 'number') stages[stage] = ms / 1000;
  }
  return {
    platform: ctx.actor.platform,
    kind: ctx.request.kind,
    outcome: typeof failure === 'string' ? 'failed' : typeof refused === 'string' ? 'refused' : 'answered',
    reason: typeof failure === 'string' ? failure : typeof refused === 'string' ? refused : null,
    seconds: (now - ctx.receivedAt) / 1000,
    stages,
  };
}

/** Reports every request when it is done, whatever happened (outside the failure boundary). */
export function observeRequests(observer: RequestObserver): Middleware<BotContext> {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      observer.requestDone(requestReport(ctx));
    }
  };
}
