/**
 * Per-user rate limit over a sliding window: at most `limit` requests in any `windowMs`.
 * Memory stays bounded: a user's old timestamps are dropped as they are seen, and users
 * with nothing left in the window are swept out periodically.
 */

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
}

export class RateLimiter {
  private readonly seen = new Map<string, number[]>();
  /** Until when a refused user has already been told (one "Easy there" per wait, not one per refused photo). */
  private readonly told = new Map<string, number>();
  private readonly now: () => number;
  private calls = 0;

  constructor(private readonly options: RateLimitOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Counts a request for `key` and returns 0, or, when over the limit, the ms until one is allowed again (not counted). */
  take(key: string): number {
    const now = this.now();
    if (++this.calls % 1000 === 0) this.sweep(now);
    const since = now - this.options.windowMs;
    const stamps = (this.seen.get(key) ?? []).filter((t) => t > since);
    if (stamps.length >= this.options.limit) {
      this.seen.set(key, stamps);
      return stamps[0] + this.options.windowMs - now;
    }
    stamps.push(now);
    this.seen.set(key, stamps);
    return 0;
  }

  /**
   * After a refusal (`take` returned `retryMs` > 0): true the first time, false for further
   * refusals until that wait is over. A flood then costs one message, not one per photo,
   * which would only run into the platform's own flood limits and delay real answers.
   */
  shouldTell(key: string, retryMs: number): boolean {
    const now = this.now();
    if ((this.told.get(key) ?? -Infinity) > now) return false;
    this.told.set(key, now + retryMs);
    return true;
  }

  /** Users currently tracked. */
  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    const since = now - this.options.windowMs;
    for (const [key, stamps] of this.seen) if (stamps[stamps.length - 1] <= since) this.seen.delete(key);
    for (const [key, until] of this.told) if (until <= now) this.told.delete(key);
  }
}
