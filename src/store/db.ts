/**
 * Opening the SQLite database: directory, pragmas, migrations, crash recovery.
 * better-sqlite3 is synchronous; one connection per process is the intended use.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { migrate } from './migrations.js';
import { interruptUnfinishedRuns } from './runs.js';
import type { Database } from './shared.js';

export type { Database } from './shared.js';

/** How long a writer waits for another connection's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

export interface OpenOptions {
  /**
   * Mark runs left `queued`/`running` as `interrupted` after migrating (default true).
   * Only the process that owns training should do this: a second process opening the
   * same file while a run is in progress would otherwise mark that live run interrupted.
   */
  readonly recoverInterruptedRuns?: boolean;
}

function isMemory(file: string): boolean {
  return file === ':memory:' || file === '';
}

/**
 * Opens (creating if needed) the database at `file`, sets WAL mode (not for ':memory:'),
 * foreign keys and a busy timeout, applies pending migrations, then marks runs that a
 * crashed process left unfinished as `interrupted`. Throws `SchemaVersionError` for a
 * file written by newer code; the connection is closed on any failure.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Database {
  if (!isMemory(file)) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!isMemory(file)) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    migrate(db);
    if (options.recoverInterruptedRuns ?? true) interruptUnfinishedRuns(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
