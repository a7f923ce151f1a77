import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import ort from 'onnxruntime-node';
import { Backbone } from '../src/engine/backbones/backbone.js';
import { resolveBackbone } from '../src/engine/backbones/registry.js';
import { CelebError } from '../src/base/errors.js';
import { selectBackend } from '../src/engine/runtime/backend.js';
import { fileUrl, loadModelArtifacts, registerFileLoader } from '../src/engine/runtime/file-io.js';
import { humanModelsDirectory } from '../src/engine/runtime/human.js';
import { cachedOnnxModel } from '../src/engine/runtime/onnx/cache.js';
import { convertGraphModel, onnxOutputName, type GraphModelJson } from '../src/engine/runtime/onnx/convert.js';
import { decodeWeights, halfToFloat } from '../src/engine/runtime/onnx/weights.js';
import { emptyGraph, encodeModel, floats, int64s, type OnnxGraph } from '../src/engine/runtime/onnx/graph.js';
import { optimise } from '../src/engine/runtime/onnx/optimise.js';
import { widenChannels } from '../src/engine/runtime/onnx/widen.js';
import { conv, graphModel, keepDims, op, placeholder, runOnTfjs, saveGraphModel, seeded, seededConv, windowAttrs } from './helpers/tiny-graph.js';
import { pixelsOf } from './helpers/face-pixels.js';
import type { EngineEvent } from '../src/engine/events.js';
import { EmbedderPool } from '../src/engine/extract/pool.js';

before(async () => {
  await selectBackend('wasm');
});

/** Every op family the face networks use, in one small net: pad, convs, per-channel affine, clips, prelu, pooling, mean, dense. */
function allOpsNet() {
  const nodes = [
    placeholder('input', 9),
    op('pad', 'Pad', ['input', 'paddings']),
    conv('conv1', 'pad', 'w1', { padding: 'VALID', strides: 2 }),
    op('scale', 'Mul', ['conv1', 'gamma']),
    op('shift', 'Add', ['beta', 'scale']),
    op('relu', 'Relu', ['shift']),
    op('min', 'Minimum', ['relu', 'six']),
    op('max', 'Maximum', ['min', 'zero']),
    conv('dw', 'max', 'wdw', { op: 'DepthwiseConv2dNative' }),
    conv('fused', 'dw', 'w2', { op: '_FusedConv2D', fused: ['BiasAdd', 'Prelu'], args: ['b2', 'alpha'] }),
    op('pool', 'MaxPool', ['fused'], windowAttrs(2, 2, 'SAME')),
    op('res', 'AddV2', ['pool', 'pool']),
    op('mean', 'Mean', ['res', 'axes'], keepDims(false)),
    op('dense', '_FusedMatMul', ['mean', 'wd', 'bd'], {
      fused_ops: { list: { s: ['BiasAdd', 'Relu'].map((s) => Buffer.from(s).toString('base64')) } },
      num_args: { i: '1' },
      transpose_a: { b: false },
      transpose_b: { b: false },
    }),
  ];
  return graphModel(nodes, [
    { name: 'paddings', shape: [4, 2], values: Int32Array.of(0, 0, 1, 1, 1, 1, 0, 0) },
    { name: 'w1', shape: [3, 3, 3, 4], values: seeded(108, 1) },
    { name: 'gamma', shape: [4], values: Float32Array.of(0.5, 1.5, -1, 2) },
    { name: 'beta', shape: [4], values: Float32Array.of(0.1, -0.2, 0.3, 0) },
    { name: 'six', shape: [], values: Float32Array.of(6) },
    { name: 'zero', shape: [], values: Float32Array.of(0) },
    { name: 'wdw', shape: [3, 3, 4, 2], values: seeded(72, 2) },
    { name: 'w2', shape: [1, 1, 8, 5], values: seeded(40, 3) },
    { name: 'b2', shape: [5], values: seeded(5, 4) },
    { name: 'alpha', shape: [5], values: Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5) },
    { name: 'axes', shape: [2], values: Int32Array.of(1, 2) },
    { name: 'wd', shape: [5, 3], values: seeded(15, 5) },
    { name: 'bd', shape: [3], values: seeded(3, 6) },
  ]);
}

test('converter: a net with every supported op family matches tfjs, with Pad/Mul/Add folded into convs', async () => {
  const model = allOpsNet();
  const converted = convertGraphModel(model.json, model.weightData, ['dense']);
  assert.ok(converted.rewrites >= 4, `expected folds, got ${converted.rewrites}`);
  const data = seeded(2 * 9 * 9 * 3, 9).map((v) => v * 3);
  const expected = await runOnTfjs(model, tf.tensor4d(data, [2, 9, 9, 3]), 'dense');
  const session = await ort.InferenceSession.create(converted.onnx);
  const out = await session.run({ [converted.input]: new ort.Tensor('float32', data, [2, 9, 9, 3]) });
  const actual = out[onnxOutputName('dense')].data as Float32Array;
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < 1e-4, `${i}: ${actual[i]} vs ${expected[i]}`);
  await session.release();
});

/** BlazeFace's residual block that widens: x -> MaxPool -> channel Pad (4 -> 8), added to a conv of x. */
function wideningBlock(): OnnxGraph {
  const g = emptyGraph();
  g.inputs.push({ name: 'x', shape: [1, 4, 6, 6] });
  g.outputs.push({ name: 'y' });
  g.initializers.set('w', floats([8, 4, 1, 1], seeded(32, 11)));
  g.initializers.set('b', floats([8], seeded(8, 12)));
  g.initializers.set('pads', int64s([0, 0, 0, 0, 0, 4, 0, 0]));
  const node = (op: string, inputs: string[], output: string, attrs = {}) => g.nodes.push({ op, inputs, outputs: [output], attrs });
  node('Conv', ['x', 'w', 'b'], 'conv', { kernel_shape: { ints: [1, 1] }, strides: { ints: [1, 1] }, pads: { ints: [0, 0, 0, 0] } });
  node('MaxPool', ['x'], 'pool', { kernel_shape: { ints: [1, 1] }, strides: { ints: [1, 1] } });
  node('Pad', ['pool', 'pads'], 'wide');
  node('Add', ['conv', 'wide'], 'sum');
  node('Relu', ['sum'], 'y');
  return g;
}

test('optimiser: a channel Pad added to a conv becomes an identity 1x1 Conv, with the same output to float rounding', async () => {
  const data = seeded(4 * 6 * 6, 13).map((v) => v * 4);
  const run = async (g: OnnxGraph) => {
    const session = await ort.InferenceSession.create(encodeModel(g, 'test'));
    const out = (await session.run({ x: new ort.Tensor('float32', data, [1, 4, 6, 6]) })).y.data as Float32Array;
    await session.release();
    return out;
  };
  const expected = await run(wideningBlock());
  const g = wideningBlock();
  assert.equal(optimise(g), 1);
  const ops = g.nodes.map((n) => n.op);
  assert.deepEqual(ops, ['Conv', 'MaxPool', 'Conv', 'Add', 'Relu']);
  assert.deepEqual(g.initializers.get(g.nodes[2].inputs[1])?.dims, [8, 4, 1, 1]);
  // onnxruntime then fuses the Add into the conv, which rounds the sum in another order: float rounding, no more.
  const actual = await run(g);
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-6 * Math.max(1, Math.abs(expected[i])), `${i}: ${actual[i]} vs ${expected[i]}`);
  // Padded by 4 channels of zeros: the sum's last 4 channels are the conv's alone, so the rewrite cannot be a no-op that passes.
  assert.ok(expected.some((v) => v !== 0));
});

/** BlazeFace's 24-channel stage in small: conv, then a residual block (depthwise + pointwise, Add, Relu), a MaxPool, a conv reading it. */
function stageOf24(outputOfStage = false): OnnxGraph {
  const g = emptyGraph();
  g.inputs.push({ name: 'x', shape: [1, 3, 8, 8] });
  g.outputs.push({ name: outputOfStage ? 'pool' : 'y' });
  const conv = (name: string, input: string, dims: number[], seed: number, group = 1) => seededConv(g, name, input, dims, seed, { group });
  const node = (op: string, inputs: string[], output: string, attrs = {}) => g.nodes.push({ op, inputs, outputs: [output], attrs });
  conv('c1', 'x', [24, 3, 3, 3], 21);
  node('Relu', ['c1'], 'r1');
  conv('dw', 'r1', [24, 1, 3, 3], 23, 24);
  conv('pw', 'dw', [24, 24, 1, 1], 25);
  node('Add', ['pw', 'r1'], 'sum');
  node('Relu', ['sum'], 'r2');
  node('MaxPool', ['r2'], 'pool', { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } });
  if (!outputOfStage) conv('y', 'pool', [8, 24, 1, 1], 27);
  return g;
}

test('optimiser: a 24-channel residual stage is widened to 32 channels of which 8 stay zero, with the same output to float rounding', async () => {
  const data = seeded(3 * 8 * 8, 29).map((v) => v * 2);
  const run = async (g: OnnxGraph) => {
    const session = await ort.InferenceSession.create(encodeModel(g, 'test'));
    const out = await session.run({ x: new ort.Tensor('float32', data, [1, 3, 8, 8]) });
    await session.release();
    return out[g.outputs[0].name].data as Float32Array;
  };
  const expected = await run(stageOf24());
  const g = stageOf24();
  assert.equal(widenChannels(g), 1);
  const dims = (name: string) => g.initializers.get(g.nodes.find((n) => n.outputs[0] === name)!.inputs[1])?.dims;
  assert.deepEqual(dims('c1'), [32, 3, 3, 3]);
  assert.deepEqual(dims('dw'), [32, 1, 3, 3]);
  assert.deepEqual(dims('pw'), [32, 32, 1, 1]);
  assert.deepEqual(dims('y'), [8, 32, 1, 1], 'the reader takes the zero channels with zero weights');
  const actual = await run(g);
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-5 * Math.max(1, Math.abs(expected[i])), `${i}: ${actual[i]} vs ${expected[i]}`);
  // A stage that is a graph output keeps its shape.
  assert.equal(widenChannels(stageOf24(true)), 0);
});

test('converter: an op outside the table is refused with a backbone error naming it', () => {
  const model = graphModel(
    [placeholder('input', 4), op('odd', 'Elu', ['input']), op('mean', 'Mean', ['odd', 'axes'], keepDims(false))],
    [{ name: 'axes', shape: [2], values: Int32Array.of(1, 2) }],
  );
  assert.throws(
    () => convertGraphModel(model.json, model.weightData, ['mean']),
    (e: unknown) => e instanceof CelebError && e.code === 'backbone' && /unsupported tfjs op Elu/.test(e.message),
  );
});

test('weights: float16 and uint8-quantised weights decode exactly as tfjs decodes them', () => {
  const halves = Uint16Array.of(0x3c00, 0xc000, 0x0001, 0x7bff, 0x3555);
  const bytes = Uint8Array.of(0, 1, 128, 255);
  const buffer = Buffer.concat([Buffer.from(halves.buffer), Buffer.from(bytes)]);
  const specs = [
    { name: 'h', shape: [5], dtype: 'float32' as const, quantization: { dtype: 'float16' as const, original_dtype: 'float32' as const } },
    {
      name: 'q',
      shape: [4],
      dtype: 'float32' as const,
      quantization: { dtype: 'uint8' as const, scale: 0.037, min: -1.2, original_dtype: 'float32' as const },
    },
  ];
  const ours = decodeWeights(specs, buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
  const theirs = tf.io.decodeWeights(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength), specs);
  for (const name of ['h', 'q']) assert.deepEqual(Array.from(ours.get(name)!.data), Array.from(theirs[name].dataSync()), name);
  assert.equal(halfToFloat(0x7c00), Infinity);
});

test('cache: converted once, then read back; a corrupt cached .onnx is detected by its hash when read, and rebuilt', async () => {
  const modelPath = saveGraphModel(allOpsNet());
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'celeb-onnx-cache-'));
  const first = await cachedOnnxModel(modelPath, ['dense'], cacheDir);
  assert.equal(first.converted, true);
  const original = Buffer.from(await first.bytes());
  const second = await cachedOnnxModel(modelPath, ['dense'], cacheDir);
  assert.equal(second.converted, false);
  assert.deepEqual(Buffer.from(await second.bytes()), original);

  const onnxFile = readdirSync(cacheDir).find((f) => f.endsWith('.onnx'))!;
  const damaged = Buffer.from(original);
  damaged[damaged.length >> 1] ^= 0xff;
  writeFileSync(path.join(cacheDir, onnxFile), damaged);
  const rebuilt = await cachedOnnxModel(modelPath, ['dense'], cacheDir);
  assert.deepEqual(Buffer.from(await rebuilt.bytes()), original, 'the damaged file is not handed out');
  assert.deepEqual(readFileSync(path.join(cacheDir, onnxFile)), original, 'and is rewritten');

  // A source that changed (its size or time) is read and hashed again, whatever the stat index says.
  writeFileSync(modelPath, readFileSync(modelPath, 'utf8').replace('{', '{ '));
  const afterEdit = await cachedOnnxModel(modelPath, ['dense'], cacheDir);
  assert.equal(afterEdit.converted, true, 'a new source is converted');
  assert.equal((await cachedOnnxModel(modelPath, ['dense'], cacheDir)).converted, false);
});

test('a worker thread reports its fallback to the pool, which hands it to the log the caller passed', async () => {
  const odd = graphModel(
    [placeholder('input', 4), op('odd', 'Elu', ['input']), op('mean', 'Mean', ['odd', 'axes'], keepDims(false))],
    [{ name: 'axes', shape: [2], values: Int32Array.of(1, 2) }],
  );
  const backbone = `custom:${saveGraphModel(odd, { inputSize: 4, output: 'mean', dim: 3, format: 'graph' })}`;
  const events: EngineEvent[] = [];
  const pool = await EmbedderPool.start({
    workers: 1,
    backend: 'auto',
    backbone,
    onnxCacheDir: mkdtempSync(path.join(os.tmpdir(), 'celeb-onnx-cache-')),
    log: (e) => events.push(e),
  });
  try {
    assert.deepEqual(
      events.map((e) => e.event),
      ['backbone.onnx_fallback'],
    );
    assert.match(String(events[0].reason), /Elu/);
    assert.equal(pool.runtime.embedding, 'wasm');
  } finally {
    await pool.close();
  }
});

test('custom graph backbones run on ONNX when convertible, and fall back to tfjs naming the unsupported op', async () => {
  const rt = { onnx: true, onnxThreads: 1, onnxCacheDir: mkdtempSync(path.join(os.tmpdir(), 'celeb-onnx-cache-')) };
  const crop = tf.tensor4d(
    seeded(16 * 16 * 3, 11).map((v) => (v + 1) / 2),
    [1, 16, 16, 3],
  );
  const describe = { inputSize: 9, output: 'dense', dim: 3, format: 'graph' };

  const good = await Backbone.load(resolveBackbone(`custom:${saveGraphModel(allOpsNet(), describe)}`), rt);
  assert.equal(good.runtime, 'onnx');
  const reference = await Backbone.load(resolveBackbone(`custom:${saveGraphModel(allOpsNet(), describe)}`));
  const [a, b] = [(await good.embed([pixelsOf(crop)]))[0], (await reference.embed([pixelsOf(crop)]))[0]];
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-4);

  const odd = graphModel(
    [placeholder('input', 4), op('odd', 'Elu', ['input']), op('mean', 'Mean', ['odd', 'axes'], keepDims(false))],
    [{ name: 'axes', shape: [2], values: Int32Array.of(1, 2) }],
  );
  // The fallback is reported to the log the caller passes (the bots pass their logger), not printed.
  const events: EngineEvent[] = [];
  const fallback = await Backbone.load(resolveBackbone(`custom:${saveGraphModel(odd, { inputSize: 4, output: 'mean', dim: 3, format: 'graph' })}`), {
    ...rt,
    log: (e) => events.push(e),
  });
  assert.equal(fallback.runtime, 'tfjs');
  assert.match(fallback.onnxFallback ?? '', /Elu/);
  assert.equal(events.length, 1);
  assert.equal(events[0].event, 'backbone.onnx_fallback');
  assert.match(String(events[0].reason), /Elu/);
  assert.equal((await fallback.embed([pixelsOf(crop)]))[0].length, 3);
  crop.dispose();
});

// Not used on the hot path yet (detection runs in Human on tfjs), but the converter already
// handles both detection networks, several outputs at once: the ground for detection on ONNX.
for (const [name, size, outputs] of [
  ['blazeface', 256, ['Identity', 'Identity_1', 'Identity_2', 'Identity_3']],
  ['facemesh', 192, ['Identity', 'Identity_1', 'Identity_2']],
] as const) {
  test(`converter: Human's ${name} converts with all its outputs and matches tfjs`, async () => {
    const file = path.join(humanModelsDirectory(), `${name}.json`);
    const converted = convertGraphModel(JSON.parse(readFileSync(file, 'utf8')) as GraphModelJson, (await loadModelArtifacts(file)).weightData as ArrayBuffer, [
      ...outputs,
    ]);
    const data = seeded(size * size * 3, 5);
    registerFileLoader();
    const model = await tf.loadGraphModel(fileUrl(file));
    const expected = model.execute(tf.tensor4d(data, [1, size, size, 3]), [...outputs]) as tf.Tensor[];
    const session = await ort.InferenceSession.create(converted.onnx);
    const out = await session.run({ [converted.input]: new ort.Tensor('float32', data, [1, size, size, 3]) });
    outputs.forEach((o, k) => {
      const [a, b] = [out[onnxOutputName(o)].data as Float32Array, expected[k].dataSync()];
      assert.deepEqual(out[onnxOutputName(o)].dims, expected[k].shape, o);
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-3 * Math.max(1, Math.abs(b[i])), `${o}[${i}]: ${a[i]} vs ${b[i]}`);
    });
    expected.forEach((t) => t.dispose());
    model.dispose();
    await session.release();
  });
}
