// A list of recorded calls that tests can inspect or wait on.
// Shared by the fake Telegram and Discord servers so both behave the same way.

type Waiter<T> = {
  predicate: (entry: T) => boolean;
  resolve: (entry: T) => void;
};

export class CallLog<T> {
  readonly entries: T[] = [];
  private waiters: Waiter<T>[] = [];

  record(entry: T): void {
    this.entries.push(entry);
    // Settle matching waiters after pushing, so a waiter sees the entry in `entries` too.
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(entry)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(entry);
      }
    }
  }

  /**
   * Resolves with the first entry (already recorded or future) that matches.
   * Looking at past entries too avoids a race where the client is faster than the test.
   * Rejects after `timeoutMs` with a message listing what *was* recorded, which is
   * usually what you need to see when a test fails.
   */
  waitFor(predicate: (entry: T) => boolean, timeoutMs: number, describe: (entry: T) => string, what: string): Promise<T> {
    const existing = this.entries.find(predicate);
    if (existing !== undefined) return Promise.resolve(existing);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        predicate,
        resolve: (entry) => {
          clearTimeout(timer);
          resolve(entry);
        },
      };
      // A ref'd timer on purpose: an unref'd one could let the process exit with the test still pending.
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const seen = this.entries.map(describe).join(', ') || '(nothing)';
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; recorded so far: ${seen}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}
