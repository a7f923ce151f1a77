/** `celeb index`: build a centroid model (no training) and print its test accuracy. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { DEFAULT_BACKBONE, resolveBackbone } from '../engine/backbones/registry.js';
import { buildCentroidModel } from '../engine/dataset/build-index.js';
import { openDatabase } from '../store/index.js';
import { openPool } from '../wiring.js';
import { runtimeLabel } from '../engine/runtime/runtime.js';
import { parse } from './args.js';
import { percent, jsonText } from '../base/format.js';
import { extractionProgressBar } from './progress.js';

export async function indexCommand(argv: string[], config: AppConfig): Promise<number> {
  const { values } = parse(
    argv,
    {
      data: { type: 'string' },
      backbone: { type: 'string' },
      out: { type: 'string' },
      crop: { type: 'boolean' },
      'no-twins': { type: 'boolean' },
      json: { type: 'boolean' },
      confusion: { type: 'string' },
    },
    'index',
  );
  const backbone = values.backbone ?? DEFAULT_BACKBONE;
  resolveBackbone(backbone); // fail before starting workers if the id is wrong
  const data = path.resolve(values.data ?? config.paths.datasets);
  const out = path.resolve(values.out ?? path.join(config.paths.models, `centroid-${backbone.replace(/[^a-z0-9-]+/gi, '_')}`));
  const db = openDatabase(config.dbPath);
  const pool = await openPool(config, backbone);
  try {
    const report = await buildCentroidModel({
      data,
      out,
      pool,
      db,
      backbone,
      assumeCrop: values.crop,
      twins: !values['no-twins'],
      onProgress: extractionProgressBar('embedding'),
      onTwinProgress: extractionProgressBar('small-face twins'),
    });
    // The confusion matrix is people x people (250,000 numbers for 500 people): only on request, to a file.
    if (values.confusion) await writeFile(values.confusion, JSON.stringify(report.test.confusion));
    if (values.json) {
      const { test, ...rest } = report;
      console.log(jsonText({ ...rest, testTop1: test.top1, testTop3: test.top3, testSamples: test.samples, perPerson: test.perPerson }));
      return 0;
    }
    console.log(
      `Centroid model for ${report.people} people written to ${path.relative(process.cwd(), out)} (backbone ${backbone}, ${runtimeLabel(pool.runtime)})`,
    );
    console.log(`  images used: train ${report.counts.train}, val ${report.counts.val}, test ${report.counts.test}; left out (no face): ${report.skipped}`);
    console.log(`  test accuracy: top-1 ${percent(report.test.top1)}, top-3 ${percent(report.test.top3)} on ${report.test.samples} faces`);
    console.log(`  temperature ${report.temperature.toFixed(4)}; calibration error (ECE, 15 bins) ${percent(report.eceBefore)} -> ${percent(report.eceAfter)}`);
    console.log(`  embeddings: ${report.extraction.embedded} computed, ${report.extraction.cached} from cache, ${report.extraction.seconds.toFixed(1)} s`);
    return 0;
  } finally {
    await pool.close();
    db.close();
  }
}
