/**
 * The one place that reads environment variables (and `.env`). Everything else receives a typed
 * `AppConfig` (the bots also a `BotConfig`); values are validated once at start-up so a typo
 * fails loudly and early.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PLATFORM_FACTS, PLATFORM_IDS, type Platform, type PlatformFacts } from './base/platforms.js';
import { dataLayout, platformDataDir, type DataLayout } from './data-dir.js';
import { CelebError } from './base/errors.js';
import { PACKAGE_MODEL_DIR } from './engine/package-paths.js';
import { BACKEND_CHOICES, defaultWorkerCount, type BackendChoice } from './engine/run-options.js';

export interface AppConfig {
  /**
   * Everything the program writes: the database, caches, datasets, fetched sources, models made
   * here. `CELEB_DATA_DIR`, default the platform's per-user data folder (see data-dir.ts), never
   * the working directory.
   */
  dataDir: string;
  /** Where `dataDir` came from, for `celeb info`. */
  dataDirFrom: 'CELEB_DATA_DIR' | 'platform default';
  /** Directory holding `default`, the model that answers when none is chosen. `CELEB_MODEL_DIR`, default this package's `model/`. */
  modelDir: string;
  /** SQLite database file. `CELEB_DB`, default `<dataDir>/celeb.db`. */
  dbPath: string;
  /** The data directory's parts, with `CELEB_DB` and `CELEB_CACHE_DIR` applied. */
  paths: DataLayout;
  /** Runtime (see `BackendChoice`). `CELEB_BACKEND`, default `auto`. */
  backend: BackendChoice;
  /** Intra-op threads of each worker's ONNX session. `CELEB_ONNX_THREADS`, default 1 (one per worker is fastest on 2 cores). */
  onnxThreads: number;
  /** Worker threads for feature extraction. `CELEB_WORKERS`, default: number of CPU cores (at most 4). */
  workers: number;
  /** Largest accepted image file. `CELEB_MAX_IMAGE_MB`, default 20. */
  maxImageBytes: number;
  /** Largest accepted image area. `CELEB_MAX_MEGAPIXELS`, default 40. */
  maxImagePixels: number;
  /** Host of the gallery sources' archives (`<url>/<owner>/<repo>/tar.gz/<commit>`). `CELEB_FETCH_BASE_URL`, default GitHub's codeload. */
  fetchBaseUrl: string;
  /** The health, metrics and webhook endpoint; null (none) unless `CELEB_HTTP_PORT` is set. See "Operations" below. */
  http: HttpConfig | null;
}

export const DEFAULT_FETCH_BASE_URL = 'https://codeload.github.com';

export class ConfigError extends CelebError {
  override name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('config', message, options);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function positiveNumber(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${key} must be a positive number, got "${raw}"`);
  return value;
}

function positiveInteger(env: Env, key: string, fallback: number): number {
  const value = positiveNumber(env, key, fallback);
  if (!Number.isInteger(value)) throw new ConfigError(`${key} must be a whole number, got "${env[key]}"`);
  return value;
}

function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T): T {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
}

/** The machine the configuration is for (tests pass another). */
export interface SystemInfo {
  platform: NodeJS.Platform;
  home: string;
}

const THIS_SYSTEM = (): SystemInfo => ({ platform: process.platform, home: os.homedir() });

export function loadConfig(env: Env = process.env, cores = 2, system: SystemInfo = THIS_SYSTEM()): AppConfig {
  const fromEnv = env.CELEB_DATA_DIR?.trim();
  const dataDir = path.resolve(fromEnv || platformDataDir(system.platform, env, system.home));
  const layout = dataLayout(dataDir);
  const dbPath = path.resolve(env.CELEB_DB || layout.db);
  return {
    dataDir,
    dataDirFrom: fromEnv ? 'CELEB_DATA_DIR' : 'platform default',
    modelDir: env.CELEB_MODEL_DIR ? path.resolve(env.CELEB_MODEL_DIR) : PACKAGE_MODEL_DIR,
    dbPath,
    paths: { ...layout, db: dbPath, cache: path.resolve(env.CELEB_CACHE_DIR || layout.cache) },
    backend: oneOf(env, 'CELEB_BACKEND', BACKEND_CHOICES, 'auto'),
    onnxThreads: positiveInteger(env, 'CELEB_ONNX_THREADS', 1),
    workers: positiveInteger(env, 'CELEB_WORKERS', defaultWorkerCount(cores)),
    maxImageBytes: Math.round(positiveNumber(env, 'CELEB_MAX_IMAGE_MB', 20) * 1024 * 1024),
    maxImagePixels: Math.round(positiveNumber(env, 'CELEB_MAX_MEGAPIXELS', 40) * 1_000_000),
    fetchBaseUrl: urlRoot(env, 'CELEB_FETCH_BASE_URL') ?? DEFAULT_FETCH_BASE_URL,
    http: httpConfig(env),
  };
}

// ---------------------------------------------------------------------------------------------
// Bots: tokens, admins, API roots, limits. Read by `loadBotConfig`; `.env` merged by `withDotEnv`.

/** One chat platform's settings; null in `BotConfig` when its token is not set. */
export interface PlatformConfig {
  /** Secret; never logged, never put into an error message. */
  token: string;
  /** User ids allowed to /train (Discord snowflakes or Telegram user ids, as strings). */
  adminIds: readonly string[];
  /** Base URL of the platform API, path kept (`http://host:8081/tgapi`), without a trailing slash; null for the official one. */
  apiRoot: string | null;
}

export interface BotLimits {
  /** Recognitions (download + detect + embed + drawing) at once. `BOT_MAX_CONCURRENT`, default 2 x workers. */
  maxConcurrent: number;
  /** Tell a user "busy, you are number k" once more than this many photos wait. `BOT_QUEUE_NOTICE`, default 2 x maxConcurrent. */
  queueNotice: number;
  /** Photos waiting beyond which a new one is refused ("try again in a minute"). `BOT_MAX_QUEUE`, default 100. */
  maxQueue: number;
  /** Photos (and leaderboards) per user per window. `BOT_RATE_LIMIT`, default 5. */
  ratePerUser: number;
  /** `BOT_RATE_WINDOW_SECONDS`, default 60. */
  rateWindowMs: number;
  /** Faces of a group photo answered (the largest); every face found is boxed and counted either way. `BOT_MAX_FACES`, default 8, at most 20. */
  maxFaces: number;
}

/** Default of `BotLimits.maxFaces`: eight answers still fit one card readable on a phone. */
export const DEFAULT_MAX_FACES = 8;
/** Largest `BOT_MAX_FACES`: the card grows a row per face. */
export const MAX_FACES_LIMIT = 20;

/** One section per registered platform (src/base/platforms.ts); null when its token is not set. */
export type PlatformConfigs = { readonly [P in Platform]: PlatformConfig | null };

export type BotConfig = PlatformConfigs & {
  /**
   * `guildId`: `DISCORD_GUILD_ID`, the server `npm run discord:register` registers to (instant, for development); null: global.
   * `shards`: `DISCORD_SHARDS` (see `discordShards`).
   */
  discord: (PlatformConfig & { guildId: string | null; shards: DiscordShards }) | null;
  limits: BotLimits;
  /** Shortest time between two edits of a training progress message. `BOT_PROGRESS_SECONDS`, default 5. */
  progressIntervalMs: number;
  /** Telegram by webhook instead of long polling; null: polling. See "Operations" below. */
  telegramWebhook: TelegramWebhookConfig | null;
};

function idList(env: Env, key: string): string[] {
  const raw = env[key]?.trim();
  if (!raw) return [];
  const ids = raw.split(/[\s,]+/).filter(Boolean);
  const bad = ids.find((id) => !/^\d{1,25}$/.test(id));
  if (bad !== undefined) throw new ConfigError(`${key} must be a comma-separated list of numeric user ids, got "${bad}"`);
  return ids;
}

function urlRoot(env: Env, key: string): string | null {
  const raw = env[key]?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${key} must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${key} must be an http(s) URL, got "${raw}"`);
  // Keep the path (a Bot API server behind a reverse proxy at /tgapi/); adapters add what their client needs.
  return raw.replace(/\/+$/, '');
}

/** Checks a token's shape without ever echoing it. */
function token(env: Env, spec: PlatformFacts): string | null {
  const key = spec.env.token;
  const raw = env[key]?.trim();
  if (!raw) return null;
  if (!spec.tokenPattern.test(raw))
    throw new ConfigError(`${key} does not look like a bot token (${spec.tokenHint}); check for quotes, spaces or a missing part`);
  return raw;
}

/** A platform's section: null without a token; admins and API root are validated either way. */
function platformConfig(env: Env, spec: PlatformFacts): PlatformConfig | null {
  const secret = token(env, spec);
  const adminIds = idList(env, spec.env.admins);
  const apiRoot = urlRoot(env, spec.env.apiRoot);
  return secret ? { token: secret, adminIds, apiRoot } : null;
}

/** The set bot tokens and the webhook secret, for the log scrubber (read before the rest is validated, so even a start-up failure is scrubbed). */
export function botSecrets(env: Env = process.env): string[] {
  return [...PLATFORM_IDS.map((id) => env[PLATFORM_FACTS[id].env.token]?.trim()), env.TELEGRAM_WEBHOOK_SECRET?.trim()].filter((s): s is string => Boolean(s));
}

/** `LOG_LEVEL`: `debug` or the default `info`. */
export function logLevel(env: Env = process.env): 'debug' | 'info' {
  return env.LOG_LEVEL === 'debug' ? 'debug' : 'info';
}

function nonNegativeInteger(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${key} must be a whole number of 0 or more, got "${raw}"`);
  return value;
}

function atMost(env: Env, key: string, value: number, limit: number): number {
  if (value > limit) throw new ConfigError(`${key} must be at most ${limit}, got "${env[key]}"`);
  return value;
}

export function loadBotConfig(env: Env = process.env, workers = 2): BotConfig {
  const platforms = Object.fromEntries(PLATFORM_IDS.map((id) => [id, platformConfig(env, PLATFORM_FACTS[id])])) as Record<Platform, PlatformConfig | null>;
  const guild = env.DISCORD_GUILD_ID?.trim() || null;
  if (guild !== null && !/^\d{5,25}$/.test(guild)) throw new ConfigError(`DISCORD_GUILD_ID must be a numeric server id, got "${guild}"`);
  const maxConcurrent = positiveInteger(env, 'BOT_MAX_CONCURRENT', 2 * workers);
  return {
    ...platforms,
    discord: platforms.discord ? { ...platforms.discord, guildId: guild, shards: discordShards(env) } : null,
    limits: {
      maxConcurrent,
      queueNotice: nonNegativeInteger(env, 'BOT_QUEUE_NOTICE', 2 * maxConcurrent),
      maxQueue: positiveInteger(env, 'BOT_MAX_QUEUE', 100),
      ratePerUser: positiveInteger(env, 'BOT_RATE_LIMIT', 5),
      rateWindowMs: Math.round(positiveNumber(env, 'BOT_RATE_WINDOW_SECONDS', 60) * 1000),
      maxFaces: atMost(env, 'BOT_MAX_FACES', positiveInteger(env, 'BOT_MAX_FACES', DEFAULT_MAX_FACES), MAX_FACES_LIMIT),
    },
    progressIntervalMs: Math.round(positiveNumber(env, 'BOT_PROGRESS_SECONDS', 5) * 1000),
    telegramWebhook: telegramWebhook(env, platforms.telegram !== null),
  };
}

/**
 * A `.env` file's variables: `KEY=value` lines, `export KEY=value`, `#` comments, values in
 * single quotes (literal) or double quotes (with \n, \" and \\ escapes), inline ` #` comments
 * after unquoted values. Lines that are not assignments are errors, named by line number.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = trimmed.match(/^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/);
    if (!match) throw new ConfigError(`.env line ${i + 1} is not KEY=value`);
    const [, key, rest] = match;
    const quoted = rest.match(/^(['"])(.*)\1\s*(?:#.*)?$/);
    if (quoted) {
      out[key] = quoted[1] === "'" ? quoted[2] : quoted[2].replace(/\\([n"\\])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    } else {
      out[key] = rest.replace(/\s+#.*$/, '').trim();
    }
  });
  return out;
}

/** The environment with a `.env` file's values added underneath: a real variable always wins. */
export function withDotEnv(env: Env = process.env, file = '.env'): Env {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return env;
  }
  return { ...parseDotEnv(text), ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) };
}

// ---------------------------------------------------------------------------------------------
// Operations: the optional HTTP endpoint (/healthz, /metrics, the Telegram webhook) and webhook mode.

export interface HttpConfig {
  /** `CELEB_HTTP_PORT`: 1-65535, or 0 for any free port (tests; the bound port is logged). */
  port: number;
  /** `CELEB_HTTP_HOST`, default `127.0.0.1`: only this machine. Containers set `0.0.0.0`. */
  host: string;
}

export function httpConfig(env: Env): HttpConfig | null {
  const raw = env.CELEB_HTTP_PORT?.trim();
  if (!raw) return null;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new ConfigError(`CELEB_HTTP_PORT must be a port number from 0 to 65535, got "${raw}"`);
  return { port, host: env.CELEB_HTTP_HOST?.trim() || '127.0.0.1' };
}

export interface TelegramWebhookConfig {
  /** The public https URL Telegram posts updates to (`TELEGRAM_WEBHOOK_URL`); its path is served on `CELEB_HTTP_PORT`. */
  url: string;
  /** That URL's path: the route on this process's HTTP server (a proxy forwards it unchanged). */
  path: string;
  /** `TELEGRAM_WEBHOOK_SECRET`: Telegram sends it in `X-Telegram-Bot-Api-Secret-Token`. Secret; never logged. */
  secret: string;
}

/** Paths the HTTP server answers itself; a webhook cannot take them. */
export const RESERVED_HTTP_PATHS: readonly string[] = ['/healthz', '/metrics'];
/** Ports Telegram delivers webhooks to (https://core.telegram.org/bots/api#setwebhook). */
const TELEGRAM_WEBHOOK_PORTS = ['', '443', '80', '88', '8443'];

function telegramWebhook(env: Env, hasToken: boolean): TelegramWebhookConfig | null {
  const raw = env.TELEGRAM_WEBHOOK_URL?.trim();
  const secret = env.TELEGRAM_WEBHOOK_SECRET?.trim();
  if (!raw) {
    if (secret) throw new ConfigError('TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_WEBHOOK_URL is not: set both for webhook mode, or neither for long polling');
    return null;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`TELEGRAM_WEBHOOK_URL must be a public https URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:') throw new ConfigError(`TELEGRAM_WEBHOOK_URL must be an https URL (Telegram only posts to https), got "${raw}"`);
  if (!TELEGRAM_WEBHOOK_PORTS.includes(url.port))
    throw new ConfigError(`TELEGRAM_WEBHOOK_URL: Telegram only posts to ports 443, 80, 88 and 8443, got "${url.port}"`);
  if (RESERVED_HTTP_PATHS.includes(url.pathname))
    throw new ConfigError(`TELEGRAM_WEBHOOK_URL: the path ${url.pathname} is the bot's own; choose another, e.g. /telegram`);
  if (!secret) throw new ConfigError('TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET: without it anybody could post updates to the bot');
  // Telegram's own rule for secret_token; the value is never echoed.
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(secret))
    throw new ConfigError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)");
  if (!httpConfig(env)) throw new ConfigError('TELEGRAM_WEBHOOK_URL needs CELEB_HTTP_PORT: the webhook is served on that port, behind your https proxy');
  if (!hasToken) throw new ConfigError('TELEGRAM_WEBHOOK_URL is set but TELEGRAM_TOKEN is not');
  return { url: url.href, path: url.pathname, secret };
}

// ---------------------------------------------------------------------------------------------
// Scaling out (issue 19): recognition on other machines through BullMQ on Redis. Read by
// `loadQueueConfig`; kept apart from AppConfig because only bots and `celeb worker` use it.
//
// Without CELEB_QUEUE_URL nothing changes: one process, the engine in it. With it:
//   - Bot processes are front ends: photos go to a BullMQ queue on that Redis, and
//     `celeb worker` processes on any machine take them, each with its own engine
//     (CELEB_WORKERS threads). Bot processes load no engine.
//   - CELEB_ROLE says which bot process owns the SQLite store:
//       primary (default): opens the store and the training service, runs /train, /model and
//         /leaderboard for every front end, one at a time, from the admin queue, and publishes
//         the active model to the workers. Run exactly one (it may have no chat token).
//       frontend: no store; forwards those commands to the primary. Any number (Discord
//         shard processes, Telegram webhook instances behind a load balancer).
//   - Model directories are published by path: mount CELEB_MODEL_DIR at the same path on
//     every machine (or copy run models there before promoting them).

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

/**
 * Which Discord shards this process connects, all in this one process (discord.js internal
 * sharding, chosen by measurement: see the README). `DISCORD_SHARDS`:
 *   `auto` (default): as many as Discord recommends (GET /gateway/bot), all here;
 *   `<ids>/<count>`: shards `ids` of `count`, e.g. `0-3/8` on one machine and `4-7/8` on another.
 * Under discord.js's ShardingManager (which sets SHARDS and SHARD_COUNT) its choice is taken.
 */
export type DiscordShards = 'auto' | { ids: readonly number[]; count: number };

export function discordShards(env: Env = process.env): DiscordShards {
  const raw = env.DISCORD_SHARDS?.trim();
  if (!raw && env.SHARDS && env.SHARD_COUNT) {
    const ids: unknown = JSON.parse(env.SHARDS);
    return { ids: Array.isArray(ids) ? (ids as number[]) : [Number(ids)], count: Number(env.SHARD_COUNT) };
  }
  if (!raw || raw === 'auto') return 'auto';
  const bad = () => new ConfigError(`DISCORD_SHARDS must be auto or <ids>/<count> such as 0-3/8 or 0,2/4, got "${raw}"`);
  const match = raw.match(/^([\d,\s-]+)\/(\d+)$/);
  if (!match) throw bad();
  const count = Number(match[2]);
  const ids = new Set<number>();
  for (const part of match[1].split(',').map((p) => p.trim())) {
    const range = part.match(/^(\d+)(?:-(\d+))?$/);
    if (!range) throw bad();
    const [from, to] = [Number(range[1]), Number(range[2] ?? range[1])];
    if (to < from) throw bad();
    for (let id = from; id <= to; id++) ids.add(id);
  }
  if (count < 1 || [...ids].some((id) => id >= count)) throw new ConfigError(`DISCORD_SHARDS: shard ids run from 0 to count - 1, got "${raw}"`);
  return { ids: [...ids].sort((a, b) => a - b), count };
}
