/**
 * Everything a bot process needs to work through the queue, connected once: the photo
 * recognizer, the admin command forwarder, the view of the published model, this process's
 * inbox, and resubmission of what was waiting when Redis restarted.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { QueueConfig } from '../../config.js';
import type { Logger } from '../log.js';
import { AdminClient } from './admin-client.js';
import { InboxReader } from './inbox.js';
import { ModelFollower, readModelRecord } from './model-channel.js';
import { ModelView } from './model-view.js';
import { queueKeys } from './protocol.js';
import { QueueRecognizer } from './queue-recognizer.js';
import { connect, disconnect, waitUntilConnected, watchRestarts, type Redis } from './redis.js';

/** How long start-up waits for Redis. */
export const CONNECT_TIMEOUT_MS = 30_000;

export interface FrontEndOptions {
  config: QueueConfig;
  /** The model to show until the primary publishes one (its record is read first). */
  fallbackModelDir: string;
  /** Photos of this process waiting for answers at most (`BOT_MAX_QUEUE`). */
  maxPending: number;
  maxImageBytes: number;
  /** Faces of a group photo answered (`BOT_MAX_FACES`). */
  maxFaces: number;
  log: Logger;
}

export class FrontEnd {
  private constructor(
    readonly id: string,
    readonly client: Redis,
    readonly recognizer: QueueRecognizer,
    readonly admin: AdminClient,
    readonly models: ModelView,
    private readonly follower: ModelFollower,
    private readonly reader: InboxReader,
    private readonly others: Redis[],
  ) {}

  static async connect(options: FrontEndOptions): Promise<FrontEnd> {
    const { config, log } = options;
    const id = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const keys = queueKeys(config.prefix);
    const named = (role: string) => connect({ url: config.url, name: `${config.prefix}:frontend:${role}:${id}`, log });
    const [client, blocking, subscriber] = [named('commands'), named('inbox'), named('model')];
    const all = [client, blocking, subscriber];
    try {
      await waitUntilConnected(client, config.url, CONNECT_TIMEOUT_MS);
      const record = await readModelRecord(client, keys);
      const models = await ModelView.open(record?.dir ?? options.fallbackModelDir);
      const follower = new ModelFollower(subscriber, client, keys, (r) => models.use(r.dir), log, record);
      await follower.start();
      const inbox = keys.inbox(id);
      const recognizer = new QueueRecognizer({
        config,
        client,
        inbox,
        model: () => models.current,
        maxPending: options.maxPending,
        maxImageBytes: options.maxImageBytes,
        maxFaces: options.maxFaces,
        log,
      });
      const admin = new AdminClient({ config, client, inbox, log });
      const reader = new InboxReader(blocking, inbox, (m) => (m.type === 'photo' ? recognizer.deliver(m) : admin.deliver(m)), log);
      const restarts = watchRestarts(
        client,
        () => void Promise.all([recognizer.resubmit(), admin.resubmit()]).catch((error: unknown) => log.error('queue.resubmit_failed', error)),
        log,
      );
      await restarts.ready;
      log.info('frontend.connected', { id, model: models.current.name });
      return new FrontEnd(id, client, recognizer, admin, models, follower, reader, [blocking, subscriber]);
    } catch (error) {
      await Promise.all(all.map(disconnect));
      throw error;
    }
  }

  /** Connected to Redis right now (for a health check): photos can be queued and answers read. */
  get connected(): boolean {
    return [this.client, ...this.others].every((c) => c.status === 'ready');
  }

  async close(): Promise<void> {
    this.follower.stop();
    await this.reader.close();
    await Promise.all([this.recognizer.close(), this.admin.close()]);
    await Promise.all([this.client, ...this.others].map(disconnect));
  }
}
