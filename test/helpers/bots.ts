/**
 * Starts the real bot app (src/bots/app.ts: database, engine pool, training service, core,
 * telegraf and discord.js clients) against the local fake Telegram and Discord servers, in a
 * temporary directory, with logs captured as parsed JSON lines.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadBotConfig, loadConfig, loadQueueConfig, type AppConfig } from '../../src/config.js';
import type { RunOverrides } from '../../src/engine/train/presets.js';
import { startApp, type RunningApp } from '../../src/bots/app.js';
import { createLogger } from '../../src/bots/log.js';
import { FakeDiscordServer } from '../fakes/discord-api.js';
import { FakeTelegramServer } from '../fakes/telegram-api.js';
import type { APIUser } from 'discord.js';
import { CELEBRITY_17_MODEL } from './fixtures.js';
import { tempDir } from './temp.js';

/** Telegram user ids used by the tests: one admin, everybody else is not. */
export const TG_ADMIN = 1001;

export type LogLine = Record<string, unknown> & { event: string; level: string };

export interface Harness {
  app: RunningApp;
  config: AppConfig;
  tmp: string;
  telegram: FakeTelegramServer | null;
  discord: FakeDiscordServer | null;
  /** A Discord user listed in DISCORD_ADMIN_IDS. */
  discordAdmin: APIUser | null;
  /** Every log line, parsed, plus the raw text (to look for leaked secrets). */
  logs: LogLine[];
  rawLogs: string[];
  /** Stops the app (gracefully), then the fakes. */
  stop(): Promise<void>;
}

export interface HarnessOptions {
  telegram?: boolean;
  discord?: boolean;
  /** Extra environment (BOT_RATE_LIMIT, ...). */
  env?: Record<string, string>;
  trainingOverrides?: RunOverrides;
  /** Use this directory (for a prepared dataset) instead of a new temporary one. */
  tmp?: string;
  /** Telegram's per-chat flood control in the fake (429 + retry_after past it). */
  telegramFloodControl?: { perSecond: number; groupPerMinute: number; burst: number };
  /** Serve the fake Telegram API under this path (`/tgapi`). */
  telegramPathPrefix?: string;
  /** Talk to this (running) fake Telegram server instead of a new one; the caller stops it. */
  telegramFake?: FakeTelegramServer;
  /** Serve the fake Discord REST API here instead of `/api` (`/proxy/api`). */
  discordApiPath?: string;
  /** Shards the fake Discord asks for; the fake gets a guild on each shard that has none. */
  discordShards?: number;
  /** The fake Discord refuses an interaction's callback (defer) this long after the command, as Discord does after 3 s. */
  discordCallbackDeadlineMs?: number;
}

/** A temporary data + model directory whose `default` model is the shipped one (runs are written beside it, never into the repo). */
export function tempWorkspace(prefix = 'celeb-bots-'): string {
  const tmp = tempDir(prefix);
  mkdirSync(path.join(tmp, 'models'), { recursive: true });
  symlinkSync(CELEBRITY_17_MODEL, path.join(tmp, 'models', 'default'), 'dir');
  return tmp;
}

export function workspaceEnv(tmp: string): Record<string, string> {
  return { CELEB_DATA_DIR: tmp, CELEB_MODEL_DIR: path.join(tmp, 'models'), CELEB_DB: path.join(tmp, 'celeb.db'), CELEB_WORKERS: '2', CELEB_BACKEND: 'wasm' };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const tmp = options.tmp ?? tempWorkspace();
  const telegram = options.telegramFake
    ? options.telegramFake
    : options.telegram
      ? await FakeTelegramServer.start({ maxPollMs: 300, pathPrefix: options.telegramPathPrefix, floodControl: options.telegramFloodControl })
      : null;
  const discord = options.discord
    ? await FakeDiscordServer.start({
        heartbeatIntervalMs: 5000,
        apiPath: options.discordApiPath,
        callbackDeadlineMs: options.discordCallbackDeadlineMs,
        shards: options.discordShards,
      })
    : null;
  const discordAdmin = discord ? discord.addUser({ username: 'admin' }) : null;
  for (let shard = 0; discord && shard < discord.shards; shard++) if (!discord.guildIds.some((g) => discord.shardOf(g) === shard)) discord.addGuild(shard);
  const env: Record<string, string> = {
    ...workspaceEnv(tmp),
    BOT_PROGRESS_SECONDS: '0.3',
    ...(telegram ? { TELEGRAM_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, TELEGRAM_ADMIN_IDS: String(TG_ADMIN) } : {}),
    ...(discord ? { DISCORD_TOKEN: discord.token, DISCORD_API_ROOT: `${discord.restRoot}/`, DISCORD_ADMIN_IDS: discordAdmin!.id } : {}),
    ...options.env,
  };
  const config = loadConfig(env, 2);
  const rawLogs: string[] = [];
  const logs: LogLine[] = [];
  const secrets = [telegram?.token, discord?.token].filter((s): s is string => Boolean(s));
  const log = createLogger({ secrets, write: (line) => (rawLogs.push(line), logs.push(JSON.parse(line) as LogLine)) });
  const app = await startApp({
    config,
    bots: loadBotConfig(env, config.workers),
    queue: loadQueueConfig(env),
    log,
    trainingOverrides: options.trainingOverrides,
  });
  let stopped = false;
  return {
    app,
    config,
    tmp,
    telegram,
    discord,
    discordAdmin,
    logs,
    rawLogs,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.stop('test finished');
      if (!options.telegramFake) await telegram?.stop();
      await discord?.stop();
    },
  };
}

// Moved to eventually.ts so tests that start no bot can use it without loading the bot app.
export { eventually } from './eventually.js';

/** Node --test hangs on leftover sockets; this fails the test instead. */
export async function assertNoOpenSockets(): Promise<string[]> {
  const open = (): string[] => process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP'));
  for (let i = 0; i < 40 && open().length > 0; i++) await sleep(25);
  return open();
}
