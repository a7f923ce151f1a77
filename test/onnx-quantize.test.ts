import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { emptyGraph, encodeModel, type OnnxGraph } from '../src/engine/runtime/onnx/graph.js';
import { activationRanges, quantisedActivations, quantizeGraph, quantizeWeights } from '../src/engine/runtime/onnx/quantize.js';
import { seeded, seededConv } from './helpers/tiny-graph.js';

/** A small residual net: conv + relu, a block (conv, relu, conv, add, relu), a pool, a last conv. */
function residualNet(): OnnxGraph {
  const g = emptyGraph();
  g.inputs.push({ name: 'x', shape: [2, 3, 16, 16] });
  g.outputs.push({ name: 'y' });
  const conv = (name: string, input: string, dims: number[], seed: number) => seededConv(g, name, input, dims, seed, { scale: 0.5, biasScale: 0.1 });
  const node = (op: string, inputs: string[], output: string, attrs = {}) => g.nodes.push({ op, inputs, outputs: [output], attrs });
  conv('c1', 'x', [16, 3, 3, 3], 31);
  node('Relu', ['c1'], 'r1');
  conv('c2', 'r1', [16, 16, 3, 3], 33);
  node('Relu', ['c2'], 'r2');
  conv('c3', 'r2', [16, 16, 3, 3], 35);
  node('Add', ['c3', 'r1'], 'sum');
  node('Relu', ['sum'], 'r3');
  node('MaxPool', ['r3'], 'pool', { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } });
  conv('y', 'pool', [8, 16, 1, 1], 37);
  return g;
}

const inputOf = (seed: number) => seeded(2 * 3 * 16 * 16, seed).map((v) => v * 2);

async function run(g: OnnxGraph, x: Float32Array, outputs = [g.outputs[0].name], optimizedModelFilePath?: string): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(encodeModel(g, 'test'), {
    graphOptimizationLevel: 'all',
    ...(optimizedModelFilePath ? { optimizedModelFilePath } : {}),
  });
  const out = await session.run({ x: new ort.Tensor('float32', x, [2, 3, 16, 16]) }, outputs);
  await session.release();
  return Object.fromEntries(outputs.map((o) => [o, out[o].data as Float32Array]));
}

test('quantizeWeights: int8 per output channel, the largest weight of each channel at 127', () => {
  const w = Float32Array.of(0.5, -1, 0.25, 0.03, -0.04, 0.01);
  const { values, scales } = quantizeWeights(w, 2);
  assert.deepEqual(Array.from(values), [64, -127, 32, 95, -127, 32]);
  assert.ok(Math.abs(scales[0] - 1 / 127) < 1e-9 && Math.abs(scales[1] - 0.04 / 127) < 1e-9);
});

test('quantizeGraph: a calibrated residual net in QDQ form runs on integer convolutions and stays close to float', async () => {
  const g = residualNet();
  const activations = ['c1', 'r1', 'c2', 'r2', 'c3', 'sum', 'r3', 'pool'];
  const samples = new Map<string, Float32Array[]>(activations.map((a) => [a, []]));
  for (const seed of [1, 2, 3, 4]) {
    const out = await run({ ...g, outputs: [...g.outputs, ...activations.map((name) => ({ name }))] }, inputOf(seed), activations);
    for (const a of activations) samples.get(a)!.push(out[a]);
  }
  assert.deepEqual(quantisedActivations(g), activations, 'what calibration measures (the graph input is not: the first conv stays float)');
  const q = quantizeGraph(g, activationRanges(samples, 1));
  assert.equal(g.nodes.length, 9, 'the float graph is untouched');
  const read = new Set(q.nodes.flatMap((n) => n.inputs));
  assert.deepEqual(
    [...q.initializers.keys()].filter((name) => !read.has(name)),
    [],
    'no float weight left beside its int8 copy',
  );
  assert.ok(q.initializers.has('c1/w') && !q.initializers.has('c2/w') && q.initializers.get('c2/w8')?.data instanceof Int8Array);
  assert.ok(q.nodes.filter((n) => n.op === 'QuantizeLinear').length >= 5);
  const file = path.join(os.tmpdir(), `celeb-quantize-test-${process.pid}.onnx`);
  try {
    const x = inputOf(9); // not among the calibration inputs
    const [a, b] = [(await run(g, x)).y, (await run(q, x, ['y'], file)).y];
    // onnxruntime turned the QDQ convolutions into integer ones.
    assert.match(readFileSync(file).toString('latin1'), /QLinearConv/);
    let [dot, na, nb] = [0, 0, 0];
    for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + a[i] * b[i], na + a[i] ** 2, nb + b[i] ** 2];
    const cosine = dot / Math.sqrt(na * nb);
    assert.ok(cosine > 0.995, `cosine ${cosine}`);
    assert.ok(
      a.some((v, i) => v !== b[i]),
      'int8 is not float: the outputs differ a little',
    );
  } finally {
    rmSync(file, { force: true });
  }
});
