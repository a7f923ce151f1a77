/** The two moments of a request that waits for someone else: a notice to the user, then giving up. */

export interface Deadlines {
  /** Cancels both timers (the answer came). */
  clear(): void;
}

/** Calls `notice` after `noticeMs` and `timeout` after `timeoutMs`, unless cleared first. */
export function deadlines(noticeMs: number, timeoutMs: number, notice: () => void, timeout: () => void): Deadlines {
  const timers = [setTimeout(notice, noticeMs), setTimeout(timeout, timeoutMs)];
  return { clear: () => timers.forEach(clearTimeout) };
}

/** Runs tasks one after another (a promise chain): check-then-act sequences of one process do not interleave. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
