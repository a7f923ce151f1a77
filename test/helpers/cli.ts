/** Runs the real `celeb` CLI (the compiled dist/src/cli.js) in a child process. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './fixtures.js';
import { tempDir } from './temp.js';

let dataDir: string | null = null;
/**
 * What every run gets unless the test says otherwise: a data directory of its own (so nothing is
 * written to the developer's real one), and one ONNX conversion cache shared by all test files
 * (under dist/, so `npm test`'s clean start rebuilds it once).
 */
function testDefaults(): Record<string, string> {
  dataDir ??= tempDir('celeb-cli-data-');
  return { CELEB_DATA_DIR: dataDir, CELEB_CACHE_DIR: path.join(ROOT, 'dist', '.test-cache') };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function celeb(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'dist', 'src', 'cli.js'), ...args],
      { cwd: ROOT, env: { ...process.env, ...testDefaults(), ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** The JSON lines a command printed. */
export const jsonLines = (stdout: string): Record<string, unknown>[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
