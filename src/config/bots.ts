/**
 * The bots' settings: each platform's token, admins and API root, the limits on work, Discord's
 * shards and the Telegram webhook. Read by `loadBotConfig`; the platforms' variable names come
 * from src/base/platforms.ts, so none of this loads bot code.
 */
import { PLATFORM_FACTS, PLATFORM_IDS, type Platform, type PlatformFacts } from '../base/platforms.js';
import { telegramWebhook, type TelegramWebhookConfig } from './ops.js';
import { atMost, ConfigError, nonNegativeInteger, positiveInteger, positiveNumber, urlRoot, type Env } from './values.js';

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
  /** Telegram by webhook instead of long polling; null: polling. See ops.ts. */
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
