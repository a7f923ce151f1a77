/**
 * Sends to Telegram that failed for a passing reason are tried again: 429 Too Many Requests
 * waits the `retry_after` Telegram asks for; a 5xx or a network error (connection refused,
 * reset, closed without a response) waits a growing backoff. telegraf retries nothing itself.
 *
 * Only answers and edits go through here, and for them a duplicate is harmless: an edit to the
 * same text is idempotent (and "not modified" is ignored by the caller), and a message that
 * Telegram delivered although its answer was a 5xx or never arrived would show up twice with
 * the same content, which the bot cannot tell apart from a lost one anyway. Losing the answer
 * ("Sorry, something went wrong") is the worse outcome. 4xx errors are never retried.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TelegramError } from 'telegraf';

export interface RetryOptions {
  attempts: number;
  /** Longest single wait; a longer retry_after is not worth holding the answer for. */
  maxWaitMs: number;
  /** First backoff after a 5xx or network error; doubled each time. */
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, maxWaitMs: 30_000, backoffMs: 500 };

export function retryAfterMs(error: unknown): number | null {
  if (!(error instanceof TelegramError) || error.code !== 429) return null;
  return Math.max(0, (error.parameters?.retry_after ?? 1) * 1000);
}

/** A 5xx from the Bot API, or a request that got no HTTP answer at all (node-fetch's FetchError, a timeout). */
export function isTransient(error: unknown): boolean {
  if (error instanceof TelegramError) return error.code >= 500;
  return error instanceof Error && (error.name === 'FetchError' || error.name === 'AbortError');
}

export async function withRetry<T>(send: () => Promise<T>, options: RetryOptions = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const wait = retryAfterMs(error) ?? (isTransient(error) ? options.backoffMs * 2 ** (attempt - 1) : null);
      if (wait === null || attempt >= options.attempts || wait > options.maxWaitMs) throw error;
      await sleep(wait);
    }
  }
}
