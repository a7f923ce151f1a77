/**
 * At most `maxConcurrent` recognitions at once, first come first served. A request that has
 * to wait learns its place in line (so the bot can say "you are number k"); past `maxQueue`
 * waiting requests, new ones are refused instead of piling up in memory.
 */

import { CelebError } from '../../base/errors.js';

/** Code `busy`, like the engine's PoolBusyError: the same sentence answers both. */
export class QueueFullError extends CelebError {
  override name = 'QueueFullError';
  constructor(message: string) {
    super('busy', message);
  }
}

export interface Ticket {
  /** 0: runs at once; k >= 1: k-th in line. */
  readonly position: number;
  /** Resolves when this request may run. */
  readonly ready: Promise<void>;
  /** Frees the slot (or leaves the line); call exactly once, also on failure. Extra calls are ignored. */
  release(): void;
}

export interface WorkQueueOptions {
  maxConcurrent: number;
  maxQueue: number;
}

export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: WorkQueueOptions) {}

  /** Requests running now. */
  get active(): number {
    return this.running;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Takes a place; throws QueueFullError when `maxQueue` requests already wait. */
  enter(): Ticket {
    if (this.running < this.options.maxConcurrent) {
      this.running++;
      return { position: 0, ready: Promise.resolve(), release: this.releaser() };
    }
    if (this.waiting.length >= this.options.maxQueue) throw new QueueFullError(`${this.waiting.length} requests are already waiting`);
    let started = false;
    let wake: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (wake = resolve));
    const entry = (): void => {
      started = true;
      wake();
    };
    this.waiting.push(entry);
    const release = this.releaser();
    return {
      position: this.waiting.length,
      ready,
      release: () => {
        if (started) return release(); // it ran (or was handed the slot): free the slot
        const i = this.waiting.indexOf(entry); // gave up while still in line
        if (i >= 0) this.waiting.splice(i, 1);
      },
    };
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const nextInLine = this.waiting.shift();
      if (nextInLine)
        nextInLine(); // the slot passes straight on; `running` stays the same
      else this.running--;
    };
  }
}
