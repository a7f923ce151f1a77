/**
 * Discord sends that failed for a passing reason are tried again with a growing backoff.
 * discord.js's REST client (its `retries` option, default 3) already repeats a request at once
 * after a 5xx, a timeout or ECONNRESET, for every request; it does not wait between tries and
 * does not retry a connection that closed without any response (undici's UND_ERR_SOCKET) or
 * that was refused. This covers those, for answers and edits only, where a duplicate is harmless:
 * an edit (PATCH) is idempotent, and a message Discord created although no answer came back
 * would show up twice with the same content, which the bot cannot tell apart from a lost one.
 * Interaction callbacks (defer, reply) are not retried here: a second one is refused (40060).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DiscordAPIError, HTTPError } from 'discord.js';

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);

export function isTransient(error: unknown): boolean {
  if (error instanceof DiscordAPIError || error instanceof HTTPError) return error.status >= 500;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return error.name === 'AbortError' || (typeof code === 'string' && (code.startsWith('UND_ERR_') || NETWORK_CODES.has(code)));
}

export async function withRetry<T>(send: () => Promise<T>, attempts = 3, backoffMs = 500): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      await sleep(backoffMs * 2 ** (attempt - 1));
    }
  }
}
