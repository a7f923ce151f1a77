/** `celeb db backup <file>`: a consistent copy of the database, safe while the bot runs. */
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { backupDatabase } from '../store/index.js';
import { jsonText } from '../base/format.js';
import { parse, usageError } from './args.js';

export async function dbCommand(argv: string[], config: AppConfig): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, 'db backup');
  const [sub, target, ...extra] = positionals;
  if (sub !== 'backup' || !target || extra.length > 0) throw usageError('db backup', 'Give the new file to copy the database to.');
  const report = await backupDatabase(config.dbPath, path.resolve(target));
  if (values.json) console.log(jsonText({ source: config.dbPath, ...report }));
  else console.log(`Backed up ${config.dbPath} to ${report.file}: ${(report.bytes / 1e6).toFixed(1)} MB (${report.pages} pages).`);
  return 0;
}
