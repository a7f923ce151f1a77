/**
 * The primary's side of the admin queue: the one process with the SQLite store runs every
 * front end's /train, /model and /leaderboard, one at a time (worker concurrency 1, and the
 * queue's global concurrency 1, so even a second primary by mistake would not run two at
 * once), with the same desk the one-process bot uses and a RemoteChat for the answers.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { QueueConfig } from '../../config.js';
import { serializeError } from '../../base/errors.js';
import type { Logger } from '../log.js';
import type { AdminDesk, AdminRoutes } from '../core/admin.js';
import type { BotContext, Middleware } from '../core/types.js';
import { sendToInbox } from './inbox.js';
import { ADMIN_QUEUE, onlyScalars, type AdminJobData } from './protocol.js';
import type { Redis } from './redis.js';
import { RemoteChat } from './remote-chat.js';

export class AdminServer {
  private readonly worker: Worker<AdminJobData>;
  private readonly routes: AdminRoutes;
  /** The command being handled (one at a time): work it leaves running belongs to its chat. */
  private current: { chat: RemoteChat; follow: boolean } | null = null;
  private readonly background = new Set<Promise<void>>();
  private nextId = 1;

  private constructor(private readonly options: { config: QueueConfig; client: Redis; desk: AdminDesk; log: Logger }) {
    this.routes = options.desk((task) => this.track(task));
    this.worker = new Worker<AdminJobData>(ADMIN_QUEUE, (job) => this.process(job), {
      connection: options.client,
      prefix: options.config.prefix,
      name: 'primary',
      concurrency: 1,
      lockDuration: options.config.lockMs,
      stalledInterval: options.config.stalledIntervalMs,
    });
    this.worker.on('error', (error: Error) => options.log.warn('admin.queue_error', { error: error.message }));
  }

  static async start(options: { config: QueueConfig; client: Redis; desk: AdminDesk; log: Logger }): Promise<AdminServer> {
    const queue = new Queue(ADMIN_QUEUE, { connection: options.client, prefix: options.config.prefix });
    try {
      await queue.setGlobalConcurrency(1);
    } finally {
      await queue.close();
    }
    const server = new AdminServer(options);
    await server.worker.waitUntilReady();
    return server;
  }

  private track(task: Promise<void>): void {
    const current = this.current;
    if (!current) throw new Error('background work outside an admin command');
    current.follow = true;
    const followed = task
      .catch((error: unknown) => this.options.log.error('admin.background_failed', error))
      .finally(() => current.chat.end().catch((error: unknown) => this.options.log.error('admin.end_failed', error)));
    this.background.add(followed);
    void followed.finally(() => this.background.delete(followed));
  }

  private async process(job: Job<AdminJobData>): Promise<void> {
    const { request, replyTo, actor, command } = job.data;
    const chat = new RemoteChat(this.options.client, replyTo, request);
    const ctx: BotContext = { id: `p${(this.nextId++).toString(36)}`, key: request, actor, chat, request: command, receivedAt: job.timestamp, facts: {} };
    this.current = { chat, follow: false };
    let error: ReturnType<typeof serializeError> | null = null;
    try {
      // The route for the command's kind takes exactly this context (see middleware.ts's route()).
      await (this.routes[command.kind] as Middleware<BotContext>)(ctx, () => Promise.resolve());
    } catch (caught) {
      error = serializeError(caught); // the front end turns it into a sentence, as for its own failures
    }
    const follow = this.current.follow;
    this.current = null;
    await sendToInbox(this.options.client, replyTo, { type: 'done', request, error, facts: onlyScalars(ctx.facts), follow });
    this.options.log.info('admin.request', {
      request,
      kind: command.kind,
      user: actor.id,
      platform: actor.platform,
      ms: Date.now() - job.timestamp,
      follow,
      ...ctx.facts,
    });
  }

  /** Stops taking commands; the one in hand finishes. */
  async stopTaking(): Promise<void> {
    await this.worker.close();
  }

  /** Waits for the commands' follow-ups (training reports) to be sent, at most `timeoutMs`. */
  async settle(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.background), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }
}
