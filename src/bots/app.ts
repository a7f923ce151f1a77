/**
 * Everything `npm start` runs, wired once: the database, one engine (one worker pool), one
 * training service, the core, and a bot per configured platform, all sharing them. `stop`
 * is the graceful shutdown. Tests start the very same app against the fake servers.
 */
import path from 'node:path';
import type { AppConfig, BotConfig } from '../config.js';
import { LookalikeEngine } from '../engine/lookalike.js';
import { TrainingService } from '../engine/train/training-service.js';
import type { RunOverrides } from '../engine/train/presets.js';
import { activeModelDir } from '../engine/train/promotion.js';
import { openDatabase, type Database } from '../store/index.js';
import { modelSwitcher } from './core/active-model.js';
import { BotCore } from './core/bot-core.js';
import { createDiscordBot } from './discord/bot.js';
import type { Logger } from './log.js';
import type { PlatformBot } from './platform.js';
import { createTelegramBot } from './telegram/bot.js';
import { runtimeLabel } from '../engine/runtime/runtime.js';

export interface AppOptions {
  config: AppConfig;
  bots: BotConfig;
  log: Logger;
  /** Applied to every /train preset (tests train the tiny dataset with few epochs). */
  trainingOverrides?: RunOverrides;
  /** Longest wait for photos in flight at shutdown. Default 30 s. */
  drainTimeoutMs?: number;
}

export interface RunningApp {
  readonly core: BotCore;
  readonly engine: LookalikeEngine;
  readonly training: TrainingService;
  readonly db: Database;
  readonly bots: readonly PlatformBot[];
  /** Graceful shutdown; a second call waits for the first. */
  stop(reason: string): Promise<void>;
}

export class NoBotConfiguredError extends Error {
  override name = 'NoBotConfiguredError';
  constructor() {
    super('No bot token is set. Set DISCORD_TOKEN and/or TELEGRAM_TOKEN (in the environment or in a .env file); '
      + 'DISCORD_ADMIN_IDS / TELEGRAM_ADMIN_IDS name who may /train. See src/bots/README.md.');
  }
}

/** A platform refused to let the bot in (wrong token, unreachable API root): says which variable to check. */
export class BotStartError extends Error {
  override name = 'BotStartError';
  constructor(platform: string, apiRoot: string | null, cause: unknown) {
    const prefix = platform.toUpperCase();
    const check = apiRoot ? `${prefix}_TOKEN and ${prefix}_API_ROOT (${apiRoot})` : `${prefix}_TOKEN`;
    super(`The ${platform} bot could not start: ${cause instanceof Error ? cause.message : String(cause)}. Check ${check}.`, { cause });
  }
}

async function openEngine(config: AppConfig, db: Database, log: Logger): Promise<LookalikeEngine> {
  const options = { workers: config.workers, backend: config.backend, onnxThreads: config.onnxThreads, limits: { maxBytes: config.maxImageBytes, maxPixels: config.maxImagePixels, maxSide: 1024 } };
  const dir = activeModelDir(db, config.modelDir);
  try {
    return await LookalikeEngine.open(dir, options);
  } catch (error) {
    const fallback = path.join(config.modelDir, 'default');
    if (path.resolve(dir) === path.resolve(fallback)) throw error;
    log.error('model.load_failed', error, { dir, fallback });
    return LookalikeEngine.open(fallback, options);
  }
}

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { config, bots: botConfig, log } = options;
  if (!botConfig.discord && !botConfig.telegram) throw new NoBotConfiguredError();
  const db = openDatabase(config.dbPath);
  let engine: LookalikeEngine;
  try {
    engine = await openEngine(config, db, log);
  } catch (error) {
    db.close();
    throw error;
  }
  const training = new TrainingService({
    db, dbPath: config.dbPath, modelDir: config.modelDir, dataDir: config.dataDir, backend: config.backend, onnxThreads: config.onnxThreads, workers: config.workers,
  });
  const core = new BotCore({
    engine, training, db, models: modelSwitcher(engine, db, config.modelDir, log),
    admins: { discord: botConfig.discord?.adminIds ?? [], telegram: botConfig.telegram?.adminIds ?? [] },
    limits: botConfig.limits, maxImageBytes: config.maxImageBytes, maxImagePixels: config.maxImagePixels,
    defaultModelDir: path.join(config.modelDir, 'default'), progressIntervalMs: botConfig.progressIntervalMs,
    trainingOverrides: options.trainingOverrides, log,
  });
  const bots: PlatformBot[] = [];
  if (botConfig.telegram) bots.push(createTelegramBot(botConfig.telegram, core, log.child({ platform: 'telegram' })));
  if (botConfig.discord) bots.push(createDiscordBot(botConfig.discord, core, log.child({ platform: 'discord' })));

  let stopping: Promise<void> | null = null;
  const stop = (reason: string): Promise<void> => (stopping ??= (async () => {
    log.info('shutdown.begin', { reason, inFlight: core.pending, trainingRun: training.current?.runId ?? null });
    core.stopAccepting();
    await Promise.all(bots.map((bot) => bot.stopReceiving().catch((e: unknown) => log.error('shutdown.stop_receiving_failed', e))));
    const drained = await core.drain(options.drainTimeoutMs ?? 30_000);
    await training.shutdown(); // a running run is recorded as interrupted
    const reported = await core.settleBackground(10_000);
    await Promise.all(bots.map((bot) => bot.close().catch((e: unknown) => log.error('shutdown.close_failed', e))));
    await engine.close();
    db.close();
    log.info('shutdown.done', { drained, reported });
  })());

  for (const bot of bots) {
    try {
      await bot.start();
    } catch (error) {
      await stop('start failed');
      throw new BotStartError(bot.platform, botConfig[bot.platform]?.apiRoot ?? null, error);
    }
  }
  logReadiness(log, engine, botConfig);
  return { core, engine, training, db, bots, stop };
}

/** What runs, and a warning per platform where nobody may /train. */
function logReadiness(log: Logger, engine: LookalikeEngine, bots: BotConfig): void {
  log.info('app.ready', { model: engine.model.name, people: engine.model.manifest.labels.length, workers: engine.pool.size, backend: runtimeLabel(engine.pool.runtime) });
  for (const [platform, section] of Object.entries({ discord: bots.discord, telegram: bots.telegram })) {
    if (section && section.adminIds.length === 0) log.warn('no_admins', { platform, hint: `${platform.toUpperCase()}_ADMIN_IDS is empty: nobody can /train on ${platform}` });
  }
}
