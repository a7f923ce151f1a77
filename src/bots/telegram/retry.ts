/**
 * Telegram answers a burst of messages (about 1 per second per chat, 30 per second overall)
 * with 429 Too Many Requests and a `retry_after` in seconds. telegraf does not retry, so sends
 * go through this: wait as told and try again, a few times, never longer than `maxWaitMs`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TelegramError } from 'telegraf';

export interface RetryOptions {
  attempts: number;
  /** Longest single wait; a longer retry_after is not worth holding the answer for. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 3, maxWaitMs: 30_000 };

export function retryAfterMs(error: unknown): number | null {
  if (!(error instanceof TelegramError) || error.code !== 429) return null;
  return Math.max(0, (error.parameters?.retry_after ?? 1) * 1000);
}

export async function withRetryAfter<T>(send: () => Promise<T>, options: RetryOptions = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const wait = retryAfterMs(error);
      if (wait === null || attempt >= options.attempts || wait > options.maxWaitMs) throw error;
      await sleep(wait);
    }
  }
}
