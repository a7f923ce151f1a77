/**
 * Operations: the optional HTTP endpoint (/healthz, /metrics, the Telegram webhook) and the
 * Telegram webhook mode that is served on it.
 */
import { ConfigError, type Env } from './values.js';

export interface HttpConfig {
  /** `CELEB_HTTP_PORT`: 1-65535, or 0 for any free port (tests; the bound port is logged). */
  port: number;
  /** `CELEB_HTTP_HOST`, default `127.0.0.1`: only this machine. Containers set `0.0.0.0`. */
  host: string;
}

export function httpConfig(env: Env): HttpConfig | null {
  const raw = env.CELEB_HTTP_PORT?.trim();
  if (!raw) return null;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new ConfigError(`CELEB_HTTP_PORT must be a port number from 0 to 65535, got "${raw}"`);
  return { port, host: env.CELEB_HTTP_HOST?.trim() || '127.0.0.1' };
}

export interface TelegramWebhookConfig {
  /** The public https URL Telegram posts updates to (`TELEGRAM_WEBHOOK_URL`); its path is served on `CELEB_HTTP_PORT`. */
  url: string;
  /** That URL's path: the route on this process's HTTP server (a proxy forwards it unchanged). */
  path: string;
  /** `TELEGRAM_WEBHOOK_SECRET`: Telegram sends it in `X-Telegram-Bot-Api-Secret-Token`. Secret; never logged. */
  secret: string;
}

/** Paths the HTTP server answers itself; a webhook cannot take them. */
export const RESERVED_HTTP_PATHS: readonly string[] = ['/healthz', '/metrics'];
/** Ports Telegram delivers webhooks to (https://core.telegram.org/bots/api#setwebhook). */
const TELEGRAM_WEBHOOK_PORTS = ['', '443', '80', '88', '8443'];

export function telegramWebhook(env: Env, hasToken: boolean): TelegramWebhookConfig | null {
  const raw = env.TELEGRAM_WEBHOOK_URL?.trim();
  const secret = env.TELEGRAM_WEBHOOK_SECRET?.trim();
  if (!raw) {
    if (secret) throw new ConfigError('TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_WEBHOOK_URL is not: set both for webhook mode, or neither for long polling');
    return null;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`TELEGRAM_WEBHOOK_URL must be a public https URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:') throw new ConfigError(`TELEGRAM_WEBHOOK_URL must be an https URL (Telegram only posts to https), got "${raw}"`);
  if (!TELEGRAM_WEBHOOK_PORTS.includes(url.port))
    throw new ConfigError(`TELEGRAM_WEBHOOK_URL: Telegram only posts to ports 443, 80, 88 and 8443, got "${url.port}"`);
  if (RESERVED_HTTP_PATHS.includes(url.pathname))
    throw new ConfigError(`TELEGRAM_WEBHOOK_URL: the path ${url.pathname} is the bot's own; choose another, e.g. /telegram`);
  if (!secret) throw new ConfigError('TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET: without it anybody could post updates to the bot');
  // Telegram's own rule for secret_token; the value is never echoed.
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(secret))
    throw new ConfigError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)");
  if (!httpConfig(env)) throw new ConfigError('TELEGRAM_WEBHOOK_URL needs CELEB_HTTP_PORT: the webhook is served on that port, behind your https proxy');
  if (!hasToken) throw new ConfigError('TELEGRAM_WEBHOOK_URL is set but TELEGRAM_TOKEN is not');
  return { url: url.href, path: url.pathname, secret };
}
