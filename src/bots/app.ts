/**
 * Everything `npm start` runs, wired once: the services (in one process: the database, one
 * engine, one training service; with a queue: the front end's connection, and on the primary
 * the database and training service), the core, and a bot per configured platform, all
 * sharing them. `stop` is the graceful shutdown. Tests start the very same app against the
 * fake servers (and a real redis-server).
 */
import type { AppConfig, BotConfig, PlatformConfig, QueueConfig } from '../config.js';
import { CelebError } from '../base/errors.js';
import type { LookalikeEngine } from '../engine/lookalike.js';
import type { TrainingService } from '../engine/train/training-service.js';
import type { RunOverrides } from '../engine/train/presets.js';
import type { Database } from '../store/index.js';
import { BotCore } from './core/bot-core.js';
import type { Recognizer } from './core/recognize.js';
import { createDiscordBot } from './discord/bot.js';
import type { Logger } from './log.js';
import type { PlatformBot } from './platform.js';
import { PLATFORM_IDS, type Platform } from '../base/platforms.js';
import { PLATFORMS } from './platforms.js';
import type { FrontEnd } from './queue/front-end.js';
import type { Services } from './services.js';
import { openLocalServices } from './services-local.js';
import { openQueueServices } from './services-queue.js';
import { createTelegramBot } from './telegram/bot.js';
import { startFailureMessage, type StartFailureKind } from './start-failure.js';
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
  /** Null or absent: everything in this process. Set: photos go to `celeb worker` processes through this queue. */
  queue?: QueueConfig | null;
  /** Longest wait for photos in flight at shutdown. Default 30 s. */
  drainTimeoutMs?: number;
  /** The metrics registry to report to. Default: a new one. */
  metrics?: Metrics;
}

export interface RunningApp {
  readonly core: BotCore;
  /** Answers photos (its `depth()` is the metrics' queue depth). */
  readonly recognizer: Recognizer;
  /** The engine in this process; null with a queue (workers have it). */
  readonly engine: LookalikeEngine | null;
  /** The training service and the store; null on a queue front end that is not the primary. */
  readonly training: TrainingService | null;
  readonly db: Database | null;
  /** The queue connection; null in one process. */
  readonly frontEnd: FrontEnd | null;
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

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { config, bots: botConfig, log } = options;
  const queue = options.queue ?? null;
  const platforms = PLATFORM_IDS.filter((id) => botConfig[id] !== null);
  // A primary may serve no chat itself: it runs the admin commands of the front ends.
  if (platforms.length === 0 && queue?.role !== 'primary') throw new NoBotConfiguredError();
  // First, so a health probe gets "starting" (503) while the engine loads, not a refused connection.
  const ops = await startOps(config, log, options.metrics);
  let services: Services;
  try {
    services = queue
      ? await openQueueServices(queue, config, botConfig, log, options.trainingOverrides)
      : await openLocalServices(config, botConfig, log, options.trainingOverrides);
  } catch (error) {
    await ops.server?.close();
    throw error;
  }
  const { recognizer, training } = services;
  const core = new BotCore({
    recognizer,
    admin: services.admin,
    thumbnails: services.thumbnails,
    admins: Object.fromEntries(PLATFORM_IDS.map((id) => [id, botConfig[id]?.adminIds ?? []])) as Record<Platform, readonly string[]>,
    limits: botConfig.limits,
    maxImageBytes: config.maxImageBytes,
    maxImagePixels: config.maxImagePixels,
    log,
    observer: ops.metrics,
  });
  const bots = platforms.map((id) => ADAPTERS[id](botConfig[id]!, core, log.child({ platform: id }), { bots: botConfig, ops }));
  watchApp(ops, { engine: services.engine, frontEnd: services.frontEnd, bots, training, queueDepth: () => recognizer.depth() });

  let stopping: Promise<void> | null = null;
  const stop = (reason: string): Promise<void> =>
    (stopping ??= (async () => {
      log.info('shutdown.begin', { reason, inFlight: core.pending, trainingRun: training?.current?.runId ?? null });
      ops.server?.markStopping();
      core.stopAccepting();
      await Promise.all(bots.map((bot) => bot.stopReceiving().catch((e: unknown) => log.error('shutdown.stop_receiving_failed', e))));
      const drained = await core.drain(options.drainTimeoutMs ?? 30_000);
      await services.stopWork(); // a running run is recorded as interrupted
      const reported = await core.settleBackground(10_000);
      await Promise.all(bots.map((bot) => bot.close().catch((e: unknown) => log.error('shutdown.close_failed', e))));
      await services.close();
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
  logReadiness(log, services, botConfig);
  return { core, recognizer, engine: services.engine, training, db: services.db, frontEnd: services.frontEnd, bots, ops, stop };
}

/** What runs, and a warning per platform where nobody may /train. */
function logReadiness(log: Logger, services: Services, bots: BotConfig): void {
  log.info('app.ready', services.readiness());
  for (const platform of PLATFORM_IDS) {
    const section = bots[platform];
    if (section && section.adminIds.length === 0)
      log.warn('no_admins', { platform, hint: `${PLATFORMS[platform].env.admins} is empty: nobody can /train on ${platform}` });
  }
}
