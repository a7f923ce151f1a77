/** `celeb data import <dir>`: per-person folders -> <data dir>/face_data/{train,val,test}/<Name>/*. */
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { importDataset, OutputExistsError } from '../engine/dataset/import.js';
import { parseSplitRatios } from '../engine/dataset/split.js';
import { DEFAULT_BACKBONE } from '../engine/backbones/registry.js';
import { openDatabase } from '../store/index.js';
import { openPool } from '../wiring.js';
import { flagged, intOption, parse, usageError, UsageError } from './args.js';
import { extractionProgressBar } from './progress.js';
import { jsonText } from '../base/format.js';

/** An output folder that holds data, as the command line says it: a usage error naming --force. */
export const asForceHint = (error: unknown): unknown =>
  error instanceof OutputExistsError ? new UsageError(`${error.out} already exists and is not empty; pass --force to replace it`) : error;

export async function dataImportCommand(argv: string[], config: AppConfig): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      out: { type: 'string' },
      split: { type: 'string' },
      seed: { type: 'string' },
      crop: { type: 'boolean' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    'data import',
  );
  if (positionals.length !== 1) throw usageError('data import', 'Give exactly one source directory.');
  const out = path.resolve(values.out ?? config.paths.datasets);
  const ratios = flagged('split', () => parseSplitRatios(values.split ?? '70,15,15'));
  const seed = intOption(values.seed, 'seed', 42);
  const db = openDatabase(config.dbPath);
  const pool = await openPool(config, DEFAULT_BACKBONE);
  try {
    const report = await importDataset({
      source: path.resolve(positionals[0]),
      out,
      ratios,
      seed,
      force: values.force,
      assumeCrop: values.crop,
      pool,
      db,
      backbone: DEFAULT_BACKBONE,
      onProgress: extractionProgressBar('embedding'),
    }).catch((error: unknown) => {
      throw asForceHint(error);
    });
    if (values.json) {
      console.log(jsonText(report, 2));
      return 0;
    }
    const rel = (f: string) => path.relative(process.cwd(), f);
    console.log(`Imported ${report.images} images of ${report.people} people into ${rel(out)}`);
    console.log(`  train ${report.counts.train}, val ${report.counts.val}, test ${report.counts.test} (seed ${seed})`);
    console.log(`  exact duplicates removed: ${report.exactDuplicates.length}`);
    console.log(
      `  near-identical groups kept on one side of the split: ${report.nearDuplicateGroups.length} (${report.nearDuplicateGroups.reduce((n, g) => n + g.length, 0)} images)`,
    );
    console.log(`  no face found (left out): ${report.noFace.length}${report.noFace.length ? ': ' + report.noFace.map(rel).join(', ') : ''}`);
    if (report.unusable.length) console.log(`  unusable files (left out): ${report.unusable.map((u) => `${rel(u.file)} (${u.code})`).join(', ')}`);
    console.log(`  embeddings: ${report.extraction.embedded} computed, ${report.extraction.cached} from cache, ${report.extraction.seconds.toFixed(1)} s`);
    return 0;
  } finally {
    await pool.close();
    db.close();
  }
}
