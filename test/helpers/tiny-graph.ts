/**
 * Tiny tfjs graph models written by hand (model.json nodes + weights), to test the ONNX
 * converter op by op without the 7 MB face networks.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { GraphModelJson } from '../../src/engine/runtime/onnx/convert.js';
import { floats, type OnnxGraph } from '../../src/engine/runtime/onnx/graph.js';
import type { TfNode } from '../../src/engine/runtime/onnx/context.js';
import type { WeightEntry } from '../../src/engine/runtime/onnx/weights.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const ints = (...v: number[]) => ({ list: { i: v.map(String) } });

export const conv = (
  name: string,
  input: string,
  filter: string,
  opts: { op?: string; padding?: string; strides?: number; fused?: string[]; args?: string[] } = {},
): TfNode => ({
  name,
  op: opts.op ?? 'Conv2D',
  input: [input, filter, ...(opts.args ?? [])],
  attr: {
    padding: { s: b64(opts.padding ?? 'SAME') },
    strides: ints(1, opts.strides ?? 1, opts.strides ?? 1, 1),
    dilations: ints(1, 1, 1, 1),
    data_format: { s: b64('NHWC') },
    ...(opts.fused ? { fused_ops: { list: { s: opts.fused.map(b64) } }, num_args: { i: String(opts.args?.length ?? 0) } } : {}),
  },
});
export const op = (name: string, kind: string, input: string[], attr: TfNode['attr'] = {}): TfNode => ({ name, op: kind, input, attr });
export const placeholder = (name: string, size: number, channels = 3): TfNode => ({
  name,
  op: 'Placeholder',
  attr: { shape: { shape: { dim: [{ size: -1 }, { size }, { size }, { size: channels }] } }, dtype: { type: 'DT_FLOAT' } },
});
export const keepDims = (keep: boolean) => ({ keep_dims: { b: keep } });
export const windowAttrs = (k: number, s: number, padding: string) => ({
  ksize: ints(1, k, k, 1),
  strides: ints(1, s, s, 1),
  padding: { s: b64(padding) },
  data_format: { s: b64('NHWC') },
});

/** Seeded values in -1..1, so tests are reproducible. */
export function seeded(n: number, seed = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);
}

export interface Const {
  name: string;
  shape: number[];
  values: Float32Array | Int32Array;
}

/** A graph model: nodes plus constants (float32 or int32, unquantised). */
export function graphModel(nodes: TfNode[], consts: Const[]): { json: GraphModelJson; weightData: ArrayBuffer } {
  const weights: WeightEntry[] = consts.map((c) => ({ name: c.name, shape: c.shape, dtype: c.values instanceof Int32Array ? 'int32' : 'float32' }));
  const parts = consts.map((c) => new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength));
  const all = Buffer.concat(parts);
  const constNodes: TfNode[] = consts.map((c) => ({ name: c.name, op: 'Const', attr: {} }));
  return {
    json: {
      format: 'graph-model',
      modelTopology: { node: [...constNodes, ...nodes], versions: { producer: 1 } },
      weightsManifest: [{ paths: ['weights.bin'], weights }],
    },
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
}

/** Runs the graph model on tfjs: the reference for the ONNX conversion. */
export async function runOnTfjs(model: { json: GraphModelJson; weightData: ArrayBuffer }, input: tf.Tensor, output: string): Promise<Float32Array> {
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: model.json.modelTopology,
    format: 'graph-model',
    weightSpecs: model.json.weightsManifest[0].weights as tf.io.WeightsManifestEntry[],
    weightData: model.weightData,
  };
  const graph = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  const out = graph.execute(input, output) as tf.Tensor;
  const data = (await out.data()) as Float32Array;
  out.dispose();
  graph.dispose();
  return data;
}

/** Writes the model as model.json + weights.bin in a new temporary directory; returns the model.json path. */
export function saveGraphModel(model: { json: GraphModelJson; weightData: ArrayBuffer }, backbone?: object): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'celeb-graph-'));
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify(model.json));
  writeFileSync(path.join(dir, 'weights.bin'), new Uint8Array(model.weightData));
  if (backbone) writeFileSync(path.join(dir, 'backbone.json'), JSON.stringify(backbone));
  return path.join(dir, 'model.json');
}

/**
 * Appends an ONNX Conv to `g` ('same' padding, stride 1) whose weights [out, in, k, k] and biases
 * are seeded values times `scale` and `biasScale`: for tests of the ONNX graph rewrites.
 */
export function seededConv(
  g: OnnxGraph,
  name: string,
  input: string,
  dims: number[],
  seed: number,
  options: { group?: number; scale?: number; biasScale?: number } = {},
): void {
  const { group = 1, scale = 1, biasScale = 1 } = options;
  g.initializers.set(
    `${name}/w`,
    floats(
      dims,
      seeded(
        dims.reduce((a, b) => a * b),
        seed,
      ).map((v) => v * scale),
    ),
  );
  g.initializers.set(
    `${name}/b`,
    floats(
      [dims[0]],
      seeded(dims[0], seed + 1).map((v) => v * biasScale),
    ),
  );
  const k = dims[2];
  const attrs = {
    kernel_shape: { ints: [k, k] },
    strides: { ints: [1, 1] },
    pads: { ints: new Array<number>(4).fill((k - 1) / 2) },
    ...(group > 1 ? { group: { int: group } } : {}),
  };
  g.nodes.push({ op: 'Conv', inputs: [input, `${name}/w`, `${name}/b`], outputs: [name], attrs });
}
