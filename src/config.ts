/**
 * The one place that reads environment variables. Everything else receives a typed
 * `AppConfig`; values are validated once at start-up so a typo fails loudly and early.
 */
import path from 'node:path';

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface AppConfig {
  /** Root of datasets, the SQLite file and demo samples. `CELEB_DATA_DIR`, default `data`. */
  dataDir: string;
  /** Directory holding model directories; `<modelDir>/default` ships with the repo. `CELEB_MODEL_DIR`, default `model`. */
  modelDir: string;
  /** SQLite database file. `CELEB_DB`, default `<dataDir>/celeb.db`. */
  dbPath: string;
  /** tfjs backend. `CELEB_BACKEND`, default `auto` (tfjs-node-gpu, then tfjs-node, then wasm). */
  backend: BackendChoice;
  /** Worker threads for feature extraction. `CELEB_WORKERS`, default: number of CPU cores (at most 4). */
  workers: number;
  /** Largest accepted image file. `CELEB_MAX_IMAGE_MB`, default 20. */
  maxImageBytes: number;
  /** Largest accepted image area. `CELEB_MAX_MEGAPIXELS`, default 40. */
  maxImagePixels: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function positiveNumber(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${key} must be a positive number, got "${raw}"`);
  return value;
}

function positiveInteger(env: Env, key: string, fallback: number): number {
  const value = positiveNumber(env, key, fallback);
  if (!Number.isInteger(value)) throw new ConfigError(`${key} must be a whole number, got "${env[key]}"`);
  return value;
}

function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T): T {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
}

export function defaultWorkerCount(cores: number): number {
  return Math.max(1, Math.min(4, cores));
}

export function loadConfig(env: Env = process.env, cores = 2): AppConfig {
  const dataDir = path.resolve(env.CELEB_DATA_DIR || 'data');
  return {
    dataDir,
    modelDir: path.resolve(env.CELEB_MODEL_DIR || 'model'),
    dbPath: path.resolve(env.CELEB_DB || path.join(dataDir, 'celeb.db')),
    backend: oneOf(env, 'CELEB_BACKEND', ['auto', 'tensorflow', 'wasm', 'cpu'] as const, 'auto'),
    workers: positiveInteger(env, 'CELEB_WORKERS', defaultWorkerCount(cores)),
    maxImageBytes: Math.round(positiveNumber(env, 'CELEB_MAX_IMAGE_MB', 20) * 1024 * 1024),
    maxImagePixels: Math.round(positiveNumber(env, 'CELEB_MAX_MEGAPIXELS', 40) * 1_000_000),
  };
}
