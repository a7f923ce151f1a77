/**
 * The consuming side of the photo queue, what `celeb worker` runs: takes photos from BullMQ
 * with this machine's engine, makes the same reply the one-process bot makes (text, thumbnail
 * strip or numbered boxes) and pushes it to the asking front end's inbox, deleting the photo's
 * bytes in the same transaction. Delivery is BullMQ's: a worker that dies mid-photo loses its
 * lock, and another worker's stalled check puts the photo back in line.
 */
import { Worker, type Job } from 'bullmq';
import { DEFAULT_MAX_FACES, type QueueConfig } from '../../config.js';
import { isInputError, serializeError } from '../../base/errors.js';
import type { Logger } from '../log.js';
import { answerPhoto, type PhotoEngine } from '../core/recognize.js';
import type { Thumbnails } from '../core/thumbnails.js';
import { sendToInbox } from './inbox.js';
import { onlyScalars, PHOTO_QUEUE, toWireReply, type Facts, type InboxMessage, type PhotoJobData } from './protocol.js';
import type { Redis } from './redis.js';

export interface PhotoWorkerOptions {
  config: QueueConfig;
  /** Commands connection; BullMQ duplicates it for its blocking reads. */
  client: Redis;
  engine: PhotoEngine;
  thumbnails: Thumbnails;
  maxImagePixels: number;
  /** Photos taken at once: the engine's worker threads. */
  concurrency: number;
  /** Names this worker in logs, answers' facts and Redis's client list. */
  name: string;
  log: Logger;
  /** For fault tests: take each photo and never answer it, so the process can be killed mid-photo. */
  holdPhotos?: boolean;
}

export class PhotoWorker {
  readonly worker: Worker<PhotoJobData>;
  /** Photos answered since start. */
  answered = 0;
  private release: () => void = () => undefined;
  private readonly held = new Promise<void>((resolve) => (this.release = resolve));

  constructor(private readonly options: PhotoWorkerOptions) {
    const { config } = options;
    this.worker = new Worker<PhotoJobData>(PHOTO_QUEUE, (job) => this.process(job), {
      connection: options.client,
      prefix: config.prefix,
      name: options.name,
      concurrency: options.concurrency,
      lockDuration: config.lockMs,
      stalledInterval: config.stalledIntervalMs,
    });
    this.worker.on('error', (error: Error) => options.log.warn('worker.queue_error', { error: error.message }));
  }

  /** Resolves once the worker is connected and taking photos. */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  private async process(job: Job<PhotoJobData>): Promise<void> {
    const { engine, client, log } = this.options;
    const { request, replyTo, bytesKey } = job.data;
    const started = Date.now();
    const facts: Facts = { worker: this.options.name, queueMs: started - job.timestamp, redelivered: job.stalledCounter > 0 };
    const bytes = await client.getBuffer(bytesKey);
    if (!bytes) {
      // Withdrawn after its timeout, or lost with a Redis restart (its front end sends it again): nobody waits for this answer.
      log.warn('photo.missing', { request });
      return;
    }
    if (this.options.holdPhotos) {
      log.info('photo.held', { request });
      return this.held;
    }
    let message: InboxMessage;
    try {
      const reply = await answerPhoto(engine, bytes, facts, {
        thumbnails: this.options.thumbnails,
        maxImagePixels: this.options.maxImagePixels,
        maxFaces: job.data.maxFaces ?? DEFAULT_MAX_FACES,
      });
      message = { type: 'photo', request, reply: toWireReply(reply), error: null, facts: onlyScalars(facts) };
    } catch (error) {
      if (!isInputError(error)) log.error('photo.failed', error, { request });
      message = { type: 'photo', request, reply: null, error: serializeError(error), facts: onlyScalars(facts) };
    }
    await sendToInbox(client, replyTo, message, bytesKey);
    this.answered++;
    log.info('photo.done', {
      request,
      model: facts.model,
      faces: facts.faces,
      queueMs: facts.queueMs,
      ms: Date.now() - started,
      redelivered: facts.redelivered,
    });
  }

  /** Stops taking photos and finishes those in hand (held ones are let go unanswered). */
  async close(): Promise<void> {
    this.release();
    await this.worker.close();
  }
}
