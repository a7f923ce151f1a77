/**
 * onnxruntime's optimised graphs, kept per machine with their weights in a file of their own
 * (mapped into memory when a later session loads them): written once, loaded after, the same
 * outputs either way, and rebuilt when the file is damaged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { humanModelsDirectory } from '../src/engine/runtime/human-models.js';
import { cachedOnnxModel } from '../src/engine/runtime/onnx/cache.js';
import { onnxOutputName } from '../src/engine/runtime/onnx/convert.js';
import { OnnxSession, optimizedFileFor, weightsFileFor } from '../src/engine/runtime/onnx/session.js';
import { seeded } from './helpers/tiny-graph.js';
import { tempDir } from './helpers/temp.js';

const OUTPUT = 'Identity';
const input = seeded(256 * 256 * 3); // -1..1, as BlazeFace is fed

async function blazeface(cacheDir: string, optimizedFile: string | undefined) {
  const cached = await cachedOnnxModel(path.join(humanModelsDirectory(), 'blazeface.json'), [OUTPUT], cacheDir);
  const session = await OnnxSession.create(cached.bytes, cached.input, onnxOutputName(OUTPUT), { threads: 1, optimizedFile });
  const output = await session.run(input, [1, 256, 256, 3]);
  await session.dispose();
  return { output, cachedPath: cached.path };
}

test('the optimised graph is written once with its weights beside it, then loaded, with the same outputs', async () => {
  const dir = tempDir('celeb-optcache-');
  const plain = await blazeface(dir, undefined);
  const file = optimizedFileFor(plain.cachedPath);
  assert.ok(file, 'onnxruntime loads here');
  assert.equal(existsSync(file), false);

  const first = await blazeface(dir, file);
  assert.ok(existsSync(file) && existsSync(weightsFileFor(file)), 'graph and weights written');
  assert.ok(statSync(weightsFileFor(file)).size > 400_000, 'the weights are in their own file');
  assert.ok(statSync(file).size < 100_000, 'the graph file holds no large weights');
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes('.tmp-')),
    [],
    'no temporary folder left',
  );
  assert.equal(existsSync(`${file}.lock`), false, 'the lock is released');
  const written = statSync(file).mtimeMs;

  const second = await blazeface(dir, file);
  assert.equal(statSync(file).mtimeMs, written, 'loaded, not written again');
  assert.deepEqual(second.output, first.output);
  const worst = plain.output.reduce((m, v, i) => Math.max(m, Math.abs(v - first.output[i])), 0);
  assert.ok(worst < 1e-4, `optimised and plain sessions agree (worst difference ${worst})`);
});

test('a damaged optimised graph is rebuilt, not fatal', async () => {
  const dir = tempDir('celeb-optcache-');
  const { output, cachedPath } = await blazeface(dir, undefined);
  const file = optimizedFileFor(cachedPath)!;
  writeFileSync(file, 'not a model');
  const rebuilt = await blazeface(dir, file);
  assert.deepEqual(rebuilt.output.length, output.length);
  assert.ok(statSync(file).size > 1000, 'rewritten');
  assert.ok(existsSync(weightsFileFor(file)));
  const again = await blazeface(dir, file);
  assert.deepEqual(again.output, rebuilt.output);
});

test('one writer at a time: while another holds the lock the session is made in memory; a lock left by a crash is taken over', async () => {
  const dir = tempDir('celeb-optcache-');
  const { output, cachedPath } = await blazeface(dir, undefined);
  const file = optimizedFileFor(cachedPath)!;
  writeFileSync(`${file}.lock`, '');
  const held = await blazeface(dir, file);
  assert.deepEqual(held.output, output);
  assert.equal(existsSync(file), false, 'not written while another writer holds the lock');

  const crashed = new Date(Date.now() - 11 * 60_000);
  utimesSync(`${file}.lock`, crashed, crashed);
  await blazeface(dir, file);
  assert.ok(existsSync(file) && existsSync(weightsFileFor(file)), 'written once the stale lock was taken over');
  assert.equal(existsSync(`${file}.lock`), false, 'the lock is released');
});
