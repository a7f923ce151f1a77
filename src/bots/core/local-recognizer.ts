/**
 * The recognizer of the one-process bot: the engine's worker pool in this process. A photo
 * waits for a slot in the work queue (saying "you are number k" when the line is long), is
 * downloaded into memory only then, goes through the engine, and its bytes are dropped as soon
 * as the answer is made.
 */
import { answerPhoto, type PhotoEngine, type PhotoReply, type PhotoRequest, type Recognizer } from './recognize.js';
import { QUEUED } from './texts/recognition.js';
import type { Thumbnails } from './thumbnails.js';
import { WorkQueue } from './work-queue.js';

export interface LocalRecognizerOptions {
  /** Recognitions (download + detect + embed + drawing) at once. */
  maxConcurrent: number;
  /** Photos waiting beyond which a new one is refused (QueueFullError). */
  maxQueue: number;
  /** Say "you are number k" when k is above this. */
  queueNotice: number;
  thumbnails: Thumbnails;
  maxImageBytes: number;
  maxImagePixels: number;
  /** Faces of a group photo answered (`BOT_MAX_FACES`). */
  maxFaces: number;
}

export class LocalRecognizer implements Recognizer {
  readonly queue: WorkQueue;

  constructor(
    private readonly engine: PhotoEngine,
    private readonly options: LocalRecognizerOptions,
  ) {
    this.queue = new WorkQueue({ maxConcurrent: options.maxConcurrent, maxQueue: options.maxQueue });
  }

  get model(): PhotoEngine['model'] {
    return this.engine.model;
  }

  async recognize(photo: PhotoRequest): Promise<PhotoReply> {
    const ticket = this.queue.enter(); // QueueFullError -> "swamped" sentence
    try {
      if (ticket.position > this.options.queueNotice) await photo.notify(QUEUED(ticket.position));
      photo.facts.queuePosition = ticket.position;
      await ticket.ready;
      photo.facts.waitMs = Date.now() - photo.receivedAt;
      photo.working();
      const started = performance.now();
      const bytes = await photo.image.download(this.options.maxImageBytes);
      photo.facts.downloadMs = Math.round(performance.now() - started);
      photo.facts.bytes = bytes.length;
      return await answerPhoto(this.engine, bytes, photo.facts, this.options);
    } finally {
      ticket.release();
    }
  }

  depth(): Promise<number> {
    return Promise.resolve(this.queue.active + this.queue.queued);
  }
}
