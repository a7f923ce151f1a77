/**
 * @vladmandic/face-api's face recognition network (dlib's 128-d ResNet-34, ported) as a tfjs
 * graph model. The package ships it as a face-api weights manifest (weights only, the layers
 * live in face-api's code: src/faceRecognitionNet/), not as a graph model. This module writes
 * the same network down as graph nodes over those very weights, so it runs like every other
 * backbone: converted to ONNX by runtime/onnx (and cached), or executed by tfjs.
 * Nothing of face-api's code is loaded; its weights are read from node_modules.
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CelebError } from '../../base/errors.js';
import type { GraphSource } from '../runtime/onnx/convert.js';
import type { TfNode } from '../runtime/onnx/context.js';
import type { WeightEntry } from '../runtime/onnx/weights.js';

const require = createRequire(import.meta.url);

/** The manifest of face-api's recognition weights, in the installed package. */
export const faceApiRecognitionManifest = (): string =>
  path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model', 'face_recognition_model-weights_manifest.json');

/** face-api's input side and the graph's input and output node names. */
export const FACEAPI_INPUT = 150;
export const FACEAPI_INPUT_NODE = 'input';
export const FACEAPI_OUTPUT_NODE = 'descriptor';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const FLOAT = { type: 'DT_FLOAT' };
const window4 = (k: number) => ({ list: { i: ['1', String(k), String(k), '1'] } });
const NHWC = { s: b64('NHWC') };

class GraphWriter {
  readonly nodes: TfNode[] = [];
  /** int32 constants (paddings, axes) added to the weights, after face-api's own. */
  readonly extraSpecs: WeightEntry[] = [];
  readonly extraData: number[] = [];

  op(name: string, op: string, input: string[], attr: TfNode['attr'] = {}): string {
    this.nodes.push({ name, op, input, attr: { T: FLOAT, ...attr } });
    return name;
  }

  const(name: string, shape: number[], dtype: 'DT_FLOAT' | 'DT_INT32'): string {
    const tensor = { dtype, tensorShape: { dim: shape.map((s) => ({ size: String(s) })) } };
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type: dtype }, value: { tensor } } });
    return name;
  }

  ints(name: string, shape: number[], values: number[]): string {
    this.extraSpecs.push({ name, shape, dtype: 'int32' });
    this.extraData.push(...values);
    return this.const(name, shape, 'DT_INT32');
  }
}

/** Side of a VALID window of `k`, stride `s`, over `size` pixels. */
const valid = (size: number, k: number, s: number) => Math.floor((size - k) / s) + 1;

/**
 * Builds face-api's FaceRecognitionNet.forwardInput (convLayer.ts, residualLayer.ts) for a
 * [batch, 150, 150, 3] input already normalised as face-api does ((rgb - mean) / 255).
 * `shapeOf` gives each weight's shape (the manifest's).
 */
function writeNetwork(g: GraphWriter, shapeOf: (name: string) => number[]): void {
  // conv: conv2d + bias, then the scale layer (x * weights + biases), then an optional relu.
  const conv = (x: string, prefix: string, stride: 1 | 2, relu: boolean): string => {
    const filters = g.const(`${prefix}/conv/filters`, shapeOf(`${prefix}/conv/filters`), 'DT_FLOAT');
    const strides = { list: { i: ['1', String(stride), String(stride), '1'] } };
    let out = g.op(`${prefix}/conv2d`, 'Conv2D', [x, filters], {
      strides,
      padding: { s: b64(stride === 2 ? 'VALID' : 'SAME') },
      data_format: NHWC,
      dilations: window4(1),
    });
    for (const [name, op] of [
      ['conv/bias', 'Add'],
      ['scale/weights', 'Mul'],
      ['scale/biases', 'Add'],
    ] as const) {
      const w = g.const(`${prefix}/${name}`, shapeOf(`${prefix}/${name}`), 'DT_FLOAT');
      out = g.op(`${prefix}/${name}/apply`, op, [out, w]);
    }
    return relu ? g.op(`${prefix}/relu`, 'Relu', [out]) : out;
  };
  const residual = (x: string, prefix: string): string => {
    const out = conv(conv(x, `${prefix}/conv1`, 1, true), `${prefix}/conv2`, 1, false);
    return g.op(`${prefix}/relu`, 'Relu', [g.op(`${prefix}/sum`, 'Add', [out, x])]);
  };
  // residualDown: the shortcut is a 2x2 average pool, zero-padded to the new channel count; when
  // the strided conv comes out one pixel smaller than the pool, face-api pads it with zeros at the end.
  const residualDown = (x: string, prefix: string, size: number, channels: number, outChannels: number): [string, number] => {
    let out = conv(conv(x, `${prefix}/conv1`, 2, true), `${prefix}/conv2`, 1, false);
    const convSize = valid(size, 3, 2);
    const poolSize = valid(size, 2, 2);
    let pooled = g.op(`${prefix}/avgpool`, 'AvgPool', [x], { ksize: window4(2), strides: window4(2), padding: { s: b64('VALID') }, data_format: NHWC });
    if (convSize !== poolSize) {
      const d = poolSize - convSize;
      out = g.op(`${prefix}/pad_hw`, 'Pad', [out, g.ints(`${prefix}/pad_hw/paddings`, [4, 2], [0, 0, 0, d, 0, d, 0, 0])]);
    }
    if (channels !== outChannels) {
      const extra = outChannels - channels;
      pooled = g.op(`${prefix}/pad_c`, 'Pad', [pooled, g.ints(`${prefix}/pad_c/paddings`, [4, 2], [0, 0, 0, 0, 0, 0, 0, extra])]);
    }
    return [g.op(`${prefix}/relu`, 'Relu', [g.op(`${prefix}/sum`, 'Add', [pooled, out])]), poolSize];
  };

  const input = FACEAPI_INPUT_NODE;
  g.nodes.push({
    name: input,
    op: 'Placeholder',
    attr: { dtype: FLOAT, shape: { shape: { dim: [-1, FACEAPI_INPUT, FACEAPI_INPUT, 3].map((s) => ({ size: String(s) })) } } },
  });
  let x = conv(input, 'conv32_down', 2, true);
  x = g.op('maxpool', 'MaxPool', [x], { ksize: window4(3), strides: window4(2), padding: { s: b64('VALID') }, data_format: NHWC });
  let size = valid(valid(FACEAPI_INPUT, 7, 2), 3, 2);
  let channels = 32;
  const stages: [string, number, number][] = [
    ['conv32', 0, 3],
    ['conv64', 64, 3],
    ['conv128', 128, 2],
    ['conv256', 256, 2],
  ];
  for (const [stage, down, repeats] of stages) {
    if (down) [x, size] = residualDown(x, `${stage}_down`, size, channels, (channels = down));
    for (let i = 1; i <= repeats; i++) x = residual(x, `${stage}_${i}`);
  }
  [x, size] = residualDown(x, 'conv256_down_out', size, channels, channels);
  const pooled = g.op('global_avg', 'Mean', [x, g.ints('global_avg/axes', [2], [1, 2])], { Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } });
  const fc = g.const('fc', shapeOf('fc'), 'DT_FLOAT');
  g.op(FACEAPI_OUTPUT_NODE, 'MatMul', [pooled, fc], { transpose_a: { b: false }, transpose_b: { b: false } });
}

/** face-api's weights manifest (and its .bin) -> the same network as a graph model, in memory. */
export async function faceApiGraph(manifestPath: string): Promise<GraphSource> {
  const groups = JSON.parse(await readFile(manifestPath, 'utf8')) as { paths: string[]; weights: WeightEntry[] }[];
  const weights = groups.flatMap((group) => group.weights);
  const dir = path.dirname(manifestPath);
  const shards = await Promise.all(groups.flatMap((group) => group.paths).map((p) => readFile(path.join(dir, p))));
  const shapes = new Map(weights.map((w) => [w.name, w.shape]));
  const g = new GraphWriter();
  writeNetwork(g, (name) => {
    const shape = shapes.get(name);
    if (!shape) throw new CelebError('backbone', `${manifestPath}: no weight named ${name}; is @vladmandic/face-api's recognition model intact?`);
    return shape;
  });
  const extra = new Uint8Array(Int32Array.from(g.extraData).buffer);
  return {
    json: { format: 'graph-model', modelTopology: { node: g.nodes, versions: {} }, weightsManifest: [{ paths: [], weights: [...weights, ...g.extraSpecs] }] },
    weightData: Buffer.concat([...shards, extra]),
  };
}
