import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '../src/config.js';
import { loadModel } from '../src/engine/model/model-dir.js';
import { TrainingBusyError, TrainingService } from '../src/engine/train/training-service.js';
import type { TrainingProgress } from '../src/engine/train/progress.js';
import { activeModelDir } from '../src/engine/train/promotion.js';
import { getActiveModel, getRun, leaderboard, openDatabase, type Database } from '../src/store/index.js';
import { celeb, jsonLines } from './helpers/cli.js';
import { eventually } from './helpers/eventually.js';
import { face } from './helpers/fixtures.js';
import { makeTinyDataset } from './helpers/tiny-dataset.js';
import { tempDir } from './helpers/temp.js';

const tmp = tempDir('celeb-train-');
const env = { CELEB_DB: path.join(tmp, 'celeb.db'), CELEB_DATA_DIR: tmp, CELEB_MODEL_DIR: path.join(tmp, 'models'), CELEB_WORKERS: '2' };
const config = loadConfig(env, 2);
const fast = ['--views', '2', '--epochs', '8'];
let db: Database;
let service: TrainingService;

/** Tests that train (feature extraction included) get longer than npm test's default per-test timeout. */
const SLOW_MS = 300_000;
/** Upper bound for a run to get through feature extraction to its first epoch (tiny dataset, 2 views; generous for a busy machine). */
const TO_TRAIN_MS = 120_000;
/** true once the running job is in its epochs; undefined (keep waiting) before. */
const inTraining = (s: TrainingService): true | undefined => (s.current?.progress?.phase === 'train' ? true : undefined);

before(async () => {
  const data = await makeTinyDataset(tmp);
  const r = await celeb(['data', 'import', data.dir, '--split', '60,20,20', '--seed', '3'], env);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  await service?.shutdown();
  db?.close();
});

type RunJson = {
  runId: number;
  preset: number;
  status: string;
  testAccuracy: number;
  top3Accuracy: number;
  bestEpoch: number;
  valLoss: number;
  backend: string;
  seconds: number;
  promoted: boolean;
  promotion: string;
  features: { computed: number; cached: number };
};

test('celeb train --json runs a preset end to end and the second run makes no backbone pass', { timeout: SLOW_MS }, async () => {
  const first = await celeb(['train', '--run', '5', ...fast, '--json'], env);
  assert.equal(first.code, 0, first.stderr);
  const [a] = jsonLines(first.stdout) as RunJson[];
  assert.equal(a.status, 'done');
  assert.equal(a.preset, 5);
  assert.ok(a.testAccuracy >= 0.8, `test accuracy ${a.testAccuracy}`);
  assert.ok(a.top3Accuracy >= a.testAccuracy);
  assert.ok(a.bestEpoch >= 1 && a.bestEpoch <= 8);
  assert.equal(a.backend, 'onnx', 'the runtime it used: detection and backbone on onnx');
  assert.ok(a.features.computed > 0, 'first run embeds augmented and paired views');
  assert.equal(a.promoted, true, 'no default model in this workspace: the first run becomes active');
  assert.match(a.promotion, /^run 1 \([\d.]+%\) is the first model to answer photos$/);

  const second = await celeb(['train', '--run', '3', ...fast, '--json'], env);
  assert.equal(second.code, 0, second.stderr);
  const [b] = jsonLines(second.stdout) as RunJson[];
  assert.equal(b.status, 'done');
  assert.equal(b.features.computed, 0, 'every view came from the feature cache');
  // Same dataset, same split: the two runs' fingerprints match, so accuracy decides (a tie keeps run 1).
  assert.match(
    b.promotion,
    /^run 2 \([\d.]+%\) (beats run 1's model \([\d.]+%\) by [\d.]+ points|does not beat run 1's model \([\d.]+%\)|misses run 1's model \([\d.]+%\) by [\d.]+ points) on the same test split/,
  );
  assert.equal(b.promoted, b.testAccuracy > a.testAccuracy);
});

test('leaderboard and run figures: table, JSON, PNG charts', async () => {
  const table = await celeb(['leaderboard'], env);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^run\s+preset\s+head\s+loss\s+pairing\s+epochs\s+best\s+val loss\s+test top-1\s+top-3\s+backend\s+time\s+date/);
  assert.match(table.stdout, /#1\s+5\s+fc1\s+nll\s+yes\s+8/);
  const rows = JSON.parse((await celeb(['leaderboard', '--json'], env)).stdout) as { runId: number; testTop1: number }[];
  assert.equal(rows.length, 2);
  assert.ok(rows[0].testTop1 >= rows[1].testTop1, 'best first');
  const png = path.join(tmp, 'board.png');
  assert.equal((await celeb(['leaderboard', '--png', png], env)).code, 0);
  const meta = await sharp(readFileSync(png)).metadata();
  assert.equal(meta.format, 'png');
  assert.ok(meta.width >= 600);
  const curve = path.join(tmp, 'loss.png');
  const show = await celeb(['runs', 'show', '1', '--png', curve], env);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /run #1: preset 5, fc1, nll, sample pairing on, 8 epochs/);
  assert.equal((await sharp(readFileSync(curve)).metadata()).format, 'png');
});

test('which answers with the active run model; model use pins and resets', async () => {
  const r = await celeb(['which', '--json', face('cgi-model-6')], env);
  assert.equal(r.code, 0, r.stderr);
  const [answer] = jsonLines(r.stdout) as { model: string; faces: { matches: { name: string }[] }[] }[];
  assert.match(answer.model, /^run-\d+$/);
  assert.equal(answer.faces[0].matches[0].name, 'Ava');
  assert.match((await celeb(['model', 'use', '2'], env)).stdout, /Run #2's model is now active and pinned/);
  assert.match((await celeb(['model', 'show'], env)).stdout, /active: run #2 .*pinned/);
  assert.match((await celeb(['model', 'use', 'default'], env)).stdout, /shipped default model/);
  const exported = path.join(tmp, 'published');
  assert.match((await celeb(['model', 'export', '1', exported], env)).stdout, /Run #1's model \(fc1 on faceres, 5 people\) copied/);
  const viaExport = await celeb(['which', '--json', '--model', exported, face('cgi-model-6')], env);
  assert.equal((jsonLines(viaExport.stdout)[0] as typeof answer).faces[0].matches[0].name, 'Ava');
  const missing = await celeb(['model', 'use', '99'], env);
  assert.equal(missing.code, 65, 'a run that does not exist is bad data (EX_DATAERR)');
  assert.doesNotMatch(missing.stderr, / {4}at /);
});

test('a trained model directory loads and scores like the head that was trained', async () => {
  db = openDatabase(config.dbPath);
  const model = await loadModel(getRun(db, 1)!.modelPath!);
  assert.equal(model.manifest.head.kind, 'fc1');
  assert.match(model.manifest.data.testSplit ?? '', /^[0-9a-f]{16}$/);
  assert.equal(leaderboard(db).find((r) => r.runId === 1)?.testSplit, model.manifest.data.testSplit, 'the leaderboard row has the same fingerprint');
  assert.deepEqual(model.manifest.labels, ['Ava', 'Ben', 'Cleo', 'Dan', 'Eve']);
  assert.ok(model.manifest.temperature > 0);
  assert.ok(existsSync(path.join(model.dir, 'head', 'weights.bin')));
  assert.deepEqual(Object.keys(model.manifest.thumbnails).sort(), model.manifest.labels, 'one reference thumbnail per person');
  for (const rel of Object.values(model.manifest.thumbnails)) {
    const meta = await sharp(readFileSync(path.join(model.dir, rel))).metadata();
    assert.ok(meta.format === 'jpeg' && meta.width <= 160 && meta.height <= 160);
  }
  model.head.dispose();
});

test('the job API: immediate run id, progress events, one run at a time, cancel', { timeout: SLOW_MS }, async () => {
  service = new TrainingService({ db, dbPath: config.dbPath, modelDir: config.modelDir, dataDir: config.dataDir, backend: 'wasm', workers: 1 });
  const events: TrainingProgress[] = [];
  service.onProgress((p) => events.push(p));
  const activeBefore = getActiveModel(db);
  const started = service.start(1, { epochs: 400, augment: { views: 2 } });
  assert.ok(started.runId > 2);
  assert.equal(getRun(db, started.runId)?.status, 'queued', 'the row exists before the worker starts');
  assert.throws(
    () => service.start(2),
    (e: unknown) => e instanceof TrainingBusyError && e.running.runId === started.runId,
  );
  const epoch = await eventually(() => events.find((e) => e.phase === 'train'), TO_TRAIN_MS, 'the first epoch');
  assert.ok(events.some((e) => e.phase === 'extract'));
  assert.ok(epoch && epoch.phase === 'train' && epoch.epochs === 400 && Number.isFinite(epoch.etaSeconds));
  assert.equal(service.current?.progress?.phase, 'train');
  assert.equal(service.cancel(), true);
  const outcome = await service.wait();
  assert.equal(outcome?.status, 'cancelled');
  assert.equal(getRun(db, started.runId)?.status, 'cancelled');
  assert.deepEqual(getActiveModel(db), activeBefore, 'a cancelled run never becomes active');
  assert.equal(
    leaderboard(db).some((row) => row.runId === started.runId),
    false,
  );
  assert.equal(service.current, null);
});

test('a run that fails or is interrupted leaves the active model and the database consistent', { timeout: SLOW_MS }, async () => {
  const activeBefore = activeModelDir(db, config.modelDir);
  service.start(2, { data: path.join(tmp, 'no-such-dataset') });
  const failed = await service.wait();
  assert.equal(failed?.status, 'failed');
  assert.match(failed?.error ?? '', /no-such-dataset/);
  assert.equal(getRun(db, failed.runId)?.status, 'failed');

  const started = service.start(1, { epochs: 400, augment: { views: 2 } });
  await eventually(() => inTraining(service), TO_TRAIN_MS, 'the first epoch');
  await service.shutdown(); // SIGTERM path: stop now, record it
  const run = getRun(db, started.runId);
  assert.equal(run?.status, 'interrupted');
  assert.ok((run?.history.length ?? 0) >= 1, 'epochs done before the stop are kept');
  assert.equal(activeModelDir(db, config.modelDir), activeBefore);
  // A crash: the training worker dies without a word (not a shutdown). The run is failed, nothing else changes.
  // It dies while held at a checkpoint: a thread terminated inside a native onnxruntime call would abort this whole process.
  const release = service.hold();
  const crashing = service.start(1, { epochs: 400, augment: { views: 2 } });
  await eventually(() => service.current?.held, TO_TRAIN_MS, 'the run waiting at its gate');
  await (service as unknown as { active: { worker: import('node:worker_threads').Worker } }).active.worker.terminate();
  release();
  const crashed = await service.wait();
  assert.equal(crashed?.status, 'failed');
  assert.match(crashed?.error ?? '', /stopped unexpectedly/);
  assert.equal(getRun(db, crashing.runId)?.status, 'failed');
  assert.equal(activeModelDir(db, config.modelDir), activeBefore);
  const again = service.start(2, { epochs: 2, augment: { views: 2 } });
  assert.equal((await service.wait())?.status, 'done', 'training works again after an interruption');
  assert.ok(again.runId > started.runId);
});
