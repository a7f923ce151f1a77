/**
 * The platform-neutral bot: one middleware stack that every request of every platform goes
 * through. Adapters call `handle` with who asked, what, and a `Chat` to answer in; the core
 * decides everything else. It also knows what is in flight, for a graceful shutdown.
 */
import { randomUUID } from 'node:crypto';
import type { BotLimits } from '../../config.js';
import type { Logger } from '../log.js';
import { PLATFORMS } from '../platforms.js';
import type { AdminDesk } from './admin.js';
import { compose, handler, route } from './middleware.js';
import { observeRequests } from './observe.js';
import type { RequestObserver } from '../ops/metrics.js';
import { RateLimiter } from './rate-limit.js';
import { recognize, type Recognizer } from './recognize.js';
import { acceptingWork, adminsOnly, answerFailures, logRequests, rateLimited } from './guards.js';
import { helpText, hintText } from './texts/help.js';
import type { Thumbnails } from './thumbnails.js';
import type { Actor, BotContext, BotRequest, Chat, Middleware, Platform } from './types.js';
import { suggestPeople, whoIs } from './who.js';

export interface CoreOptions {
  /** Answers photos: the engine in this process, or the queue to `celeb worker` processes. */
  recognizer: Recognizer;
  /** /train, /model, /leaderboard: against the store here, or forwarded to the primary. */
  admin: AdminDesk;
  /** Reference thumbnails for /who. */
  thumbnails: Thumbnails;
  admins: Readonly<Record<Platform, readonly string[]>>;
  limits: BotLimits;
  maxImageBytes: number;
  maxImagePixels: number;
  log: Logger;
  /** Told how each request ended (the metrics). Default: nobody. */
  observer?: RequestObserver;
}

export interface IncomingRequest {
  actor: Actor;
  chat: Chat;
  request: BotRequest;
  /**
   * Idempotency key: the same chat message (or interaction) always gets the same key, so a
   * message delivered twice is answered once. Default: a new random key.
   */
  key?: string;
  /** Default: now. */
  receivedAt?: number;
}

/** Resolves true when every task settled in time. */
async function settle(tasks: ReadonlySet<Promise<void>>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const all = Promise.all([...tasks]).then(() => true as const);
  const result = await Promise.race([all, timeout]);
  clearTimeout(timer);
  return result;
}

export class BotCore {
  private readonly stack: Middleware<BotContext>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly background = new Set<Promise<void>>();
  private accepting = true;
  private nextId = 1;

  constructor(private readonly options: CoreOptions) {
    const { recognizer, limits, log, thumbnails } = options;
    const admin = options.admin((task) => void this.track(this.background, task));
    const limiter = new RateLimiter({ limit: limits.ratePerUser, windowMs: limits.rateWindowMs });
    const perUser = rateLimited(limiter, limits.ratePerUser, limits.rateWindowMs);
    const failureLimits = { maxImageBytes: options.maxImageBytes, maxImagePixels: options.maxImagePixels };
    this.stack = compose(
      logRequests(log),
      observeRequests(options.observer ?? { requestDone: () => undefined }),
      answerFailures(log, failureLimits),
      acceptingWork(() => this.accepting),
      route({
        help: handler(async (ctx) => void (await ctx.chat.reply(helpText(PLATFORMS[ctx.actor.platform].syntax, recognizer.model.manifest.labels)))),
        hint: handler(async (ctx) => void (await ctx.chat.reply(hintText(PLATFORMS[ctx.actor.platform].syntax)))),
        photo: compose(perUser, recognize(recognizer)),
        // A name lookup costs less than the rate limiter's bookkeeping; like /help it is not limited.
        who: whoIs({ recognizer, thumbnails }),
        leaderboard: compose(perUser, admin.leaderboard),
        train: compose(adminsOnly(options.admins, log), admin.train),
        model: compose(adminsOnly(options.admins, log), admin.model),
      }),
    );
  }

  /** Handles one request to its end (answer or failure sentence sent). Never rejects. */
  handle(input: IncomingRequest): Promise<void> {
    const ctx: BotContext = {
      id: `${input.actor.platform[0]}${(this.nextId++).toString(36)}`,
      key: input.key ?? `${input.actor.platform}.${randomUUID()}`,
      actor: input.actor,
      chat: input.chat,
      request: input.request,
      receivedAt: input.receivedAt ?? Date.now(),
      facts: {},
    };
    const task = this.stack(ctx, () => Promise.resolve()).catch((error: unknown) => this.options.log.error('core.unhandled', error, { id: ctx.id }));
    return this.track(this.inFlight, task);
  }

  /** Names of the answering model's people for a partly typed name (Discord's autocomplete), best first. */
  suggestPeople(query: string, limit: number): string[] {
    const { model } = this.options.recognizer;
    return suggestPeople(model.manifest.labels, query, limit, model.aliases);
  }

  /** Requests being answered right now. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** From now on, new requests are answered with "I'm restarting" instead of being worked on. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** Waits for every request in flight (at most `timeoutMs`); true when all were answered. */
  drain(timeoutMs: number): Promise<boolean> {
    return settle(this.inFlight, timeoutMs);
  }

  /** Waits for background work: the last report of a training run (at most `timeoutMs`). */
  settleBackground(timeoutMs: number): Promise<boolean> {
    return settle(this.background, timeoutMs);
  }

  private track(set: Set<Promise<void>>, task: Promise<void>): Promise<void> {
    const safe = task.catch((error: unknown) => this.options.log.error('core.task_failed', error));
    set.add(safe);
    void safe.finally(() => set.delete(safe));
    return safe;
  }
}
