/**
 * Small pieces shared by every store module: the connection type, the timestamp
 * expression and the error classes. Timestamps are UTC ISO-8601 strings with
 * milliseconds (`2024-05-01T12:34:56.789Z`), the same shape `Date#toISOString` gives,
 * so they sort as text and parse with `new Date(...)`.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { CelebError } from '../base/errors.js';

export type Database = BetterSqlite3.Database;

/** SQL expression for "now" in the store's timestamp format. Stable within one statement. */
export const NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** Base class of every error thrown on purpose by the store. */
export class StoreError extends CelebError {
  override name = 'StoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('store', message, options);
  }
}

/** The database file was written by a newer version of the code. */
export class SchemaVersionError extends StoreError {
  override name = 'SchemaVersionError';
  constructor(
    readonly found: number,
    readonly supported: number,
    file: string,
  ) {
    super(
      `database ${file} has schema version ${found}, but this build only knows up to version ${supported}; ` +
        'upgrade the application (or point CELEB_DB at another file) instead of opening it with older code',
    );
  }
}

/** A run id that does not exist. */
export class RunNotFoundError extends StoreError {
  override name = 'RunNotFoundError';
  constructor(readonly runId: number) {
    super(`There is no run #${runId}; \`celeb runs\` lists them.`);
  }
}

/** A run status change that the lifecycle does not allow (e.g. finishing a run twice). */
export class RunStateError extends StoreError {
  override name = 'RunStateError';
  constructor(
    readonly runId: number,
    readonly status: string,
    action: string,
  ) {
    super(`cannot ${action} run ${runId}: its status is "${status}"`);
  }
}

/** A value handed to the store that does not fit the schema (bad vector, accuracy > 1, ...). */
export class StoreValidationError extends StoreError {
  override name = 'StoreValidationError';
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new StoreError(`stored ${what} is not valid JSON: ${(error as Error).message}`);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireFraction(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new StoreValidationError(`${what} must be a number in [0, 1], got ${value}`);
  return value;
}

export function requireFinite(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new StoreValidationError(`${what} must be a finite number, got ${value}`);
  return value;
}

export function requireText(value: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new StoreValidationError(`${what} must be a non-empty string`);
  return value;
}
