import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { copyModelDir } from '../src/engine/model/model-dir.js';
import { InputError } from '../src/engine/errors.js';
import { EmbedderPool, PoolBusyError } from '../src/engine/extract/pool.js';
import { LookalikeEngine } from '../src/engine/lookalike.js';
import { DEFAULT_MODEL, readFixture, solidJpeg, textFile, truncatedJpeg } from './helpers/fixtures.js';
import { tempDir } from './helpers/temp.js';

let pool: EmbedderPool;
let engine: LookalikeEngine;
before(async () => {
  pool = await EmbedderPool.start({ workers: 2, backend: 'wasm', maxQueue: 4 });
  engine = await LookalikeEngine.open(DEFAULT_MODEL, { pool });
});
after(async () => {
  await engine.close();
  await pool.close();
});

test('the shipped default model answers with calibrated, sorted matches', async () => {
  const p = await engine.which(readFixture('faces', 'ai-face.jpg'), { top: 3 });
  assert.equal(p.model, 'default');
  assert.equal(p.faces.length, 1);
  const { matches } = p.faces[0];
  assert.equal(matches.length, 3);
  assert.ok(engine.model.manifest.labels.includes(matches[0].name));
  assert.deepEqual(
    matches.map((m) => m.confidence),
    [...matches.map((m) => m.confidence)].sort((a, b) => b - a),
  );
  const sum = matches.reduce((s, m) => s + m.confidence, 0);
  assert.ok(sum > 0 && sum <= 1 + 1e-9);
});

test('maxFaces keeps the largest faces and reports how many there were', async () => {
  const p = await engine.which(readFixture('faces', 'group-1.jpg'), { maxFaces: 3 });
  assert.equal(p.faces.length, 3);
  assert.ok(p.detectedFaces > 3);
});

test('input errors cross the worker boundary with their codes', async () => {
  const cases: [Uint8Array, string][] = [
    [textFile(), 'not_an_image'],
    [truncatedJpeg(), 'corrupt'],
    [await solidJpeg(), 'no_face'],
  ];
  for (const [bytes, code] of cases) {
    await assert.rejects(engine.which(bytes), (e: unknown) => e instanceof InputError && e.code === code);
  }
});

test('the caller keeps its buffer: bytes are copied before they go to a worker', async () => {
  const bytes = readFixture('faces', 'ai-face.jpg');
  const copy = Buffer.from(bytes);
  await engine.which(bytes);
  assert.ok(bytes.equals(copy));
});

test('the pool spreads photos over both workers and refuses beyond its queue bound', async () => {
  const bytes = readFixture('faces', 'cgi-model-1.jpg');
  const accepted = Array.from({ length: 6 }, () => pool.embed(bytes)); // 2 in workers + 4 queued
  assert.equal(pool.busy, 2);
  assert.equal(pool.queued, 4);
  await assert.rejects(pool.embed(bytes), PoolBusyError);
  const results = await Promise.all(accepted);
  assert.ok(results.every((r) => r.faces.length === 1));
  assert.equal(pool.queued, 0);
});

test('a worker that dies fails only its photo, is replaced, and the pool keeps answering', async () => {
  // Reach into the pool to kill a worker thread, as an out-of-memory or native crash would.
  const slots = (pool as unknown as { slots: { worker: import('node:worker_threads').Worker }[] }).slots;
  const bytes = readFixture('faces', 'cgi-model-1.jpg');
  const doomed = pool.embed(bytes);
  const victim = slots.find((s) => (s as unknown as { job: unknown }).job)!.worker;
  await victim.terminate();
  await assert.rejects(doomed, /stopped unexpectedly/);
  const after = await Promise.all([pool.embed(bytes), pool.embed(bytes), pool.embed(bytes)]);
  assert.ok(after.every((r) => r.faces.length === 1));
  assert.equal(pool.size, 2);
  assert.ok(
    slots.every((s) => s.worker !== victim),
    'the dead worker was replaced',
  );
});

test('switching models keeps the workers; a model for another backbone is refused', async () => {
  await engine.useModel(DEFAULT_MODEL);
  assert.equal(engine.model.name, 'default');
  const other = path.join(tempDir('celeb-other-'), 'other');
  await copyModelDir(DEFAULT_MODEL, other, { backbone: 'mobileface' });
  await assert.rejects(engine.useModel(other), /uses backbone mobileface/);
  assert.equal(engine.model.name, 'default', 'the running model stays');
});
