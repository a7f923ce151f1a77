/**
 * Storage layer tests, part 2, on real SQLite files: run lifecycle, results and the
 * leaderboard, cascade deletes, and the active-model promotion rules.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  openDatabase,
  createRun,
  markRunning,
  recordEpoch,
  finishRun,
  failRun,
  cancelRun,
  getRun,
  listRuns,
  runningRun,
  saveResult,
  getResult,
  leaderboard,
  getActiveModel,
  pinActiveModel,
  offerModel,
  clearPin,
  RunStateError,
  RunNotFoundError,
  StoreValidationError,
  type Database,
  type NewRun,
  type RunResult,
  type ModelOffer,
} from '../src/store/index.js';
import { answeringModel, decidePromotion } from '../src/engine/train/promotion-rule.js';

/** The real promotion rule, with the answering model known only from its row (no manifest: accuracy decides). */
const offer = (db: Database, o: ModelOffer) =>
  offerModel(db, o, (active) => decidePromotion({ runId: o.runId, testTop1: o.testAccuracy, labels: [], testSplit: null }, answeringModel(active, null)));

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'celeb-store-runs-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let counter = 0;

function open(t: { after(fn: () => void): void }): Database {
  const db = openDatabase(path.join(root, `${++counter}.db`));
  t.after(() => db.close());
  return db;
}

const NEW_RUN: NewRun = {
  preset: 3,
  config: { lr: 0.01, batch: 32, augment: { flip: true } },
  backbone: 'facenet',
  backend: 'wasm',
  head: 'mlp',
  loss: 'arcface',
  samplePairing: true,
  epochs: 20,
};

const RESULT: RunResult = {
  testTop1: 0.8,
  testTop3: 0.95,
  perPerson: { 'Ada Lovelace': 0.9, 'Alan Turing': 0.7 },
  confusion: {
    labels: ['Ada Lovelace', 'Alan Turing'],
    matrix: [
      [9, 1],
      [3, 7],
    ],
  },
  temperature: 1.7,
  eceBefore: 0.12,
  eceAfter: 0.03,
  testSplit: '0123456789abcdef',
};

/** A run that went queued -> running -> done. */
function doneRun(db: Database, bestValLoss: number | null = 0.5, overrides: Partial<NewRun> = {}): number {
  const id = createRun(db, { ...NEW_RUN, ...overrides });
  markRunning(db, id);
  finishRun(db, id, { seconds: 12.5, modelPath: `model/run-${id}`, bestEpoch: 4, bestValLoss });
  return id;
}

const isState = (status: string) => (e: unknown) => e instanceof RunStateError && e.status === status;

test('runs: full lifecycle with typed camelCase rows and epochs in order', (t) => {
  const db = open(t);
  const id = createRun(db, NEW_RUN);
  const queued = getRun(db, id);
  assert.ok(queued);
  assert.equal(queued.status, 'queued');
  assert.deepEqual(queued.config, NEW_RUN.config);
  assert.equal(queued.samplePairing, true);
  assert.equal(queued.preset, 3);
  assert.equal(queued.startedAt, null);
  assert.match(queued.createdAt, /^\d{4}-\d\d-\d\dT.*Z$/);
  assert.equal(runningRun(db), null);

  markRunning(db, id);
  assert.equal(getRun(db, id)?.status, 'running');
  assert.notEqual(getRun(db, id)?.startedAt, null);
  recordEpoch(db, id, { epoch: 2, trainLoss: 0.9, valLoss: 0.8, valAccuracy: 0.6, seconds: 1.5 });
  recordEpoch(db, id, { epoch: 1, trainLoss: 1.4, valLoss: null, valAccuracy: null, seconds: 1.25 });
  assert.equal(runningRun(db)?.id, id);
  assert.deepEqual(
    runningRun(db)?.history.map((e) => e.epoch),
    [1, 2],
  );

  finishRun(db, id, { seconds: 3, modelPath: 'model/run-1', bestEpoch: 2, bestValLoss: 0.8 });
  const done = getRun(db, id);
  assert.ok(done);
  assert.equal(done.status, 'done');
  assert.equal(done.seconds, 3);
  assert.equal(done.modelPath, 'model/run-1');
  assert.equal(done.bestEpoch, 2);
  assert.equal(done.bestValLoss, 0.8);
  assert.notEqual(done.finishedAt, null);
  assert.deepEqual(done.history, [
    { epoch: 1, trainLoss: 1.4, valLoss: null, valAccuracy: null, seconds: 1.25 },
    { epoch: 2, trainLoss: 0.9, valLoss: 0.8, valAccuracy: 0.6, seconds: 1.5 },
  ]);
  assert.equal(runningRun(db), null);
  assert.equal(getRun(db, 999), null);
});

test('runs: illegal transitions throw and change nothing', (t) => {
  const db = open(t);
  const id = doneRun(db);
  const before = getRun(db, id);
  assert.throws(() => finishRun(db, id, { seconds: 1, modelPath: 'x', bestEpoch: 1, bestValLoss: 0.1 }), isState('done'));
  assert.throws(() => markRunning(db, id), isState('done'));
  assert.throws(() => failRun(db, id, 'late'), isState('done'));
  assert.throws(() => cancelRun(db, id), isState('done'));
  assert.throws(() => recordEpoch(db, id, { epoch: 9, trainLoss: 1, valLoss: 1, valAccuracy: 0.5, seconds: 1 }), isState('done'));
  assert.deepEqual(getRun(db, id), before);

  const queued = createRun(db, NEW_RUN);
  assert.throws(() => finishRun(db, queued, { seconds: 1, modelPath: null, bestEpoch: null, bestValLoss: null }), isState('queued'));
  assert.throws(() => recordEpoch(db, queued, { epoch: 1, trainLoss: 1, valLoss: null, valAccuracy: null, seconds: 1 }), isState('queued'));
  markRunning(db, queued);
  assert.throws(() => markRunning(db, queued), isState('running'));
  recordEpoch(db, queued, { epoch: 1, trainLoss: 1, valLoss: null, valAccuracy: null, seconds: 1 });
  assert.throws(() => recordEpoch(db, queued, { epoch: 1, trainLoss: 2, valLoss: null, valAccuracy: null, seconds: 1 }), /already recorded/);
  failRun(db, queued, new Error('out of memory'));
  const failed = getRun(db, queued);
  assert.equal(failed?.status, 'failed');
  assert.equal(failed?.error, 'Error: out of memory');
  assert.ok((failed?.seconds ?? -1) >= 0, 'elapsed seconds recorded for a started run');
  assert.throws(() => cancelRun(db, queued), isState('failed'));

  const toCancel = createRun(db, NEW_RUN);
  cancelRun(db, toCancel);
  assert.equal(getRun(db, toCancel)?.status, 'cancelled');
  assert.equal(getRun(db, toCancel)?.seconds, null, 'never started, so no duration');
  assert.throws(() => markRunning(db, toCancel), isState('cancelled'));

  assert.throws(
    () => markRunning(db, 4242),
    (e: unknown) => e instanceof RunNotFoundError && e.runId === 4242,
  );
  assert.throws(() => createRun(db, { ...NEW_RUN, preset: 7 }), StoreValidationError);
  assert.throws(() => createRun(db, { ...NEW_RUN, epochs: 0 }), StoreValidationError);
  assert.deepEqual(
    listRuns(db).map((r) => r.id),
    [toCancel, queued, id],
    'newest first',
  );
});

test('runs: deleting a run cascades to its epochs and result and unlinks the active model', (t) => {
  const db = open(t);
  const id = createRun(db, NEW_RUN);
  markRunning(db, id);
  for (const epoch of [1, 2, 3]) recordEpoch(db, id, { epoch, trainLoss: 1 / epoch, valLoss: 1, valAccuracy: 0.5, seconds: 1 });
  finishRun(db, id, { seconds: 3, modelPath: 'model/run-1', bestEpoch: 3, bestValLoss: 0.3 });
  saveResult(db, id, RESULT);
  assert.equal(offer(db, { runId: id, modelPath: 'model/run-1', testAccuracy: 0.8 }).promoted, true);
  const other = doneRun(db);
  assert.equal(epochCount(db, id), 3);
  assert.notEqual(getResult(db, id), null);

  db.prepare('DELETE FROM runs WHERE id = ?').run(id);
  assert.equal(epochCount(db, id), 0);
  assert.equal(getResult(db, id), null);
  const active = getActiveModel(db);
  assert.equal(active?.runId, null, 'ON DELETE SET NULL');
  assert.equal(active?.modelPath, 'model/run-1');
  assert.equal(getRun(db, other)?.status, 'done', 'other runs are untouched');
});

function epochCount(db: Database, runId: number): number {
  return db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM epochs WHERE run_id = ?').get(runId)?.n ?? -1;
}

test('results: round-trip, re-evaluation replaces, validation rejects nonsense', (t) => {
  const db = open(t);
  const id = doneRun(db);
  assert.equal(getResult(db, id), null);
  saveResult(db, id, RESULT);
  assert.deepEqual(getResult(db, id), RESULT);
  saveResult(db, id, { ...RESULT, testTop1: 0.85, temperature: null });
  assert.equal(getResult(db, id)?.testTop1, 0.85);
  assert.equal(getResult(db, id)?.temperature, null);
  assert.throws(() => saveResult(db, id, { ...RESULT, testTop1: 1.2 }), /testTop1/);
  assert.throws(() => saveResult(db, id, { ...RESULT, testTop1: 0.9, testTop3: 0.5 }), /testTop3/);
  assert.throws(() => saveResult(db, id, { ...RESULT, confusion: { labels: ['a'], matrix: [[1, 2]] } }), /1x1/);
  assert.throws(() => saveResult(db, 999, RESULT), /FOREIGN KEY/);
  assert.equal(getResult(db, id)?.testTop1, 0.85, 'failed saves left the stored result alone');
});

test('leaderboard: best top-1 first, then lower val loss, then older run; only runs with results', (t) => {
  const db = open(t);
  const olderTie = doneRun(db, 0.4, { preset: 1, head: 'linear', loss: 'ce', samplePairing: false });
  const best = doneRun(db, 0.9);
  const higherLoss = doneRun(db, 0.6);
  const newerTie = doneRun(db, 0.4);
  const noValLoss = doneRun(db, null);
  const noResult = doneRun(db, 0.1);
  const failedWithResult = createRun(db, NEW_RUN);
  failRun(db, failedWithResult, 'crashed during export');
  saveResult(db, olderTie, { ...RESULT, testTop1: 0.8 });
  saveResult(db, best, { ...RESULT, testTop1: 0.9 });
  saveResult(db, higherLoss, { ...RESULT, testTop1: 0.8 });
  saveResult(db, newerTie, { ...RESULT, testTop1: 0.8 });
  saveResult(db, noValLoss, { ...RESULT, testTop1: 0.8 });
  saveResult(db, failedWithResult, { ...RESULT, testTop1: 0.1, testTop3: 0.2 });
  const setCreated = db.prepare('UPDATE runs SET created_at = ? WHERE id = ?');
  setCreated.run('2020-01-01T00:00:00.000Z', olderTie);
  setCreated.run('2021-01-01T00:00:00.000Z', newerTie);
  const rows = leaderboard(db);
  assert.deepEqual(
    rows.map((r) => r.runId),
    [best, olderTie, newerTie, higherLoss, noValLoss, failedWithResult],
  );
  assert.equal(
    rows.some((r) => r.runId === noResult),
    false,
  );
  assert.deepEqual(rows[1], {
    kind: 'run',
    runId: olderTie,
    model: null,
    description: null,
    preset: 1,
    head: 'linear',
    loss: 'ce',
    samplePairing: false,
    epochs: 20,
    bestEpoch: 4,
    valLoss: 0.4,
    testTop1: 0.8,
    testTop3: 0.95,
    backend: 'wasm',
    seconds: 12.5,
    createdAt: rows[1].createdAt,
    status: 'done',
    testSplit: '0123456789abcdef',
    stillImproving: false,
  });
  assert.equal(rows[5]?.status, 'failed');
});

test('leaderboard: stillImproving when the best epoch is the last one actually run (also for a run that stopped early)', (t) => {
  const db = open(t);
  const run = (bestEpoch: number, epochsRun: number, planned = 10) => {
    const id = createRun(db, { ...NEW_RUN, epochs: planned });
    markRunning(db, id);
    for (let epoch = 1; epoch <= epochsRun; epoch++) recordEpoch(db, id, { epoch, trainLoss: 1, valLoss: 1, valAccuracy: 0.5, seconds: 1 });
    finishRun(db, id, { seconds: 1, modelPath: `model/run-${id}`, bestEpoch, bestValLoss: 0.5 });
    saveResult(db, id, RESULT);
    return id;
  };
  const lastOfPlanned = run(10, 10);
  const earlier = run(6, 10);
  const lastOfStoppedEarly = run(4, 4);
  const noEpochs = createRun(db, NEW_RUN);
  markRunning(db, noEpochs);
  finishRun(db, noEpochs, { seconds: 1, modelPath: null, bestEpoch: null, bestValLoss: null });
  saveResult(db, noEpochs, { ...RESULT, testSplit: null });
  const flags = Object.fromEntries(leaderboard(db).map((r) => [String(r.runId), r.stillImproving]));
  assert.deepEqual(flags, { [lastOfPlanned]: true, [earlier]: false, [lastOfStoppedEarly]: true, [noEpochs]: false });
  assert.equal(getResult(db, noEpochs)?.testSplit, null);
});

test('active model: better run promoted, worse or equal not, pinned never replaced, unfinished never promoted', (t) => {
  const db = open(t);
  assert.equal(getActiveModel(db), null);
  const first = doneRun(db);
  const r1 = offer(db, { runId: first, modelPath: 'model/a', testAccuracy: 0.7 });
  assert.equal(r1.promoted, true, r1.reason);
  assert.deepEqual({ ...getActiveModel(db), updatedAt: '' }, { runId: first, modelPath: 'model/a', testAccuracy: 0.7, pinned: false, updatedAt: '' });

  const worse = doneRun(db);
  const r2 = offer(db, { runId: worse, modelPath: 'model/b', testAccuracy: 0.6 });
  assert.equal(r2.promoted, false);
  assert.match(r2.reason, /misses/);
  assert.equal(offer(db, { runId: worse, modelPath: 'model/b', testAccuracy: 0.7 }).promoted, false, 'a tie is not a win');
  assert.equal(getActiveModel(db)?.runId, first);

  const better = doneRun(db);
  assert.equal(offer(db, { runId: better, modelPath: 'model/c', testAccuracy: 0.75 }).promoted, true);
  assert.equal(getActiveModel(db)?.runId, better);
  assert.equal(offer(db, { runId: better, modelPath: 'model/c', testAccuracy: 0.75 }).promoted, false);

  for (const status of ['failed', 'cancelled', 'interrupted', 'queued', 'running'] as const) {
    const id = createRun(db, NEW_RUN);
    if (status === 'running' || status === 'interrupted' || status === 'failed') markRunning(db, id);
    if (status === 'failed') failRun(db, id, 'boom');
    if (status === 'cancelled') cancelRun(db, id);
    if (status === 'interrupted') db.prepare("UPDATE runs SET status = 'interrupted' WHERE id = ?").run(id);
    assert.equal(getRun(db, id)?.status, status);
    const outcome = offer(db, { runId: id, modelPath: 'model/bad', testAccuracy: 0.99 });
    assert.equal(outcome.promoted, false, `${status} run promoted`);
    assert.match(outcome.reason, new RegExp(`is ${status}`));
    assert.throws(() => pinActiveModel(db, id), /only a finished/);
  }
  assert.equal(getActiveModel(db)?.runId, better);
  assert.throws(() => offer(db, { runId: 31337, modelPath: 'x', testAccuracy: 0.5 }), RunNotFoundError);
  assert.throws(() => offer(db, { runId: better, modelPath: 'x', testAccuracy: 1.5 }), StoreValidationError);

  // A user pins the worse run: it stays active even against a much better one.
  saveResult(db, worse, { ...RESULT, testTop1: 0.6, testTop3: 0.8 });
  const pinned = pinActiveModel(db, worse);
  assert.deepEqual(
    { runId: pinned.runId, modelPath: pinned.modelPath, testAccuracy: pinned.testAccuracy, pinned: pinned.pinned },
    { runId: worse, modelPath: `model/run-${worse}`, testAccuracy: 0.6, pinned: true },
  );
  const best = doneRun(db);
  const r3 = offer(db, { runId: best, modelPath: 'model/best', testAccuracy: 0.95 });
  assert.equal(r3.promoted, false);
  assert.match(r3.reason, /pinned/);
  assert.equal(getActiveModel(db)?.runId, worse);

  clearPin(db);
  assert.equal(getActiveModel(db)?.pinned, false);
  assert.equal(getActiveModel(db)?.runId, worse, 'unpinning does not by itself switch models');
  const r4 = offer(db, { runId: best, modelPath: 'model/best', testAccuracy: 0.95 });
  assert.equal(r4.promoted, true, r4.reason);
  assert.deepEqual([getActiveModel(db)?.runId, getActiveModel(db)?.modelPath, getActiveModel(db)?.testAccuracy], [best, 'model/best', 0.95]);
});

test('active model: a model of unknown accuracy (pinned without a result) is beaten once unpinned', (t) => {
  const db = open(t);
  const noResult = doneRun(db);
  assert.equal(pinActiveModel(db, noResult).testAccuracy, null);
  const next = doneRun(db);
  assert.equal(offer(db, { runId: next, modelPath: 'model/n', testAccuracy: 0.1 }).promoted, false);
  clearPin(db);
  const outcome = offer(db, { runId: next, modelPath: 'model/n', testAccuracy: 0.1 });
  assert.equal(outcome.promoted, true);
  assert.match(outcome.reason, /accuracy is unknown/);
});

test('offerModel: the rule sees the active row inside the transaction; only its decision is written; unfinished runs never reach it', (t) => {
  const db = open(t);
  const first = doneRun(db);
  const seen: unknown[] = [];
  const yes = (active: unknown) => (seen.push(active), { promoted: true, reason: 'yes' });
  const no = (active: unknown) => (seen.push(active), { promoted: false, reason: 'no' });
  assert.deepEqual(offerModel(db, { runId: first, modelPath: 'model/a', testAccuracy: 0.1 }, yes), { promoted: true, reason: 'yes' });
  assert.equal(seen[0], null);
  const second = doneRun(db);
  assert.deepEqual(offerModel(db, { runId: second, modelPath: 'model/b', testAccuracy: 0.9 }, no), { promoted: false, reason: 'no' });
  assert.equal((seen[1] as { runId: number }).runId, first);
  assert.equal(getActiveModel(db)?.runId, first, 'a refusal writes nothing');
  const queued = createRun(db, NEW_RUN);
  assert.equal(offerModel(db, { runId: queued, modelPath: 'model/q', testAccuracy: 0.9 }, yes).promoted, false);
  assert.equal(seen.length, 2, 'the rule is not asked about an unfinished run');
});
