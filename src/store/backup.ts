/**
 * An online backup of the database: SQLite's backup API (through better-sqlite3), which copies
 * a consistent snapshot page by page while the bot keeps reading and writing, WAL included.
 * The source is opened read-only, so a backup never migrates, locks out or repairs the live file.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { BUSY_TIMEOUT_MS } from './db.js';
import { StoreError } from './shared.js';

export interface BackupReport {
  file: string;
  bytes: number;
  pages: number;
}

/** Copies `source` to `destination` (a new file; its folder is made). Throws StoreError if the source is missing or the destination exists. */
export async function backupDatabase(source: string, destination: string): Promise<BackupReport> {
  if (!fs.existsSync(source)) throw new StoreError(`No database at ${source}: nothing to back up (check CELEB_DB / CELEB_DATA_DIR).`);
  if (fs.existsSync(destination)) throw new StoreError(`${destination} already exists; choose a new file (a backup never overwrites).`);
  fs.mkdirSync(path.dirname(path.resolve(destination)), { recursive: true });
  const db = new BetterSqlite3(source, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    const { totalPages } = await db.backup(destination);
    return { file: destination, bytes: fs.statSync(destination).size, pages: totalPages };
  } finally {
    db.close();
  }
}
