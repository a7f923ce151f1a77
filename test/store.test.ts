/**
 * Storage layer tests against real SQLite files in a temp directory (no mocks):
 * opening and migrations, crash recovery, and the feature cache.
 * Runs, results, leaderboard and promotion are in store-runs.test.ts.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import {
  openDatabase,
  migrate,
  readSchemaVersion,
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  SchemaVersionError,
  StoreValidationError,
  getFeature,
  getFeatures,
  putFeatures,
  countFeatures,
  forgetFeatures,
  createRun,
  markRunning,
  recordEpoch,
  finishRun,
  getRun,
  runningRun,
  getResult,
  saveResult,
  leaderboard,
  type Database,
  type FeatureRecord,
  type Migration,
} from '../src/store/index.js';
import { decodeVector } from '../src/store/features.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'celeb-store-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshFile = (name: string) => path.join(root, `${++counter}-${name}`, 'celeb.db');

function open(t: { after(fn: () => void): void }, file: string): Database {
  const db = openDatabase(file);
  t.after(() => {
    if (db.open) db.close();
  });
  return db;
}

const NEW_RUN = {
  preset: 2,
  config: { lr: 0.001, head: 'linear', nested: { a: [1, 2] } },
  backbone: 'facenet',
  backend: 'cpu',
  head: 'linear',
  loss: 'cross-entropy',
  samplePairing: false,
  epochs: 10,
} as const;

const schemaOf = (db: Database) =>
  db
    .prepare<[], { sql: string }>('SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name')
    .all()
    .map((r) => r.sql);

test('open: migrates an empty file, creates the parent directory, WAL + foreign keys + busy timeout', (t) => {
  const file = freshFile('nested/deeper');
  assert.equal(fs.existsSync(path.dirname(file)), false);
  const db = open(t, file);
  assert.ok(fs.existsSync(file));
  assert.equal(readSchemaVersion(db), LATEST_SCHEMA_VERSION);
  assert.ok(LATEST_SCHEMA_VERSION >= 1);
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => r.name);
  for (const table of ['active_model', 'epochs', 'features', 'results', 'runs']) assert.ok(tables.includes(table), `missing table ${table}`);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.ok(Number(db.pragma('busy_timeout', { simple: true })) >= 1000);
  // Foreign keys are actually enforced, not just reported.
  assert.throws(() => db.prepare('INSERT INTO epochs (run_id, epoch, train_loss, seconds) VALUES (999, 1, 0.5, 1)').run(), /FOREIGN KEY/);
});

test('migration 3: results of an older database get test_split NULL; new results keep theirs', (t) => {
  const file = freshFile('v2');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const old = new BetterSqlite3(file);
  migrate(old, MIGRATIONS.slice(0, 2));
  old.exec(
    `INSERT INTO runs (id, config, backbone, backend, head, loss, sample_pairing, epochs, status) VALUES (1, '{}', 'b', 'wasm', 'fc1', 'nll', 0, 3, 'done')`,
  );
  old.exec(`INSERT INTO results (run_id, test_top1, test_top3, per_person, confusion) VALUES (1, 0.5, 0.7, '{}', '{"labels":[],"matrix":[]}')`);
  old.close();
  const db = open(t, file);
  assert.equal(readSchemaVersion(db), LATEST_SCHEMA_VERSION);
  assert.equal(getResult(db, 1)?.testSplit, null);
  assert.equal(leaderboard(db)[0].testSplit, null);
  saveResult(db, 1, { ...getResult(db, 1)!, testSplit: 'abc' });
  assert.equal(getResult(db, 1)?.testSplit, 'abc');
});

test('migration 5: a version-4 database keeps its runs, epochs and results, and then takes preset 6', (t) => {
  const file = freshFile('v4');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const old = new BetterSqlite3(file);
  old.pragma('foreign_keys = ON');
  migrate(old, MIGRATIONS.slice(0, 4));
  old.exec(
    `INSERT INTO runs (id, preset, config, backbone, backend, head, loss, sample_pairing, epochs, status) VALUES (1, 5, '{}', 'b', 'wasm', 'fc1', 'nll', 1, 3, 'done')`,
  );
  old.exec(`INSERT INTO epochs (run_id, epoch, train_loss, val_loss, val_accuracy, seconds) VALUES (1, 1, 0.9, 0.8, 0.5, 1)`);
  old.exec(`INSERT INTO results (run_id, test_top1, test_top3, per_person, confusion) VALUES (1, 0.5, 0.7, '{}', '{"labels":[],"matrix":[]}')`);
  assert.throws(
    () =>
      old.exec(`INSERT INTO runs (preset, config, backbone, backend, head, loss, sample_pairing, epochs) VALUES (6, '{}', 'b', 'w', 'cosine', 'nll', 0, 3)`),
    /CHECK/,
  );
  old.close();
  const db = open(t, file);
  assert.equal(readSchemaVersion(db), LATEST_SCHEMA_VERSION);
  assert.equal(getRun(db, 1)?.preset, 5);
  assert.equal(getRun(db, 1)?.history.length, 1, 'the epochs survived the rebuild (no cascade)');
  assert.equal(getResult(db, 1)?.testTop1, 0.5);
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys are on again');
  const id = createRun(db, { preset: 6, config: {}, backbone: 'b', backend: 'w', head: 'cosine', loss: 'nll', samplePairing: false, epochs: 3 });
  assert.equal(getRun(db, id)?.preset, 6);
  assert.throws(() => db.exec(`INSERT INTO epochs (run_id, epoch, train_loss, val_loss, val_accuracy, seconds) VALUES (99, 1, 1, 1, 0.5, 1)`), /FOREIGN KEY/);
});

test('open: ":memory:" works and skips WAL', (t) => {
  const db = open(t, ':memory:');
  assert.equal(db.pragma('journal_mode', { simple: true }), 'memory');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(readSchemaVersion(db), LATEST_SCHEMA_VERSION);
});

test('open: reopening is idempotent and keeps the data', (t) => {
  const file = freshFile('reopen');
  const first = openDatabase(file);
  putFeatures(first, [{ contentHash: 'h1', backbone: 'b', view: 'clean', vector: new Float32Array([1, 2]), box: null }]);
  const schema = schemaOf(first);
  first.close();
  const db = open(t, file);
  assert.equal(readSchemaVersion(db), LATEST_SCHEMA_VERSION);
  assert.deepEqual(migrate(db), [], 'no migration may run twice');
  assert.deepEqual(schemaOf(db), schema);
  assert.deepEqual(getFeature(db, { contentHash: 'h1', backbone: 'b', view: 'clean' })?.vector, new Float32Array([1, 2]));
});

test('open: a database from a newer version is refused and left untouched', () => {
  const file = freshFile('future');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 7}`);
  raw.close();
  assert.throws(
    () => openDatabase(file),
    (e: unknown) =>
      e instanceof SchemaVersionError &&
      e.found === LATEST_SCHEMA_VERSION + 7 &&
      e.supported === LATEST_SCHEMA_VERSION &&
      /newer|only knows up to/.test(e.message),
  );
  const check = new BetterSqlite3(file);
  try {
    assert.equal(check.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION + 7);
    assert.deepEqual(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all(), [], 'no tables were created');
  } finally {
    check.close();
  }
});

test('migrate: each migration is its own transaction; a failing one rolls back and keeps the earlier version', () => {
  const db = new BetterSqlite3(':memory:');
  const migrations: Migration[] = [
    {
      version: 1,
      description: 'one',
      up: (d) => {
        d.exec('CREATE TABLE one (x)');
      },
    },
    {
      version: 2,
      description: 'two',
      up: (d) => {
        d.exec('CREATE TABLE two (x)');
        throw new Error('boom in v2');
      },
    },
  ];
  assert.throws(() => migrate(db, migrations), /boom in v2/);
  assert.equal(readSchemaVersion(db), 1);
  const names = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
    .all()
    .map((r) => r.name);
  assert.deepEqual(names, ['one'], 'table "two" must have been rolled back');
  assert.deepEqual(migrate(db, migrations.slice(0, 1)), []);
  assert.throws(() => migrate(db, [migrations[1]]), /expected 1/, 'a list with a gap is rejected');
  db.close();
});

test('crash recovery: runs left queued or running are interrupted on reopen; finished runs are untouched', (t) => {
  const file = freshFile('crash-close');
  const first = openDatabase(file);
  const running = createRun(first, NEW_RUN);
  markRunning(first, running);
  recordEpoch(first, running, { epoch: 1, trainLoss: 1.2, valLoss: 1.1, valAccuracy: 0.4, seconds: 3 });
  const queued = createRun(first, NEW_RUN);
  const done = createRun(first, NEW_RUN);
  markRunning(first, done);
  finishRun(first, done, { seconds: 9, modelPath: 'model/run-3', bestEpoch: 1, bestValLoss: 0.9 });
  // The process "dies" without finishing the run: its pid no longer exists.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  first.prepare('UPDATE runs SET owner_pid = ?').run(Number(dead.stdout));
  first.close();
  const db = open(t, file);
  for (const id of [running, queued]) {
    const run = getRun(db, id);
    assert.equal(run?.status, 'interrupted');
    assert.match(run?.finishedAt ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(run?.error ?? '', /interrupted/);
  }
  assert.equal(getRun(db, running)?.history.length, 1, 'epochs recorded before the crash are kept');
  assert.equal(getRun(db, done)?.status, 'done');
  assert.equal(getRun(db, done)?.error, null);
  assert.equal(runningRun(db), null);
});

test('crash recovery leaves alone a run whose owner process is alive (another process opened the file)', (t) => {
  const file = freshFile('crash-alive');
  const owner = openDatabase(file);
  const live = createRun(owner, NEW_RUN);
  markRunning(owner, live);
  const other = open(t, file); // e.g. `celeb leaderboard` while a bot trains
  assert.equal(getRun(other, live)?.status, 'running');
  owner.close();
});

test('crash recovery: a process killed mid-run (WAL not checkpointed) leaves an interrupted run', (t) => {
  const file = freshFile('crash-kill');
  const storeUrl = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/store/index.js')).href;
  const script = `
    import { openDatabase, createRun, markRunning, recordEpoch } from ${JSON.stringify(storeUrl)};
    const db = openDatabase(${JSON.stringify(file)});
    const id = createRun(db, ${JSON.stringify(NEW_RUN)});
    markRunning(db, id);
    recordEpoch(db, id, { epoch: 1, trainLoss: 2, valLoss: 1.5, valAccuracy: 0.3, seconds: 1 });
    process.exit(7);`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 7, child.stderr);
  assert.ok(fs.statSync(`${file}-wal`).size > 0, 'the run must only live in the WAL, as after a real crash');
  const db = open(t, file);
  const run = getRun(db, 1);
  assert.equal(run?.status, 'interrupted');
  assert.notEqual(run?.finishedAt, null);
  assert.deepEqual(
    run?.history.map((e) => e.epoch),
    [1],
  );
});

// ---------------------------------------------------------------- feature cache

const bytesOf = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

test('features: vectors round-trip bit-exact, including "no face" entries and boxes', (t) => {
  const db = open(t, freshFile('features'));
  const special = [
    0,
    -0,
    1,
    -1,
    1e-45,
    -1e-45,
    1.1754943508222875e-38,
    3.4028234663852886e38,
    -3.4028234663852886e38,
    Math.fround(Math.PI),
    Math.fround(1 / 3),
  ];
  const random = Array.from({ length: 501 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
  // A view into a larger buffer at byteOffset 4, as tensors' dataSync() may return.
  const backing = new Float32Array(special.length + random.length + 2);
  const vector = backing.subarray(1, backing.length - 1);
  vector.set([...special, ...random]);
  const records: FeatureRecord[] = [
    { contentHash: 'aaa', backbone: 'facenet', view: 'clean', vector, box: [10.5, 20, 64, 80.25] },
    { contentHash: 'noface', backbone: 'facenet', view: 'clean', vector: null, box: null },
    { contentHash: 'aaa', backbone: 'facenet', view: 'aug:flip=1,rot=-4.2', vector: new Float32Array([7]), box: null },
  ];
  assert.equal(putFeatures(db, records), 3);
  const back = getFeature(db, { contentHash: 'aaa', backbone: 'facenet', view: 'clean' });
  assert.ok(back?.vector instanceof Float32Array);
  assert.equal(back.vector.length, vector.length);
  assert.ok(bytesOf(back.vector).equals(bytesOf(vector)), 'every bit, incl. -0 and denormals, survives');
  assert.ok(Object.is(back.vector[1], -0));
  assert.deepEqual(back.box, [10.5, 20, 64, 80.25]);
  const noFace = getFeature(db, { contentHash: 'noface', backbone: 'facenet', view: 'clean' });
  assert.deepEqual(noFace, { contentHash: 'noface', backbone: 'facenet', view: 'clean', vector: null, box: null });
  assert.equal(getFeature(db, { contentHash: 'noface', backbone: 'facenet', view: 'aug:flip=1' }), null, 'never computed is not "no face"');
  assert.deepEqual(getFeature(db, { contentHash: 'aaa', backbone: 'facenet', view: 'aug:flip=1,rot=-4.2' })?.vector, new Float32Array([7]));
  // On disk: little-endian float32, dim recorded, NULL blob for "no face".
  const raw = db
    .prepare<[], { dim: number | null; vector: Buffer | null }>(
      "SELECT dim, vector FROM features WHERE view LIKE 'aug:%' UNION ALL SELECT dim, vector FROM features WHERE content_hash = 'noface'",
    )
    .all();
  assert.deepEqual(
    raw.map((r) => r.dim),
    [1, null],
  );
  assert.equal(raw[0].vector?.toString('hex'), '0000e040');
  assert.equal(raw[1].vector, null);
});

test('features: decoding copes with a Buffer at an unaligned byteOffset', () => {
  const source = new Float32Array([1.5, -2.25, 3e-39]);
  const pool = new ArrayBuffer(64);
  const unaligned = Buffer.from(pool, 5, 12);
  bytesOf(source).copy(unaligned);
  const decoded = decodeVector(unaligned, 3);
  assert.ok(bytesOf(decoded).equals(bytesOf(source)));
  assert.throws(() => decodeVector(Buffer.alloc(6)), /multiple of 4/);
  assert.throws(() => decodeVector(Buffer.alloc(8), 3), /dim is 3/);
});

test('features: replace semantics, counting, and all-or-nothing validation', (t) => {
  const db = open(t, freshFile('features-put'));
  const key = { contentHash: 'h', backbone: 'arcface', view: 'clean' };
  putFeatures(db, [{ ...key, vector: new Float32Array([1, 2, 3]), box: [0, 0, 1, 1] }]);
  putFeatures(db, [{ ...key, vector: null, box: null }]);
  assert.equal(getFeature(db, key)?.vector, null, 'INSERT OR REPLACE overwrote the entry');
  putFeatures(db, [{ ...key, view: 'pair:abc', vector: new Float32Array([1]), box: null }]);
  assert.equal(countFeatures(db, 'arcface'), 2);
  assert.equal(countFeatures(db, 'arcface', 'clean'), 1);
  assert.equal(countFeatures(db, 'facenet'), 0);
  const bad: FeatureRecord[] = [
    { contentHash: 'ok', backbone: 'arcface', view: 'clean', vector: new Float32Array([1]), box: null },
    { contentHash: 'nan', backbone: 'arcface', view: 'clean', vector: new Float32Array([1, NaN]), box: null },
  ];
  assert.throws(
    () => putFeatures(db, bad),
    (e: unknown) => e instanceof StoreValidationError && /NaN/.test(e.message),
  );
  assert.equal(countFeatures(db, 'arcface'), 2, 'nothing from the rejected batch was written');
  assert.throws(() => putFeatures(db, [{ ...key, vector: null, box: [1, 2, 3, 4] }]), /cannot have a box/);
  assert.throws(() => putFeatures(db, [{ ...key, vector: new Float32Array(0), box: null }]), /non-empty/);
});

test("features: getFeatures on 5,000 hashes (and on more than SQLite's 32,766 parameter limit)", (t) => {
  const db = open(t, freshFile('features-bulk'));
  const hashes = Array.from({ length: 5000 }, (_, i) => `hash-${i.toString(16).padStart(8, '0')}`);
  const records: FeatureRecord[] = hashes.map((h, i) => ({
    contentHash: h,
    backbone: 'facenet',
    view: 'clean',
    vector: i % 10 === 0 ? null : new Float32Array([i, i / 7, -i]),
    box: i % 10 === 0 ? null : [i, 0, 10, 10],
  }));
  putFeatures(db, records);
  // Same hashes under another view and backbone must not leak into the answer.
  putFeatures(
    db,
    hashes.slice(0, 100).map((h) => ({ contentHash: h, backbone: 'facenet', view: 'aug:flip=1', vector: new Float32Array([-1]), box: null })),
  );
  putFeatures(
    db,
    hashes.slice(0, 100).map((h) => ({ contentHash: h, backbone: 'arcface', view: 'clean', vector: new Float32Array([-2]), box: null })),
  );

  const missing = Array.from({ length: 300 }, (_, i) => `missing-${i}`);
  const found = getFeatures(db, 'facenet', 'clean', [...hashes, ...missing, ...hashes.slice(0, 50)]);
  assert.equal(found.size, 5000);
  for (const i of [0, 1, 499, 500, 501, 2345, 4999]) {
    const record = found.get(hashes[i]);
    assert.ok(record, `hash ${i} missing`);
    assert.equal(record.view, 'clean');
    assert.deepEqual(record.vector, i % 10 === 0 ? null : new Float32Array([i, i / 7, -i]));
  }
  assert.equal([...found.values()].filter((r) => r.vector === null).length, 500);
  assert.equal(
    missing.some((h) => found.has(h)),
    false,
  );

  const many = [...Array.from({ length: 40_000 }, (_, i) => `nope-${i}`), hashes[42], hashes[4242]];
  const sparse = getFeatures(db, 'facenet', 'clean', many);
  assert.deepEqual([...sparse.keys()].sort(), [hashes[42], hashes[4242]].sort());
  assert.equal(getFeatures(db, 'facenet', 'clean', []).size, 0);
});

test("forgetFeatures drops a built-in's entries, its +flip ones and its concatenations', but no other backbone's", (t) => {
  const db = open(t, freshFile('forget.db'));
  const ids = ['faceapi8', 'faceapi8+flip', 'faceres+faceapi8+flip', 'faceres+faceapi8@0.5', 'faceapi', 'faceres+faceapi+flip', 'faceres'];
  putFeatures(
    db,
    ids.flatMap((backbone) => ['h1', 'h2'].map((contentHash) => ({ contentHash, backbone, view: 'clean', vector: new Float32Array([1]), box: null }))),
  );
  assert.equal(forgetFeatures(db, 'faceapi8'), 8);
  assert.deepEqual(
    ids.map((b) => countFeatures(db, b)),
    [0, 0, 0, 0, 2, 2, 2],
  );
  assert.equal(forgetFeatures(db, 'faceapi8'), 0);
});
