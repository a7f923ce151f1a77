/**
 * Where the program keeps what it makes: one data directory, `CELEB_DATA_DIR` or the platform's
 * per-user data folder, never the working directory by accident. Pure functions of the
 * environment, the platform and the home folder, so they are tested without touching either.
 */
import path from 'node:path';
import { PACKAGE_MODEL_DIR } from '../engine/package-paths.js';
import type { Env } from './values.js';

/** The folder name under the platform's data folder. */
export const APP_FOLDER = 'celeb-lookalike';

/**
 * The platform's per-user data folder for this program: `$XDG_DATA_HOME/celeb-lookalike`
 * (`~/.local/share/celeb-lookalike` when unset; the XDG spec ignores a relative value) on Linux
 * and the BSDs, `~/Library/Application Support/celeb-lookalike` on macOS,
 * `%LOCALAPPDATA%\celeb-lookalike` on Windows (local, not roaming: the database is machine state).
 */
export function platformDataDir(platform: NodeJS.Platform, env: Env, home: string): string {
  if (platform === 'win32') return path.win32.join(env.LOCALAPPDATA || path.win32.join(home, 'AppData', 'Local'), APP_FOLDER);
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_FOLDER);
  const xdg = env.XDG_DATA_HOME?.trim();
  return path.posix.join(xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share'), APP_FOLDER);
}

/** What lives where inside the data directory (each has a flag or variable to put it elsewhere). */
export interface DataLayout {
  /** The SQLite database: runs, results, the active model and the feature cache. */
  db: string;
  /** Derived files, safe to delete: the networks' ONNX conversions (`<cache>/onnx`). */
  cache: string;
  /** Training datasets (`celeb data import`, `celeb gallery split`): `face_data/{train,val,test}/<Name>/`. */
  datasets: string;
  /** Gallery sources laid out by `celeb data fetch`: `sources/<id>/<Person>/`. */
  sources: string;
  /** Archives `celeb data fetch` downloaded (a dropped download resumes from here). */
  downloads: string;
  /** Models made here: training runs (`runs/run-<id>`), `celeb index` and `celeb gallery build` output. */
  models: string;
}

export function dataLayout(dataDir: string): DataLayout {
  return {
    db: path.join(dataDir, 'celeb.db'),
    cache: path.join(dataDir, 'cache'),
    datasets: path.join(dataDir, 'face_data'),
    sources: path.join(dataDir, 'sources'),
    downloads: path.join(dataDir, 'downloads'),
    models: path.join(dataDir, 'models'),
  };
}

/** The machine the configuration is for (tests pass another). */
export interface SystemInfo {
  platform: NodeJS.Platform;
  home: string;
}

/** The folders and files of `AppConfig`. */
export interface PathsConfig {
  /**
   * Everything the program writes: the database, caches, datasets, fetched sources, models made
   * here. `CELEB_DATA_DIR`, default the platform's per-user data folder (see `platformDataDir`),
   * never the working directory.
   */
  dataDir: string;
  /** Where `dataDir` came from, for `celeb info`. */
  dataDirFrom: 'CELEB_DATA_DIR' | 'platform default';
  /** Directory holding `default`, the model that answers when none is chosen. `CELEB_MODEL_DIR`, default this package's `model/`. */
  modelDir: string;
  /** SQLite database file. `CELEB_DB`, default `<dataDir>/celeb.db`. */
  dbPath: string;
  /** The data directory's parts, with `CELEB_DB` and `CELEB_CACHE_DIR` applied. */
  paths: DataLayout;
}

export function pathsConfig(env: Env, system: SystemInfo): PathsConfig {
  const fromEnv = env.CELEB_DATA_DIR?.trim();
  const dataDir = path.resolve(fromEnv || platformDataDir(system.platform, env, system.home));
  const layout = dataLayout(dataDir);
  const dbPath = path.resolve(env.CELEB_DB || layout.db);
  return {
    dataDir,
    dataDirFrom: fromEnv ? 'CELEB_DATA_DIR' : 'platform default',
    modelDir: env.CELEB_MODEL_DIR ? path.resolve(env.CELEB_MODEL_DIR) : PACKAGE_MODEL_DIR,
    dbPath,
    paths: { ...layout, db: dbPath, cache: path.resolve(env.CELEB_CACHE_DIR || layout.cache) },
  };
}
