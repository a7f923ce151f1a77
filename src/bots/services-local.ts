/** The one-process services: the engine's worker pool, the SQLite store and the training service, all here. */
import { shippedModelDir } from '../engine/package-paths.js';
import path from 'node:path';
import type { AppConfig, BotConfig } from '../config.js';
import { chooseModelDir } from '../engine/create.js';
import type { LookalikeEngine } from '../engine/lookalike.js';
import type { RunOverrides } from '../engine/train/presets.js';
import { runtimeLabel } from '../engine/runtime/runtime.js';
import { openDatabase } from '../store/index.js';
import { engineOptions, openEngine as openConfiguredEngine, openTrainingService } from '../wiring.js';
import { modelSwitcher } from './core/active-model.js';
import { storeDesk } from './core/admin.js';
import { LocalRecognizer } from './core/local-recognizer.js';
import { Thumbnails } from './core/thumbnails.js';
import { engineLogOf, type Logger } from './log.js';
import type { Services } from './services.js';

/**
 * The engine of `dir` (default: the active model the configuration names); if that model does
 * not load, the shipped default's (logged), so photos are still answered.
 */
export async function openEngineOrDefault(config: AppConfig, log: Logger, dir = chooseModelDir(engineOptions(config))): Promise<LookalikeEngine> {
  try {
    return await openConfiguredEngine(config, { model: dir, log: engineLogOf(log) });
  } catch (error) {
    const fallback = shippedModelDir(config.modelDir);
    if (path.resolve(dir) === path.resolve(fallback)) throw error;
    log.error('model.load_failed', error, { dir, fallback });
    return openConfiguredEngine(config, { model: fallback, log: engineLogOf(log) });
  }
}

export async function openLocalServices(config: AppConfig, bots: BotConfig, log: Logger, trainingOverrides?: RunOverrides): Promise<Services> {
  const db = openDatabase(config.dbPath);
  let engine: LookalikeEngine;
  try {
    engine = await openEngineOrDefault(config, log);
  } catch (error) {
    db.close();
    throw error;
  }
  const training = openTrainingService(config, db);
  const thumbnails = new Thumbnails(shippedModelDir(config.modelDir));
  const { limits } = bots;
  return {
    recognizer: new LocalRecognizer(engine, { ...limits, thumbnails, maxImageBytes: config.maxImageBytes, maxImagePixels: config.maxImagePixels }),
    admin: storeDesk({
      training,
      db,
      models: modelSwitcher(engine, db, config.modelDir, log),
      people: () => engine.model.manifest.labels.length,
      progressIntervalMs: bots.progressIntervalMs,
      trainingOverrides,
      log,
    }),
    thumbnails,
    engine,
    training,
    db,
    frontEnd: null,
    readiness: () => ({
      model: engine.model.name,
      people: engine.model.manifest.labels.length,
      workers: engine.workers,
      backend: runtimeLabel(engine.runtime),
    }),
    stopWork: () => training.shutdown(),
    async close() {
      await engine.close();
      db.close();
    },
  };
}
