/**
 * The one place that reads environment variables (and `.env`). Everything else receives a typed
 * `AppConfig` (the bots also a `BotConfig`, the queue's users a `QueueConfig`); values are
 * validated once at start-up so a typo fails loudly and early. This is the front door: each
 * concern is read in its own file under config/, and everything outside imports from here.
 */
import os from 'node:os';
import { engineSettings, type EngineSettings } from './config/engine.js';
import { httpConfig, type HttpConfig } from './config/ops.js';
import { pathsConfig, type PathsConfig, type SystemInfo } from './config/paths.js';
import { urlRoot, type Env } from './config/values.js';

export { ConfigError, type Env } from './config/values.js';
export type { DataLayout, SystemInfo } from './config/paths.js';
export type { EngineSettings } from './config/engine.js';
export { httpConfig, RESERVED_HTTP_PATHS, type HttpConfig, type TelegramWebhookConfig } from './config/ops.js';
export {
  botSecrets,
  discordShards,
  loadBotConfig,
  logLevel,
  DEFAULT_MAX_FACES,
  MAX_FACES_LIMIT,
  type BotConfig,
  type BotLimits,
  type DiscordShards,
  type PlatformConfig,
  type PlatformConfigs,
} from './config/bots.js';
export { loadQueueConfig, queueSecrets, redactUrl, QUEUE_ROLES, type QueueConfig, type QueueRole } from './config/queue.js';
export { parseDotEnv, withDotEnv } from './config/dotenv.js';

export interface AppConfig extends PathsConfig, EngineSettings {
  /** Host of the gallery sources' archives (`<url>/<owner>/<repo>/tar.gz/<commit>`). `CELEB_FETCH_BASE_URL`, default GitHub's codeload. */
  fetchBaseUrl: string;
  /** The health, metrics and webhook endpoint; null (none) unless `CELEB_HTTP_PORT` is set (config/ops.ts). */
  http: HttpConfig | null;
}

export const DEFAULT_FETCH_BASE_URL = 'https://codeload.github.com';

const THIS_SYSTEM = (): SystemInfo => ({ platform: process.platform, home: os.homedir() });

export function loadConfig(env: Env = process.env, cores = 2, system: SystemInfo = THIS_SYSTEM()): AppConfig {
  return {
    ...pathsConfig(env, system),
    ...engineSettings(env, cores),
    fetchBaseUrl: urlRoot(env, 'CELEB_FETCH_BASE_URL') ?? DEFAULT_FETCH_BASE_URL,
    http: httpConfig(env),
  };
}
