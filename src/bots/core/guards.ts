/**
 * Middleware that decides whether a request goes on: the request log line, the error
 * boundary (every failure becomes a sentence), shutdown, admins, and the per-user rate limit.
 */
import type { Logger } from '../log.js';
import type { RateLimiter } from './rate-limit.js';
import { describeFailure, RATE_LIMITED, SHUTTING_DOWN, type FailureLimits } from './texts/failures.js';
import { notAdminText } from './texts/training.js';
import type { BotContext, Middleware, Platform } from './types.js';

const who = (ctx: BotContext) => ({ id: ctx.id, platform: ctx.actor.platform, user: ctx.actor.id, kind: ctx.request.kind });

/** One `request` line per request when it is done: who, what, how long, and the handler's facts. */
export function logRequests(log: Logger): Middleware<BotContext> {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      log.info('request', { ...who(ctx), ms: Date.now() - ctx.receivedAt, ...ctx.facts });
    }
  };
}

/** Turns any failure into its friendly sentence; unforeseen ones are logged as errors too. */
export function answerFailures(log: Logger, limits: FailureLimits): Middleware<BotContext> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const failure = describeFailure(error, limits);
      ctx.facts.failure = failure.code;
      if (!failure.expected) log.error('request.failed', error, who(ctx));
      try {
        await ctx.chat.reply(failure.text);
      } catch (replyError) {
        log.error('reply.failed', replyError, who(ctx));
      }
    }
  };
}

/** During shutdown, new requests get "I'm restarting" instead of work. */
export function acceptingWork(accepting: () => boolean): Middleware<BotContext> {
  return async (ctx, next) => {
    if (accepting()) return next();
    ctx.facts.refused = 'shutting_down';
    await ctx.chat.reply(SHUTTING_DOWN);
  };
}

/** Only the configured admins of the request's platform pass; a refusal is answered and logged. */
export function adminsOnly(admins: Readonly<Record<Platform, readonly string[]>>, log: Logger): Middleware<BotContext> {
  return async (ctx, next) => {
    if (admins[ctx.actor.platform].includes(ctx.actor.id)) return next();
    ctx.facts.refused = 'not_admin';
    log.warn('refused', { ...who(ctx), name: ctx.actor.name, reason: 'not_admin' });
    await ctx.chat.reply(notAdminText(ctx.actor.platform, ctx.actor.id, ctx.request.kind === 'model' ? 'choose the model' : 'train models'));
  };
}

export function rateLimited(limiter: RateLimiter, limit: number, windowMs: number): Middleware<BotContext> {
  return async (ctx, next) => {
    const key = `${ctx.actor.platform}:${ctx.actor.id}`;
    const retryMs = limiter.take(key);
    if (retryMs === 0) return next();
    ctx.facts.refused = 'rate_limited';
    if (limiter.shouldTell(key, retryMs)) await ctx.chat.reply(RATE_LIMITED(limit, windowMs, retryMs));
    else ctx.facts.silent = true; // already told when to come back
  };
}
