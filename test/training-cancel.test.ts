// Defect 1 of issue 7: /train cancel while features are being prepared. The run must stop
// between photos (not after the whole feature bank), end as cancelled, and keep in the cache
// what it had already embedded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { TrainingService } from '../src/engine/train/training-service.js';
import type { TrainingProgress } from '../src/engine/train/progress.js';
import { countFeatures, getRun, openDatabase, type Database } from '../src/store/index.js';
import { eventually } from './helpers/bots.js';
import { celeb } from './helpers/cli.js';
import { makeTinyDataset } from './helpers/tiny-dataset.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'celeb-train-cancel-'));
const env = { CELEB_DB: path.join(tmp, 'celeb.db'), CELEB_DATA_DIR: tmp, CELEB_MODEL_DIR: path.join(tmp, 'models'), CELEB_WORKERS: '1' };
const config = loadConfig(env, 1);
let db: Database;
let service: TrainingService;

before(async () => {
  const data = await makeTinyDataset(tmp);
  const r = await celeb(['data', 'import', data.dir, '--split', '60,20,20', '--seed', '3'], env);
  assert.equal(r.code, 0, r.stderr);
  db = openDatabase(config.dbPath);
  service = new TrainingService({ db, dbPath: config.dbPath, modelDir: config.modelDir, dataDir: config.dataDir, backend: 'wasm', workers: 1 });
});
after(async () => {
  await service?.shutdown();
  db?.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('a cancel while augmented views are embedded stops between photos, ends as cancelled and keeps the views made so far', { timeout: 180_000 }, async () => {
  const events: TrainingProgress[] = [];
  service.onProgress((p) => events.push(p));
  const run = service.start(5, { epochs: 3, augment: { views: 8 } });
  const first = await eventually(() => events.find((e) => e.phase === 'extract' && e.step === 'views'), 120_000, 'the first augmented photo');
  assert.equal(service.cancel(), true);
  const seen = events.length;
  const outcome = await service.wait();
  assert.equal(outcome?.status, 'cancelled');
  assert.equal(getRun(db, run.runId)?.status, 'cancelled');

  const after = events.slice(seen);
  // One worker, two photos in flight (and one report on its way): at most those arrive after the cancel, never the rest of the bank.
  assert.ok(after.length <= 3, `progress after the cancel: ${after.map((e) => JSON.stringify(e)).join(', ')}`);
  assert.ok(
    after.every((e) => e.phase === 'extract' && e.step === 'views'),
    'no paired views, no epochs after the cancel',
  );
  const total = first.phase === 'extract' ? first.total : 0;
  const last = [...events].reverse().find((e) => e.phase === 'extract' && e.step === 'views');
  assert.ok(last && last.phase === 'extract' && last.done < total, `stopped before all ${total} photos`);
  // What was embedded before the cancel is in the cache (8 views per finished photo), ready for the next run.
  assert.ok(countFeatures(db, 'faceres') - countFeatures(db, 'faceres', 'clean') >= 8 * last.done, "the finished photos' views are cached");
});
