/**
 * Redis connections for the queue: ioredis clients that retry for ever (a Redis restart is
 * survived, not fatal), log their state changes once instead of every failed attempt, and tell
 * when the server they reach is not the one they knew (a restart without persistence emptied it).
 */
import { Redis } from 'ioredis';
import { redactUrl } from '../../config.js';
import { CelebError } from '../../base/errors.js';
import type { Logger } from '../log.js';

export type { Redis } from 'ioredis';

export interface ConnectionOptions {
  url: string;
  /** Names the connection in logs (and in Redis's CLIENT LIST). */
  name: string;
  log: Logger;
}

/**
 * A client for commands, blocking reads or pub/sub. `maxRetriesPerRequest: null`: commands wait
 * while Redis is away (BullMQ requires it for its workers); callers bound the wait themselves.
 */
export function connect({ url, name, log }: ConnectionOptions): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    connectionName: name,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
  });
  let down = false;
  client.on('error', (error: Error) => {
    if (!down) log.warn('redis.error', { connection: name, url: redactUrl(url), error: error.message });
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info('redis.reconnected', { connection: name });
    down = false;
  });
  return client;
}

/** The server's run id: it changes when Redis restarts (and, without persistence, forgets everything). */
export async function serverRunId(client: Redis): Promise<string> {
  const info = await client.info('server');
  const match = info.match(/^run_id:(\w+)/m);
  if (!match) throw new Error('INFO server has no run_id');
  return match[1];
}

/**
 * Calls `onRestart` after a reconnection to a Redis that restarted meanwhile (another run id),
 * never for the first connection nor for a mere dropped connection to the same server.
 */
export function watchRestarts(client: Redis, onRestart: () => void, log: Logger): { ready: Promise<void> } {
  let known: string | null = null;
  const check = async (): Promise<void> => {
    const id = await serverRunId(client);
    if (known !== null && id !== known) {
      log.warn('redis.restarted', { before: known.slice(0, 8), now: id.slice(0, 8) });
      known = id;
      onRestart();
    }
    known = id;
  };
  const first = new Promise<void>((resolve, reject) => {
    const run = (): void => void check().then(resolve, reject);
    if (client.status === 'ready') run();
    else client.once('ready', run);
  });
  client.on('ready', () => {
    if (known !== null) check().catch((error: unknown) => log.error('redis.run_id_failed', error));
  });
  return { ready: first };
}

/** Closes a client politely, or at once if Redis is not there to answer. */
export async function disconnect(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') return void client.disconnect();
  await client.quit().catch(() => client.disconnect());
}

/** Resolves once `client` is connected; rejects with a clear error (no password in it) after `timeoutMs`. */
export async function waitUntilConnected(client: Redis, url: string, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  let onReady: () => void = () => undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onReady = resolve;
      client.once('ready', onReady);
      timer = setTimeout(
        () =>
          reject(
            new CelebError(
              'io',
              `Redis at ${redactUrl(url)} did not answer within ${Math.round(timeoutMs / 1000)} s. Check CELEB_QUEUE_URL and that Redis runs.`,
            ),
          ),
        timeoutMs,
      );
    });
  } finally {
    clearTimeout(timer);
    client.off('ready', onReady);
  }
}
