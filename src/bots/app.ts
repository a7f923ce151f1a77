/**
 * Everything `npm start` runs, wired once: the database, one engine (one worker pool), one
 * training service, the core, and a bot per configured platform, all sharing them. `stop`
 * is the graceful shutdown. Tests start the very same app against the fake servers.
 */
import path from 'node:path';
import type { AppConfig, BotConfig, PlatformConfig } from '../config.js';
import { CelebError } from '../engine/errors.js';
import type { LookalikeEngine } from '../engine/lookalike.js';
import type { TrainingService } from '../engine/train/training-service.js';
import type { RunOverrides } from '../engine/train/presets.js';
import { openDatabase, type Database } from '../store/index.js';
import { chooseModelDir } from '../engine/create.js';
import { engineOptions, openEngine as openConfiguredEngine, openTrainingService } from '../wiring.js';
import { modelSwitcher } from './core/active-model.js';
import { storeDesk } from './core/admin.js';
import { BotCore } from './core/bot-core.js';
import { LocalRecognizer } from './core/local-recognizer.js';
import type { Recognizer } from './core/recognize.js';
import { Thumbnails } from './core/thumbnails.js';
import { createDiscordBot } from './discord/bot.js';
import type { Logger } from './log.js';
import type { PlatformBot } from './platform.js';
import { PLATFORM_IDS, PLATFORMS, type Platform } from './platforms.js';
import { createTelegramBot } from './telegram/bot.js';
import { runtimeLabel } from '../engine/runtime/runtime.js';

/** The adapter of each registered platform (the registry itself stays free of client libraries). */
const ADAPTERS: Record<Platform, (config: PlatformConfig, core: BotCore, log: Logger) => PlatformBot> = {
  discord: createDiscordBot,
  telegram: createTelegramBot,
};

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
  /** Answers photos (its `depth()` is the metrics' queue depth). */
  readonly recognizer: Recognizer;
  readonly engine: LookalikeEngine;
  readonly training: TrainingService;
  readonly db: Database;
  readonly bots: readonly PlatformBot[];
  /** Graceful shutdown; a second call waits for the first. */
  stop(reason: string): Promise<void>;
}

const names = (pick: (env: (typeof PLATFORMS)[Platform]['env']) => string): string => PLATFORM_IDS.map((id) => pick(PLATFORMS[id].env)).join(' / ');

/** Code `config`: a person has to set a variable (main.ts exits with 78). */
export class NoBotConfiguredError extends CelebError {
  override name = 'NoBotConfiguredError';
  constructor() {
    super(
      'config',
      `No bot token is set. Set ${PLATFORM_IDS.map((id) => PLATFORMS[id].env.token).join(' and/or ')} (in the environment or in a .env file); ` +
        `${names((env) => env.admins)} name who may /train. See src/bots/README.md.`,
    );
  }
}

/** A platform refused to let the bot in (wrong token, unreachable API root): says which variable to check. Code `io`: exit 1, not 78. */
export class BotStartError extends CelebError {
  override name = 'BotStartError';
  constructor(platform: Platform, apiRoot: string | null, cause: unknown) {
    const { env } = PLATFORMS[platform];
    const check = apiRoot ? `${env.token} and ${env.apiRoot} (${apiRoot})` : env.token;
    super('io', `The ${platform} bot could not start: ${cause instanceof Error ? cause.message : String(cause)}. Check ${check}.`, { cause });
  }
}

/** The active model's engine; if that model does not load, the shipped default's (logged), so the bot still answers. */
async function openEngine(config: AppConfig, log: Logger): Promise<LookalikeEngine> {
  const dir = chooseModelDir(engineOptions(config));
  try {
    return await openConfiguredEngine(config, { model: dir });
  } catch (error) {
    const fallback = path.join(config.modelDir, 'default');
    if (path.resolve(dir) === path.resolve(fallback)) throw error;
    log.error('model.load_failed', error, { dir, fallback });
    return openConfiguredEngine(config, { model: fallback });
  }
}

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { config, bots: botConfig, log } = options;
  const platforms = PLATFORM_IDS.filter((id) => botConfig[id] !== null);
  if (platforms.length === 0) throw new NoBotConfiguredError();
  const db = openDatabase(config.dbPath);
  let engine: LookalikeEngine;
  try {
    engine = await openEngine(config, log);
  } catch (error) {
    db.close();
    throw error;
  }
  const training = openTrainingService(config, db);
  const { limits } = botConfig;
  const thumbnails = new Thumbnails(path.resolve(config.modelDir, 'default'));
  const recognizer = new LocalRecognizer(engine, {
    maxConcurrent: limits.maxConcurrent,
    maxQueue: limits.maxQueue,
    queueNotice: limits.queueNotice,
    thumbnails,
    maxImageBytes: config.maxImageBytes,
    maxImagePixels: config.maxImagePixels,
  });
  const core = new BotCore({
    recognizer,
    admin: storeDesk({
      training,
      db,
      models: modelSwitcher(engine, db, config.modelDir, log),
      people: () => engine.model.manifest.labels.length,
      progressIntervalMs: botConfig.progressIntervalMs,
      trainingOverrides: options.trainingOverrides,
      log,
    }),
    thumbnails,
    admins: Object.fromEntries(PLATFORM_IDS.map((id) => [id, botConfig[id]?.adminIds ?? []])) as Record<Platform, readonly string[]>,
    limits,
    maxImageBytes: config.maxImageBytes,
    maxImagePixels: config.maxImagePixels,
    log,
  });
  const bots = platforms.map((id) => ADAPTERS[id](botConfig[id]!, core, log.child({ platform: id })));

  let stopping: Promise<void> | null = null;
  const stop = (reason: string): Promise<void> =>
    (stopping ??= (async () => {
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
  return { core, recognizer, engine, training, db, bots, stop };
}

/** What runs, and a warning per platform where nobody may /train. */
function logReadiness(log: Logger, engine: LookalikeEngine, bots: BotConfig): void {
  log.info('app.ready', {
    model: engine.model.name,
    people: engine.model.manifest.labels.length,
    workers: engine.workers,
    backend: runtimeLabel(engine.runtime),
  });
  for (const platform of PLATFORM_IDS) {
    const section = bots[platform];
    if (section && section.adminIds.length === 0)
      log.warn('no_admins', { platform, hint: `${PLATFORMS[platform].env.admins} is empty: nobody can /train on ${platform}` });
  }
}
