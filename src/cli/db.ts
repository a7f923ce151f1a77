/** `celeb db backup <file>`: a consistent copy of the database, safe while the bot runs. */
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { backupDatabase } from '../store/index.js';
import { parse, UsageError } from './args.js';

const USAGE = 'celeb db backup <new file> [--json]';

export async function dbCommand(argv: string[], config: AppConfig): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, USAGE);
  const [sub, target, ...extra] = positionals;
  if (sub !== 'backup' || !target || extra.length > 0) throw new UsageError(`Usage: ${USAGE}`);
  const report = await backupDatabase(config.dbPath, path.resolve(target));
  if (values.json) console.log(JSON.stringify({ source: config.dbPath, ...report }));
  else console.log(`Backed up ${config.dbPath} to ${report.file}: ${(report.bytes / 1e6).toFixed(1)} MB (${report.pages} pages).`);
  return 0;
}
