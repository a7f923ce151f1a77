/**
 * How a promoted model reaches every worker and front end without a restart. The primary
 * writes the active model's directory and a version to a key (TTL, re-written while it runs)
 * and publishes it on a channel. Followers apply a newer version as soon as the message comes,
 * and also read the key every few seconds and after each reconnection, so a message missed
 * while disconnected (or lost with a Redis restart) is caught up with.
 */
import type { Logger } from '../log.js';
import { isModelRecord, MODEL_RECORD_REFRESH_MS, queueKeys, type ModelRecord } from './protocol.js';
import type { Redis } from './redis.js';

type Keys = ReturnType<typeof queueKeys>;

export async function readModelRecord(client: Redis, keys: Keys): Promise<ModelRecord | null> {
  const text = await client.get(keys.model);
  if (text === null) return null;
  const value: unknown = JSON.parse(text);
  return isModelRecord(value) ? value : null;
}

/** The primary's side: publishes changes and keeps the record alive. */
export class ModelPublisher {
  private record: ModelRecord | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly client: Redis,
    private readonly keys: Keys,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.write().catch((e: unknown) => log.debug('model.record_failed', { error: String(e) })), MODEL_RECORD_REFRESH_MS);
    this.timer.unref();
  }

  get current(): ModelRecord | null {
    return this.record;
  }

  /** Makes `dir` the model everybody answers with. */
  async publish(dir: string): Promise<ModelRecord> {
    const record = { dir, version: Math.max(Date.now(), (this.record?.version ?? 0) + 1) };
    this.record = record;
    await this.write();
    const receivers = await this.client.publish(this.keys.modelChannel, JSON.stringify(record));
    this.log.info('model.published', { dir, version: record.version, receivers });
    return record;
  }

  private async write(): Promise<void> {
    if (this.record) await this.client.set(this.keys.model, JSON.stringify(this.record), 'PX', 3 * MODEL_RECORD_REFRESH_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** A worker's or front end's side: calls `apply` for every newer model, one at a time. */
export class ModelFollower {
  private applied: ModelRecord | null;
  private chain: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    /** A connection of its own: it enters subscriber mode. */
    private readonly subscriber: Redis,
    private readonly client: Redis,
    private readonly keys: Keys,
    /** Switches to the model; a rejection is logged and the version is tried again with the next record. */
    private readonly apply: (record: ModelRecord) => Promise<void>,
    private readonly log: Logger,
    /** The record the caller started with, if any. */
    initial: ModelRecord | null,
  ) {
    this.applied = initial;
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== keys.modelChannel) return;
      try {
        const value: unknown = JSON.parse(text);
        if (isModelRecord(value)) this.offer(value);
      } catch (error) {
        log.error('model.bad_message', error);
      }
    });
    // ioredis subscribes again by itself after a reconnection; the record may have changed meanwhile.
    subscriber.on('ready', () => this.poll());
    this.timer = setInterval(() => this.poll(), MODEL_RECORD_REFRESH_MS);
    this.timer.unref();
  }

  /** Subscribes and catches up with the current record. */
  async start(): Promise<void> {
    await this.subscriber.subscribe(this.keys.modelChannel);
    this.poll();
    await this.chain;
  }

  get current(): ModelRecord | null {
    return this.applied;
  }

  /** Resolves when every offered model has been applied (or failed). */
  settled(): Promise<void> {
    return this.chain;
  }

  private poll(): void {
    readModelRecord(this.client, this.keys).then(
      (record) => record && this.offer(record),
      (error: unknown) => this.log.debug('model.poll_failed', { error: String(error) }),
    );
  }

  private offer(record: ModelRecord): void {
    this.chain = this.chain.then(async () => {
      if (this.applied && record.version <= this.applied.version) return;
      try {
        await this.apply(record);
        this.applied = record;
      } catch (error) {
        this.log.error('model.switch_failed', error, { dir: record.dir, version: record.version });
        this.applied = record; // not tried again until a newer version: a broken directory must not be reloaded every poll
      }
    });
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
