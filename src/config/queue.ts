/**
 * Scaling out (issue 19): recognition on other machines through BullMQ on Redis. Read by
 * `loadQueueConfig`; kept apart from AppConfig because only bots and `celeb worker` use it.
 *
 * Without CELEB_QUEUE_URL nothing changes: one process, the engine in it. With it:
 *   - Bot processes are front ends: photos go to a BullMQ queue on that Redis, and
 *     `celeb worker` processes on any machine take them, each with its own engine
 *     (CELEB_WORKERS threads). Bot processes load no engine.
 *   - CELEB_ROLE says which bot process owns the SQLite store:
 *       primary (default): opens the store and the training service, runs /train, /model and
 *         /leaderboard for every front end, one at a time, from the admin queue, and publishes
 *         the active model to the workers. Run exactly one (it may have no chat token).
 *       frontend: no store; forwards those commands to the primary. Any number (Discord
 *         shard processes, Telegram webhook instances behind a load balancer).
 *   - Model directories are published by path: mount CELEB_MODEL_DIR at the same path on
 *     every machine (or copy run models there before promoting them).
 */
import { ConfigError, oneOf, positiveInteger, positiveNumber, type Env } from './values.js';

export type QueueRole = 'primary' | 'frontend';

export interface QueueConfig {
  /** `CELEB_QUEUE_URL`: `redis://[user:password@]host:port[/db]` or `rediss://` (TLS). Secret when it holds a password. */
  url: string;
  /** `CELEB_ROLE`, default `primary`. */
  role: QueueRole;
  /** Namespace of every Redis key (several bots can share one Redis). `CELEB_QUEUE_PREFIX`, default `celeb`. */
  prefix: string;
  /** Photos waiting in Redis (all front ends together) beyond which new photos get "busy". `CELEB_QUEUE_MAX_WAITING`, default 200. */
  maxWaiting: number;
  /** A photo no worker has taken after this long: the user is told it waits. `CELEB_QUEUE_NOTICE_SECONDS`, default 2 (Discord shows "thinking..." until then). */
  noticeMs: number;
  /** Longest wait for an answer; the photo is then withdrawn and the user told to try again. `CELEB_QUEUE_TIMEOUT_SECONDS`, default 300. */
  timeoutMs: number;
  /** BullMQ lock of a photo in work: a worker that dies loses it after this long. `CELEB_QUEUE_LOCK_SECONDS`, default 30. */
  lockMs: number;
  /** How often workers look for photos whose worker died (BullMQ stalled check). `CELEB_QUEUE_STALLED_SECONDS`, default 30. */
  stalledIntervalMs: number;
}

export const QUEUE_ROLES: readonly QueueRole[] = ['primary', 'frontend'];

function redisUrl(env: Env, key: string): string | null {
  const raw = env[key]?.trim();
  if (!raw) return null;
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    // reported below, without echoing a password
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname)
    throw new ConfigError(`${key} must be a redis:// or rediss:// URL such as redis://localhost:6379, got "${redactUrl(raw)}"`);
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d+$/.test(url.pathname))
    throw new ConfigError(`${key}: the path is a database number (redis://host:6379/0), got "${url.pathname}"`);
  return raw;
}

/** A URL as it may be logged: without its password. */
export function redactUrl(raw: string): string {
  return raw.replace(/^(\w+:\/\/[^:/@]*:)[^@]*@/, '$1[redacted]@');
}

/** Null without `CELEB_QUEUE_URL`: everything runs in one process. */
export function loadQueueConfig(env: Env = process.env): QueueConfig | null {
  const url = redisUrl(env, 'CELEB_QUEUE_URL');
  const role = oneOf(env, 'CELEB_ROLE', QUEUE_ROLES, 'primary');
  const prefix = env.CELEB_QUEUE_PREFIX?.trim() || 'celeb';
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(prefix)) throw new ConfigError(`CELEB_QUEUE_PREFIX must be letters, digits, _ or - (no ':'), got "${prefix}"`);
  const seconds = (key: string, fallback: number) => Math.round(positiveNumber(env, key, fallback) * 1000);
  const config: QueueConfig | null =
    url === null
      ? null
      : {
          url,
          role,
          prefix,
          maxWaiting: positiveInteger(env, 'CELEB_QUEUE_MAX_WAITING', 200),
          noticeMs: seconds('CELEB_QUEUE_NOTICE_SECONDS', 2),
          timeoutMs: seconds('CELEB_QUEUE_TIMEOUT_SECONDS', 300),
          lockMs: seconds('CELEB_QUEUE_LOCK_SECONDS', 30),
          stalledIntervalMs: seconds('CELEB_QUEUE_STALLED_SECONDS', 30),
        };
  if (config && config.noticeMs >= config.timeoutMs) throw new ConfigError('CELEB_QUEUE_NOTICE_SECONDS must be shorter than CELEB_QUEUE_TIMEOUT_SECONDS');
  return config;
}

/** The password in CELEB_QUEUE_URL, if any, for the log scrubber. */
export function queueSecrets(env: Env = process.env): string[] {
  const raw = env.CELEB_QUEUE_URL?.trim();
  if (!raw) return [];
  try {
    const password = decodeURIComponent(new URL(raw).password);
    return password ? [password] : [];
  } catch {
    return [];
  }
}
