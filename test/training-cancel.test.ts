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

/** Starts a run, cancels it at the first progress event `when` accepts, and returns the seconds from the cancel to the run's end. */
async function cancelDuring(start: () => void, when: (p: TrainingProgress) => boolean, what: string): Promise<{ seconds: number; status: string | undefined }> {
  const events: TrainingProgress[] = [];
  const off = service.onProgress((p) => events.push(p));
  start();
  await eventually(() => events.find(when), 150_000, what);
  const cancelledAt = performance.now();
  assert.equal(service.cancel(), true);
  const outcome = await service.wait();
  off();
  return { seconds: (performance.now() - cancelledAt) / 1000, status: outcome?.status };
}

test('cancel takes effect within 2 s during the views, during epochs, and during preset 6 (twins, then its epochs)', { timeout: 600_000 }, async () => {
  const views = await cancelDuring(
    () => service.start(2, { epochs: 3, augment: { views: 3 }, seed: 11 }),
    (p) => p.phase === 'extract' && p.step === 'views' && p.done >= 1,
    'views under way',
  );
  // Long enough that it cannot end by itself before the cancel arrives.
  const epochs = await cancelDuring(
    () => service.start(2, { epochs: 100_000 }),
    (p) => p.phase === 'train' && p.epoch >= 2,
    'epochs under way',
  );
  const twins = await cancelDuring(
    () => service.start(6, { epochs: 3 }),
    (p) => p.phase === 'extract' && p.step === 'twins' && p.done >= 1,
    'twins under way',
  );
  const cosine = await cancelDuring(
    () => service.start(6, { epochs: 100_000 }),
    (p) => p.phase === 'train' && p.epoch >= 2,
    'preset 6 epochs under way',
  );
  for (const [phase, r] of Object.entries({ views, epochs, twins, cosine })) {
    assert.equal(r.status, 'cancelled', phase);
    assert.ok(r.seconds < 2, `${phase}: the run ended ${r.seconds.toFixed(2)} s after the cancel`);
  }
});

test('a cancel while augmented views are embedded stops between photos, ends as cancelled and keeps the views made so far', { timeout: 180_000 }, async () => {
  const events: TrainingProgress[] = [];
  const off = service.onProgress((p) => events.push(p));
  const run = service.start(5, { epochs: 3, augment: { views: 8 } });
  const first = await eventually(() => events.find((e) => e.phase === 'extract' && e.step === 'views'), 120_000, 'the first augmented photo');
  assert.equal(service.cancel(), true);
  const seen = events.length;
  const outcome = await service.wait();
  off();
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
