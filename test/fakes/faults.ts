// Faults the fake servers inject on request: an HTTP 500, or the connection closed without any
// response (what a crashed proxy or a network drop looks like to the client).

export type Fault = 500 | 'close';

/** Faults queued for the next matching requests, each used once, in order. */
export class FaultQueue {
  private readonly queued: { method: string; path: RegExp; fault: Fault }[] = [];

  add(method: string, path: RegExp, ...faults: Fault[]): void {
    for (const fault of faults) this.queued.push({ method, path, fault });
  }

  /** The fault for this request, if one is queued for it (and removes it). */
  take(method: string, path: string): Fault | null {
    const at = this.queued.findIndex((f) => f.method === method && f.path.test(path));
    return at >= 0 ? this.queued.splice(at, 1)[0].fault : null;
  }
}

/**
 * Telegram-style flood control per chat: a bucket of `burst` messages, refilled at `perSecond`
 * (private chats) or `groupPerMinute` (groups, negative ids). Returns 0 when the message may go,
 * else the seconds to wait (the `retry_after` of a 429).
 */
export class FloodControl {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();

  constructor(private readonly rule: { perSecond: number; groupPerMinute: number; burst: number }) {}

  take(chatId: number, now = Date.now()): number {
    const perMs = chatId < 0 ? this.rule.groupPerMinute / 60_000 : this.rule.perSecond / 1000;
    const bucket = this.buckets.get(chatId) ?? { tokens: this.rule.burst, at: now };
    bucket.tokens = Math.min(this.rule.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(chatId, bucket);
    if (bucket.tokens < 1) return Math.ceil((1 - bucket.tokens) / perMs / 1000);
    bucket.tokens -= 1;
    return 0;
  }
}
