/**
 * Reading one environment variable as a typed value, with a default when it is unset or blank
 * and a `ConfigError` naming the variable when it is malformed. Every part of the config uses
 * these, so the same mistake gets the same message whatever the variable.
 */
import { CelebError } from '../base/errors.js';

/** The environment as config reads it (`process.env`, or a test's own). */
export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends CelebError {
  override name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('config', message, options);
  }
}

/** The variable as a number above 0; `fallback` (a number, or undefined for "decided elsewhere") when unset. */
export function positiveNumber<F extends number | undefined>(env: Env, key: string, fallback: F): number | F {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${key} must be a positive number, got "${raw}"`);
  return value;
}

export function positiveInteger<F extends number | undefined>(env: Env, key: string, fallback: F): number | F {
  const value = positiveNumber(env, key, fallback);
  if (value !== undefined && !Number.isInteger(value)) throw new ConfigError(`${key} must be a whole number, got "${env[key]}"`);
  return value;
}

export function nonNegativeInteger(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${key} must be a whole number of 0 or more, got "${raw}"`);
  return value;
}

export function atMost(env: Env, key: string, value: number, limit: number): number {
  if (value > limit) throw new ConfigError(`${key} must be at most ${limit}, got "${env[key]}"`);
  return value;
}

export function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T): T {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
}

/** An http(s) URL without its trailing slashes; null when unset. */
export function urlRoot(env: Env, key: string): string | null {
  const raw = env[key]?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${key} must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${key} must be an http(s) URL, got "${raw}"`);
  // Keep the path (a Bot API server behind a reverse proxy at /tgapi/); adapters add what their client needs.
  return raw.replace(/\/+$/, '');
}
