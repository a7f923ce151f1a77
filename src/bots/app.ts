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
import { BotCore } from './core/bot-core.js';
import { createDiscordBot } from './discord/bot.js';
import type { Logger } from './log.js';
import type { PlatformBot } from './platform.js';
import { PLATFORM_IDS, PLATFORMS, type Platform } from './platforms.js';
import { createTelegramBot } from './telegram/bot.js';
import { startFailureMessage, type StartFailureKind } from './start-failure.js';
import { runtimeLabel } from '../engine/runtime/runtime.js';
import type { Metrics } from './ops/metrics.js';
import { startOps, watchApp, type Ops } from './ops/wire.js';

/** What an adapter may need besides its own section: the HTTP server (Telegram's webhook). */
interface AdapterDeps {
  bots: BotConfig;
  ops: Ops;
}

/** The adapter of each registered platform (the registry itself stays free of client libraries). */
const ADAPTERS: Record<Platform, (config: PlatformConfig, core: BotCore, log: Logger, deps: AdapterDeps) => PlatformBot> = {
  discord: (config, core, log) => createDiscordBot(config, core, log),
  telegram: (config, core, log, { bots, ops }) =>
    createTelegramBot(config, core, log, bots.telegramWebhook && ops.server ? { config: bots.telegramWebhook, server: ops.server } : null),
};

export interface AppOptions {
  config: AppConfig;
  bots: BotConfig;
  log: Logger;
  /** Applied to every /train preset (tests train the tiny dataset with few epochs). */
  trainingOverrides?: RunOverrides;
  /** Longest wait for photos in flight at shutdown. Default 30 s. */
  drainTimeoutMs?: number;
  /** The metrics registry to report to. Default: a new one. */
  metrics?: Metrics;
}

export interface RunningApp {
  readonly core: BotCore;
  readonly engine: LookalikeEngine;
  readonly training: TrainingService;
  readonly db: Database;
  readonly bots: readonly PlatformBot[];
  /** Metrics, and the HTTP endpoint when `CELEB_HTTP_PORT` is set. */
  readonly ops: Ops;
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

/** A platform refused to let the bot in: the network or the token, and what to check (start-failure.ts). Code `io`: exit 1, not 78. */
export class BotStartError extends CelebError {
  override name = 'BotStartError';
  readonly kind: StartFailureKind;
  constructor(
    readonly platform: Platform,
    apiRoot: string | null,
    cause: unknown,
  ) {
    const { kind, message } = startFailureMessage(platform, apiRoot, cause);
    super('io', message, { cause });
    this.kind = kind;
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
  // First, so a health probe gets "starting" (503) while the engine loads, not a refused connection.
  const ops = await startOps(config, log, options.metrics);
  let db: Database;
  let engine: LookalikeEngine;
  try {
    db = openDatabase(config.dbPath);
    try {
      engine = await openEngine(config, log);
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    await ops.server?.close();
    throw error;
  }
  const training = openTrainingService(config, db);
  const core = new BotCore({
    engine,
    training,
    db,
    models: modelSwitcher(engine, db, config.modelDir, log),
    admins: Object.fromEntries(PLATFORM_IDS.map((id) => [id, botConfig[id]?.adminIds ?? []])) as Record<Platform, readonly string[]>,
    limits: botConfig.limits,
    maxImageBytes: config.maxImageBytes,
    maxImagePixels: config.maxImagePixels,
    defaultModelDir: path.join(config.modelDir, 'default'),
    progressIntervalMs: botConfig.progressIntervalMs,
    trainingOverrides: options.trainingOverrides,
    log,
    observer: ops.metrics,
  });
  const bots = platforms.map((id) => ADAPTERS[id](botConfig[id]!, core, log.child({ platform: id }), { bots: botConfig, ops }));
  watchApp(ops, { engine, bots, training, queueDepth: () => core.queue.queued });

  let stopping: Promise<void> | null = null;
  const stop = (reason: string): Promise<void> =>
    (stopping ??= (async () => {
      log.info('shutdown.begin', { reason, inFlight: core.pending, trainingRun: training.current?.runId ?? null });
      ops.server?.markStopping();
      core.stopAccepting();
      await Promise.all(bots.map((bot) => bot.stopReceiving().catch((e: unknown) => log.error('shutdown.stop_receiving_failed', e))));
      const drained = await core.drain(options.drainTimeoutMs ?? 30_000);
      await training.shutdown(); // a running run is recorded as interrupted
      const reported = await core.settleBackground(10_000);
      await Promise.all(bots.map((bot) => bot.close().catch((e: unknown) => log.error('shutdown.close_failed', e))));
      await engine.close();
      db.close();
      await ops.server?.close();
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
  return { core, engine, training, db, bots, ops, stop };
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
