/** The engine's settings in `AppConfig`: runtime, threads and the limits on an accepted image. */
import { BACKEND_CHOICES, defaultWorkerCount, type BackendChoice } from '../engine/run-options.js';
import { oneOf, positiveInteger, positiveNumber, type Env } from './values.js';

export interface EngineSettings {
  /** Runtime (see `BackendChoice`). `CELEB_BACKEND`, default `auto`. */
  backend: BackendChoice;
  /**
   * Intra-op threads of each worker's embedding networks. `CELEB_ONNX_THREADS`; unset: the
   * cores shared among the workers (engine `defaultOnnxThreads`: 2 for one worker on 2 cores, 1 for two).
   */
  onnxThreads: number | undefined;
  /** Worker threads for feature extraction. `CELEB_WORKERS`, default: number of CPU cores (at most 4). */
  workers: number;
  /** Largest accepted image file. `CELEB_MAX_IMAGE_MB`, default 20. */
  maxImageBytes: number;
  /** Largest accepted image area. `CELEB_MAX_MEGAPIXELS`, default 40. */
  maxImagePixels: number;
}

export function engineSettings(env: Env, cores: number): EngineSettings {
  return {
    backend: oneOf(env, 'CELEB_BACKEND', BACKEND_CHOICES, 'auto'),
    onnxThreads: positiveInteger(env, 'CELEB_ONNX_THREADS', undefined),
    workers: positiveInteger(env, 'CELEB_WORKERS', defaultWorkerCount(cores)),
    maxImageBytes: Math.round(positiveNumber(env, 'CELEB_MAX_IMAGE_MB', 20) * 1024 * 1024),
    maxImagePixels: Math.round(positiveNumber(env, 'CELEB_MAX_MEGAPIXELS', 40) * 1_000_000),
  };
}
