/**
 * The front door of the engine: `createEngine()` picks the model, the runtime and the limits,
 * starts the worker threads and hands back a `LookalikeEngine`.
 *
 * @example
 * ```ts
 * import { createEngine } from 'celeb-lookalike';
 *
 * const engine = await createEngine();            // the shipped model, best runtime, one worker per core
 * const answer = await engine.which('selfie.jpg'); // or the photo's bytes
 * console.log(answer.faces[0].matches[0]);         // { name: 'Scarlett Johansson', confidence: 0.97 }
 * await engine.close();
 * ```
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultWorkerCount, type BackendChoice } from './run-options.js';
import { openDatabase } from '../store/index.js';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from './image/decode.js';
import { LookalikeEngine } from './lookalike.js';
import { PACKAGE_MODEL_DIR, shippedModelDir } from './package-paths.js';
import { activeModelDir } from './train/promotion.js';
import type { EngineLog } from './events.js';

export interface EngineOptions {
  /** The model directory that answers. Default: the active model recorded in `database`, else `<modelDir>/default`. */
  model?: string;
  /** Where model directories live. Default: this package's own `model/` folder (it ships `model/default`). */
  modelDir?: string;
  /** SQLite file whose active-model record (set by training) picks the model when `model` is not given. Default: none. */
  database?: string;
  /** Runtime for the networks. Default `auto`: the fastest one that loads here. */
  backend?: BackendChoice;
  /** Worker threads, each with its own copy of the networks. Default: one per core, at most 4. */
  workers?: number;
  /** Intra-op threads of each worker's embedding networks. Default: the cores shared among the workers (`defaultOnnxThreads`). */
  onnxThreads?: number;
  /** Where the networks' ONNX conversions are kept. Default: `model/.onnx-cache` in this package (used from memory when not writable). */
  onnxCacheDir?: string;
  /** Photos refused before decoding. Defaults: 20 MB, 40 megapixels, decoded at most 1024 px on the long side. */
  limits?: Partial<ImageLimits>;
  /** Photos allowed to wait for a worker before `which` rejects with code `busy`. Default 256. */
  maxQueue?: number;
  /**
   * Rank a large gallery on onnxruntime: 0.4 ms a face instead of 4 ms, for about 250 ms of
   * start-up. Default true; a process that answers a few photos and exits is faster without.
   */
  nativeRanking?: boolean;
  /** Where the engine reports runtime fallbacks and workers it could not replace. Default: JSON lines on stderr. */
  log?: EngineLog;
}

export { PACKAGE_MODEL_DIR };

/** The model directory `createEngine` will answer with, without starting anything. */
export function chooseModelDir(options: Pick<EngineOptions, 'model' | 'modelDir' | 'database'>): string {
  if (options.model) return path.resolve(options.model);
  const modelDir = options.modelDir ?? PACKAGE_MODEL_DIR;
  if (!options.database || !existsSync(options.database)) return shippedModelDir(modelDir);
  const db = openDatabase(options.database);
  try {
    return activeModelDir(db, modelDir);
  } finally {
    db.close();
  }
}

/**
 * Loads the model, checks its backbone on this thread (so a wrong id is one clear error, not a
 * worker's crash) and starts the workers. Throws CelebError `model`, `backbone` or `backend`.
 */
export async function createEngine(options: EngineOptions = {}): Promise<LookalikeEngine> {
  const dir = chooseModelDir(options);
  return LookalikeEngine.open(dir, {
    backend: options.backend ?? 'auto',
    workers: options.workers ?? defaultWorkerCount(os.availableParallelism()),
    ...(options.onnxThreads ? { onnxThreads: options.onnxThreads } : {}),
    ...(options.onnxCacheDir ? { onnxCacheDir: options.onnxCacheDir } : {}),
    limits: { ...DEFAULT_IMAGE_LIMITS, ...options.limits },
    maxQueue: options.maxQueue,
    nativeRanking: options.nativeRanking ?? true,
    ...(options.log ? { log: options.log } : {}),
  });
}
