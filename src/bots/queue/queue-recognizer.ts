/**
 * The recognizer of a front end with a queue: photos go to the BullMQ photo queue, `celeb
 * worker` processes on any machine answer them, and the answer comes back through this front
 * end's inbox. The photo's bytes wait in a key of their own with a TTL; the job and that key
 * are removed once answered.
 *
 * Bounded: at most `maxPending` photos of this front end wait (their bytes are kept here
 * until answered, to send them again after a Redis restart), and a new photo is refused
 * ("busy") while `maxWaiting` photos of all front ends wait in Redis.
 */
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import type { QueueConfig } from '../../config.js';
import { CelebError, deserializeError } from '../../base/errors.js';
import type { Logger } from '../log.js';
import type { AnsweringModel, PhotoReply, PhotoRequest, Recognizer } from '../core/recognize.js';
import { NO_WORKER, QUEUED } from '../core/texts/recognition.js';
import { QueueFullError } from '../core/work-queue.js';
import { deadlines, Serial } from './deadline.js';
import { PHOTO_QUEUE, queueKeys, type InboxMessage, type PhotoJobData } from './protocol.js';
import type { Redis } from './redis.js';

/** Code `busy`: no worker answered in time; the photo was withdrawn. */
export class AnswerTimeoutError extends CelebError {
  override name = 'AnswerTimeoutError';
  constructor(seconds: number) {
    super('busy', `no worker answered the photo within ${seconds} s`);
  }
}

export interface QueueRecognizerOptions {
  config: QueueConfig;
  /** Commands connection (shared with the BullMQ queue). */
  client: Redis;
  /** This front end's inbox key. */
  inbox: string;
  /** The model answering now, as published by the primary. */
  model: () => AnsweringModel;
  /** Photos of this front end waiting for an answer at most. */
  maxPending: number;
  maxImageBytes: number;
  /** Faces of a group photo answered (`BOT_MAX_FACES`), sent with each photo. */
  maxFaces: number;
  log: Logger;
}

/** How a photo ends: its reply, a failure (the core turns it into a sentence), or answered by another front end. */
type Outcome = { reply: PhotoReply } | { error: Error } | 'elsewhere';

interface Pending {
  bytes: Uint8Array;
  facts: PhotoRequest['facts'];
  settle: (outcome: Outcome) => void;
}

/** Photo states in which no worker has it yet. */
const NOT_TAKEN = new Set(['waiting', 'prioritized', 'delayed']);

/** How long the count of waiting photos is trusted by the check before a download (see checkRoom). */
const TRUST_WAITING_COUNT_MS = 1000;

export class QueueRecognizer implements Recognizer {
  readonly queue: Queue<PhotoJobData>;
  private readonly keys;
  private readonly pending = new Map<string, Pending>();
  /** Photos being downloaded or added: they count against `maxPending` already. */
  private readonly arriving = new Set<string>();
  private readonly admission = new Serial();
  /** The last count of photos waiting over all front ends, and when it was read (performance.now()). */
  private lastWaiting = { count: 0, at: -Infinity };

  constructor(private readonly options: QueueRecognizerOptions) {
    this.keys = queueKeys(options.config.prefix);
    this.queue = new Queue<PhotoJobData>(PHOTO_QUEUE, {
      connection: options.client,
      prefix: options.config.prefix,
      // Events are not read (answers come through the inbox); keep BullMQ's stream short.
      streams: { events: { maxLen: 100 } },
    });
    this.queue.on('error', (error: Error) => options.log.debug('queue.error', { queue: PHOTO_QUEUE, error: error.message }));
  }

  get model(): AnsweringModel {
    return this.options.model();
  }

  /** Photos waiting for a worker or being answered, over all front ends. */
  depth(): Promise<number> {
    return this.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active');
  }

  /** Photos waiting for a worker, over all front ends. */
  waiting(): Promise<number> {
    return this.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed');
  }

  async recognize(photo: PhotoRequest): Promise<PhotoReply | null> {
    if (this.pending.has(photo.key) || this.arriving.has(photo.key)) {
      photo.facts.duplicate = 'here'; // the same message twice: the first one answers it
      return null;
    }
    if (this.pending.size + this.arriving.size >= this.options.maxPending)
      throw new QueueFullError(`${this.pending.size + this.arriving.size} photos of this front end already wait`);
    this.arriving.add(photo.key);
    let settle: Pending['settle'] = () => undefined;
    const answered = new Promise<Outcome>((resolve) => (settle = resolve));
    let finished = false;
    const { noticeMs, timeoutMs } = this.options.config;
    // From the start: a Redis that does not answer (down, restarting) delays the photo, the notice and the timeout still come.
    const timers = deadlines(
      noticeMs,
      timeoutMs,
      () => void this.noticeIfWaiting(photo).catch((e: unknown) => this.options.log.error('queue.notice_failed', e)),
      () => void this.withdraw(photo.key).finally(() => settle({ error: new AnswerTimeoutError(timeoutMs / 1000) })),
    );
    const enqueue = async (): Promise<void> => {
      await this.checkRoom(false); // before downloading: a full queue refuses at once
      photo.working();
      const bytes = await photo.image.download(this.options.maxImageBytes);
      photo.facts.bytes = bytes.length;
      // Listening before the job exists: a fast worker's answer must find it.
      this.pending.set(photo.key, { bytes, facts: photo.facts, settle: (outcome) => settle(outcome) });
      this.arriving.delete(photo.key);
      const owner = await this.admission.run(async () => {
        if (finished) return this.options.inbox; // timed out meanwhile: not sent
        await this.checkRoom(true);
        return this.submit(photo.key, bytes);
      });
      if (owner !== this.options.inbox) settle('elsewhere'); // another front end got the same message first and answers it
    };
    enqueue().catch((error: unknown) => settle({ error: error instanceof Error ? error : new Error(String(error)) }));
    try {
      const outcome = await answered;
      if (outcome === 'elsewhere') {
        photo.facts.duplicate = 'elsewhere';
        return null;
      }
      if ('error' in outcome) throw outcome.error;
      return outcome.reply;
    } finally {
      finished = true;
      timers.clear();
      this.arriving.delete(photo.key);
      this.pending.delete(photo.key);
    }
  }

  /** A photo answer from the inbox; one for a photo no longer waited for (answered already, withdrawn) is dropped. */
  deliver(message: Extract<InboxMessage, { type: 'photo' }>): void {
    const pending = this.pending.get(message.request);
    if (!pending) return this.options.log.debug('queue.late_answer', { request: message.request });
    this.pending.delete(message.request);
    Object.assign(pending.facts, message.facts);
    if (message.error) pending.settle({ error: deserializeError(message.error) });
    else if (message.reply) pending.settle({ reply: message.reply });
    else pending.settle({ error: new Error('an answer without reply or error') });
  }

  /**
   * Redis restarted and forgot everything: every photo still waiting for its answer is sent
   * again under the same job id. A photo answered meanwhile by a worker of the old Redis is
   * answered twice by workers, but only the first answer reaches the user.
   */
  async resubmit(): Promise<void> {
    const keys = [...this.pending.keys()];
    await Promise.all(keys.map((key) => this.admission.run(() => this.submit(key, this.pending.get(key)!.bytes))));
    this.options.log.info('queue.resubmitted', { photos: keys.length });
  }

  /** Stops the queue's connection use; photos still waiting are not answered by this process any more. */
  async close(): Promise<void> {
    await this.queue.close();
  }

  /**
   * Refuses a photo when `maxWaiting` photos wait. `fresh`: ask Redis (the check before adding a
   * job); otherwise a count read in the last second will do (the check before downloading, which
   * only spares a download: measured, its round trip was 0.5 ms of each photo's way).
   */
  private async checkRoom(fresh: boolean): Promise<void> {
    const now = performance.now();
    const recent = !fresh && now - this.lastWaiting.at < TRUST_WAITING_COUNT_MS;
    const waiting = recent ? this.lastWaiting.count : await this.waiting();
    if (!recent) this.lastWaiting = { count: waiting, at: now };
    if (waiting >= this.options.config.maxWaiting) throw new QueueFullError(`${waiting} photos already wait for a worker`);
  }

  /** Stores the bytes (TTL: the answer's timeout and a margin) and adds the job; returns the inbox of whoever answers it. */
  private async submit(key: string, bytes: Uint8Array): Promise<string> {
    const { config, client, inbox } = this.options;
    const bytesKey = this.keys.photoBytes(key);
    // Sent together on the one connection the queue shares, the bytes first: Redis runs a connection's
    // commands in order, so no worker can see the job before its bytes, and the photo waits for one round trip, not two.
    const [, job] = await Promise.all([
      client.set(bytesKey, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'PX', config.timeoutMs + 60_000),
      this.queue.add(
        'photo',
        { request: key, replyTo: inbox, bytesKey, maxFaces: this.options.maxFaces },
        // An id that already exists adds nothing: the same message from two front ends is one job.
        { jobId: key, removeOnComplete: true, removeOnFail: true, attempts: 1 },
      ),
    ]);
    return job.data.replyTo;
  }

  private async noticeIfWaiting(photo: PhotoRequest): Promise<void> {
    if (!this.pending.has(photo.key) && !this.arriving.has(photo.key)) return;
    if (this.options.client.status !== 'ready') {
      // Redis is away (a restart): asking it would wait for it; the photo waits here and is sent when it is back.
      photo.facts.noticed = 'redis_down';
      return photo.notify(NO_WORKER);
    }
    const state = await this.queue.getJobState(photo.key);
    if (!NOT_TAKEN.has(state)) return;
    const [workers, waiting] = await Promise.all([this.queue.getWorkersCount(), this.waiting()]);
    photo.facts.noticed = workers === 0 ? 'no_worker' : 'queued';
    await photo.notify(workers === 0 ? NO_WORKER : QUEUED(Math.max(1, waiting)));
  }

  /** Gives a photo up: the job if no worker has it yet, and the bytes either way. */
  private async withdraw(key: string): Promise<void> {
    try {
      await this.queue.remove(key);
    } catch (error) {
      this.options.log.debug('queue.withdraw_failed', { request: key, error: error instanceof Error ? error.message : String(error) });
    }
    await this.options.client.del(this.keys.photoBytes(key)).catch(() => undefined);
  }
}
