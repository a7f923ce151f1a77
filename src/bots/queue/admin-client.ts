/**
 * A front end's /train, /model and /leaderboard: the command goes to the admin queue, which
 * the primary (the one process with the SQLite store) works through one at a time, and the
 * primary's answers come back through this front end's inbox as chat operations (replies,
 * progress edits, pictures) that are performed here on the user's chat.
 */
import { Queue } from 'bullmq';
import type { QueueConfig } from '../../config.js';
import { deserializeError } from '../../base/errors.js';
import type { Logger } from '../log.js';
import type { AdminDesk } from '../core/admin.js';
import type { ContextOf } from '../core/middleware.js';
import { PRIMARY_TIMEOUT, PRIMARY_WAITING } from '../core/texts/remote.js';
import type { BotContext } from '../core/types.js';
import { deadlines, type Deadlines } from './deadline.js';
import { ADMIN_QUEUE, type AdminJobData, type InboxMessage } from './protocol.js';
import type { Redis } from './redis.js';
import { ChatReplayer } from './remote-chat.js';

type AdminContext = ContextOf<'train'> | ContextOf<'model'> | ContextOf<'leaderboard'>;

/** A training run's reports can follow its command for hours; a request the primary never ends is forgotten after this long without news. */
const FOLLOW_IDLE_MS = 6 * 3600_000;

interface Target {
  data: AdminJobData;
  ctx: BotContext;
  replayer: ChatReplayer;
  /** Resolves with the primary's `done` (or a timeout). */
  settle: (outcome: Extract<InboxMessage, { type: 'done' }> | 'timeout') => void;
  /** After `done`: more operations will come until `end`. */
  following: boolean;
  lastNews: number;
}

export class AdminClient {
  readonly queue: Queue<AdminJobData>;
  private readonly targets = new Map<string, Target>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: { config: QueueConfig; client: Redis; inbox: string; log: Logger }) {
    this.queue = new Queue<AdminJobData>(ADMIN_QUEUE, { connection: options.client, prefix: options.config.prefix, streams: { events: { maxLen: 100 } } });
    this.queue.on('error', (error: Error) => options.log.debug('queue.error', { queue: ADMIN_QUEUE, error: error.message }));
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** The desk a front end's core uses: every command is forwarded. */
  desk(): AdminDesk {
    const forward = (ctx: AdminContext) => this.forward(ctx);
    return () => ({ train: forward, model: forward, leaderboard: forward });
  }

  /** Sends the command to the primary; resolves when the primary has handled it (its answers performed here). */
  async forward(ctx: AdminContext): Promise<void> {
    if (this.targets.has(ctx.key)) return;
    const data: AdminJobData = { request: ctx.key, replyTo: this.options.inbox, actor: ctx.actor, command: ctx.request };
    let settle: Target['settle'] = () => undefined;
    const settled = new Promise<Parameters<Target['settle']>[0]>((resolve) => (settle = resolve));
    const target: Target = { data, ctx, replayer: new ChatReplayer(ctx.chat, this.options.log), settle, following: false, lastNews: Date.now() };
    this.targets.set(ctx.key, target);
    let timers: Deadlines | null = null;
    try {
      const owner = await this.submit(data);
      if (owner !== this.options.inbox) {
        ctx.facts.duplicate = 'elsewhere';
        return;
      }
      const { noticeMs, timeoutMs } = this.options.config;
      timers = deadlines(
        noticeMs,
        timeoutMs,
        () => void this.noticeIfWaiting(ctx).catch((e: unknown) => this.options.log.error('queue.notice_failed', e)),
        () =>
          void this.queue
            .remove(ctx.key)
            .catch(() => undefined)
            .finally(() => settle('timeout')),
      );
      const outcome = await settled;
      await target.replayer.idle();
      if (outcome === 'timeout') {
        ctx.facts.failure = 'primary_timeout';
        await ctx.chat.reply(PRIMARY_TIMEOUT);
        return;
      }
      if (outcome.error) throw deserializeError(outcome.error);
    } finally {
      timers?.clear();
      if (!target.following) this.targets.delete(ctx.key);
    }
  }

  /** Chat operations, `done` and `end` from the inbox; news of a request no longer followed is dropped. */
  deliver(message: Exclude<InboxMessage, { type: 'photo' }>): void {
    const target = this.targets.get(message.request);
    if (!target) return this.options.log.debug('remote.late_message', { request: message.request, type: message.type });
    target.lastNews = Date.now();
    if (message.type === 'chat') return target.replayer.perform(message.op);
    if (message.type === 'end') {
      void target.replayer.idle().then(() => this.targets.delete(message.request));
      return;
    }
    Object.assign(target.ctx.facts, message.facts);
    target.following = message.follow;
    target.settle(message);
  }

  /** After a Redis restart: commands the primary has not answered yet are sent again. */
  async resubmit(): Promise<void> {
    const unanswered = [...this.targets.values()].filter((t) => !t.following);
    await Promise.all(unanswered.map((t) => this.submit(t.data)));
    if (unanswered.length) this.options.log.info('remote.resubmitted', { commands: unanswered.length });
  }

  /** Waits (at most `timeoutMs`) until every forwarded command and its follow-up has been answered here. */
  async settle(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (this.targets.size > 0 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50));
    return this.targets.size === 0;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.queue.close();
  }

  private async submit(data: AdminJobData): Promise<string> {
    const job = await this.queue.add(data.command.kind, data, { jobId: data.request, removeOnComplete: true, removeOnFail: true, attempts: 1 });
    return job.data.replyTo;
  }

  private async noticeIfWaiting(ctx: BotContext): Promise<void> {
    const state = await this.queue.getJobState(ctx.key);
    if (state !== 'waiting' && state !== 'prioritized') return;
    ctx.facts.noticed = 'primary_waiting';
    await this.targets.get(ctx.key)?.replayer.idle();
    await ctx.chat.reply(PRIMARY_WAITING);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, target] of this.targets) if (target.following && now - target.lastNews > FOLLOW_IDLE_MS) this.targets.delete(key);
  }
}
