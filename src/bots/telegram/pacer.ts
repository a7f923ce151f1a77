/**
 * Paces sends and edits so the bot stays inside Telegram's flood limits (about 1 message a
 * second per chat, 20 a minute per group, 30 a second overall) instead of running into 429s,
 * which would delay real answers for seconds each. One token bucket per chat plus one overall;
 * a short burst is allowed, then messages wait their turn. Buckets of idle chats are dropped.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SendPace } from '../platforms.js';

interface Bucket {
  tokens: number;
  at: number;
  /** The last reservation: waits are handed out in order. */
  readyAt: number;
}

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<unknown>;
}

/**
 * Telegram counts messages as they arrive and we as they leave: network and event-loop jitter
 * can bring two paced messages closer than the limit. 10% slower than the limit absorbs that.
 */
const JITTER_MARGIN = 1.1;

const realClock: PacerClock = { now: Date.now, sleep: (ms) => sleep(ms) };

export class SendPacer {
  private readonly chats = new Map<number, Bucket>();
  private readonly overall: Bucket;
  private calls = 0;

  constructor(
    private readonly pace: SendPace,
    private readonly clock: PacerClock = realClock,
  ) {
    this.overall = { tokens: pace.overallPerSecond, at: clock.now(), readyAt: 0 };
  }

  /** Waits until a message to `chatId` may go out, and counts it. Negative ids are groups (Telegram's convention). */
  async take(chatId: number): Promise<void> {
    const now = this.clock.now();
    if (++this.calls % 500 === 0) this.sweep(now);
    const perChatMs = JITTER_MARGIN * (chatId < 0 ? 60_000 / this.pace.perGroupPerMinute : 1000 / this.pace.perChatPerSecond);
    let chat = this.chats.get(chatId);
    if (!chat) this.chats.set(chatId, (chat = { tokens: this.pace.burst, at: now, readyAt: 0 }));
    const at = Math.max(
      this.reserve(chat, now, perChatMs, this.pace.burst),
      this.reserve(this.overall, now, (JITTER_MARGIN * 1000) / this.pace.overallPerSecond, this.pace.overallPerSecond),
    );
    if (at > now) await this.clock.sleep(at - now);
  }

  /** Chats tracked now. */
  get size(): number {
    return this.chats.size;
  }

  /** Takes a token at the earliest moment one is free; returns that moment. */
  private reserve(bucket: Bucket, now: number, intervalMs: number, capacity: number): number {
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) / intervalMs);
    bucket.at = now;
    bucket.tokens -= 1;
    const at = bucket.tokens >= 0 ? now : now + -bucket.tokens * intervalMs;
    bucket.readyAt = Math.max(bucket.readyAt, at);
    return at;
  }

  private sweep(now: number): void {
    for (const [id, bucket] of this.chats) if (bucket.readyAt < now - 60_000 && bucket.at < now - 60_000) this.chats.delete(id);
  }
}
