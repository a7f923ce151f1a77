/**
 * Temporary directories for tests. Each is removed when the test file's process exits,
 * whether its tests passed, failed or timed out, so a run leaves nothing under the temp dir.
 * Removal waits for exit (not a test's `after`) because worker threads, child processes and
 * open SQLite files of a file's later tests may still use a directory made in `before`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

function removeAll(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** A new directory `<os.tmpdir()>/<prefix>XXXXXX`, removed at process exit. */
export function tempDir(prefix: string): string {
  if (made.length === 0) process.once('exit', removeAll);
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
