/**
 * The services of a bot process with a queue (CELEB_QUEUE_URL): no engine here, photos go to
 * `celeb worker` processes; the primary (CELEB_ROLE=primary) also owns the store and the
 * training service and runs every front end's admin commands.
 */
import { shippedModelDir } from '../engine/package-paths.js';
import { redactUrl, type AppConfig, type BotConfig, type QueueConfig } from '../config.js';
import type { RunOverrides } from '../engine/train/presets.js';
import { activeModelDir } from '../engine/train/promotion.js';
import type { TrainingService } from '../engine/train/training-service.js';
import { openDatabase } from '../store/index.js';
import { openTrainingService } from '../wiring.js';
import { storeDesk } from './core/admin.js';
import { Thumbnails } from './core/thumbnails.js';
import type { Logger } from './log.js';
import { FrontEnd } from './queue/front-end.js';
import { Primary } from './queue/primary.js';
import type { Services } from './services.js';

/** How long shutdown waits for the last reports of admin commands (a training run's end). */
const REPORT_GRACE_MS = 10_000;

export async function openQueueServices(
  queue: QueueConfig,
  config: AppConfig,
  bots: BotConfig,
  log: Logger,
  trainingOverrides?: RunOverrides,
): Promise<Services> {
  const db = queue.role === 'primary' ? openDatabase(config.dbPath) : null;
  let frontEnd: FrontEnd;
  try {
    frontEnd = await FrontEnd.connect({
      config: queue,
      fallbackModelDir: db ? activeModelDir(db, config.modelDir) : shippedModelDir(config.modelDir),
      maxPending: bots.limits.maxQueue,
      maxImageBytes: config.maxImageBytes,
      maxFaces: bots.limits.maxFaces,
      log,
    });
  } catch (error) {
    db?.close();
    throw error;
  }
  const people = () => frontEnd.models.current.manifest.labels.length;
  let training: TrainingService | null = null;
  let primary: Primary | null = null;
  if (db) {
    const service = (training = openTrainingService(config, db));
    try {
      primary = await Primary.start({
        config: queue,
        client: frontEnd.client,
        db,
        modelDir: config.modelDir,
        makeDesk: (models) => storeDesk({ training: service, db, models, people, progressIntervalMs: bots.progressIntervalMs, trainingOverrides, log }),
        log,
      });
    } catch (error) {
      await frontEnd.close();
      db.close();
      throw error;
    }
  }
  return {
    recognizer: frontEnd.recognizer,
    admin: frontEnd.admin.desk(),
    thumbnails: new Thumbnails(shippedModelDir(config.modelDir)),
    engine: null,
    training,
    db,
    frontEnd,
    readiness: () => ({ model: frontEnd.models.current.name, people: people(), queue: redactUrl(queue.url), role: queue.role }),
    async stopWork() {
      await primary?.stopTaking();
      await training?.shutdown(); // a running run is recorded as interrupted and reports it
      await primary?.settle(REPORT_GRACE_MS);
      await frontEnd.admin.settle(REPORT_GRACE_MS);
    },
    async close() {
      await frontEnd.close();
      db?.close();
    },
  };
}
