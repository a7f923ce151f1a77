/** Waiting in tests for something that happens asynchronously, always with an upper bound. */
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => T | undefined, timeoutMs = 10_000, what = 'a condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
