/**
 * How the CLI and the bots turn the validated configuration into engine parts: one place, so
 * both answer photos with the same limits and train with the same service.
 */
import path from 'node:path';
import type { AppConfig } from './config.js';
import { createEngine, type EngineOptions } from './engine/create.js';
import { EmbedderPool } from './engine/extract/pool.js';
import type { LookalikeEngine } from './engine/lookalike.js';
import { TrainingService } from './engine/train/training-service.js';
import type { Database } from './store/index.js';

/** The networks' ONNX conversions: derived files in the data directory's cache (the package folder may be read-only). */
export const onnxCacheDir = (config: AppConfig): string => path.join(config.paths.cache, 'onnx');

/** The engine options the configuration asks for; `overrides` win (a `--model`, fewer workers). */
export function engineOptions(config: AppConfig, overrides: EngineOptions = {}): EngineOptions {
  return {
    modelDir: config.modelDir,
    database: config.dbPath,
    backend: config.backend,
    workers: config.workers,
    onnxThreads: config.onnxThreads,
    onnxCacheDir: onnxCacheDir(config),
    limits: { maxBytes: config.maxImageBytes, maxPixels: config.maxImagePixels },
    ...overrides,
  };
}

export function openEngine(config: AppConfig, overrides: EngineOptions = {}): Promise<LookalikeEngine> {
  return createEngine(engineOptions(config, overrides));
}

/** The training service over an open database; runs use the configured backend, workers and folders. */
export function openTrainingService(config: AppConfig, db: Database): TrainingService {
  return new TrainingService({
    db,
    dbPath: config.dbPath,
    modelDir: config.modelDir,
    runsDir: path.join(config.paths.models, 'runs'),
    dataDir: config.dataDir,
    backend: config.backend,
    onnxThreads: config.onnxThreads,
    onnxCacheDir: onnxCacheDir(config),
    workers: config.workers,
  });
}

/** A bare extraction pool for `backbone` (dataset import, indexing), with the configured runtime and workers. */
export function openPool(config: AppConfig, backbone: string): Promise<EmbedderPool> {
  return EmbedderPool.start({
    backbone,
    backend: config.backend,
    onnxThreads: config.onnxThreads,
    onnxCacheDir: onnxCacheDir(config),
    workers: config.workers,
  });
}
