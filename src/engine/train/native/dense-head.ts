/**
 * The original design's heads as typed arrays: `fc1` = Linear(dim, classes); `fc2` =
 * Linear(dim, 512) -> ReLU -> Dropout(0.2) -> Linear(512, classes). Kernels are stored
 * [in x out], tfjs's dense layout, so a trained head becomes a tfjs layers model unchanged.
 * Forward keeps what backward needs; the products go through a MatMul (onnx or JavaScript).
 */
import type { TrainableHeadKind } from '../../heads/head.js';
import { seededRandom } from '../../math.js';
import { DROPOUT, HIDDEN_UNITS } from '../heads.js';
import { matrix, type Matrix, type MatMul } from './matmul.js';

/** One dense layer: kernel [inputs x units], bias [units]. */
export interface DenseLayer {
  kernel: Float32Array;
  bias: Float32Array;
  inputs: number;
  units: number;
}

export interface DenseHeadWeights {
  kind: TrainableHeadKind;
  /** fc1: [out]; fc2: [hidden, out]. */
  layers: DenseLayer[];
}

/** What a training forward pass keeps for its backward pass. */
export interface ForwardTrace {
  x: Matrix;
  /** fc2 only: hidden activations after ReLU and dropout, and the dropout's scaled mask. */
  hidden?: Matrix;
  mask?: Float32Array;
  logits: Matrix;
}

/** Glorot-uniform kernels from a seeded source (the same seed gives the same head), zero biases. */
function glorotLayer(inputs: number, units: number, random: () => number): DenseLayer {
  const limit = Math.sqrt(6 / (inputs + units));
  const kernel = new Float32Array(inputs * units);
  for (let i = 0; i < kernel.length; i++) kernel[i] = (2 * random() - 1) * limit;
  return { kernel, bias: new Float32Array(units), inputs, units };
}

export function initDenseHead(kind: TrainableHeadKind, inputDim: number, classes: number, seed: number): DenseHeadWeights {
  const random = seededRandom(seed);
  const layers =
    kind === 'fc2' ? [glorotLayer(inputDim, HIDDEN_UNITS, random), glorotLayer(HIDDEN_UNITS, classes, random)] : [glorotLayer(inputDim, classes, random)];
  return { kind, layers };
}

/** Every parameter array, in tfjs's `getWeights()` order (kernel, bias per layer). */
export const parameters = (head: DenseHeadWeights): Float32Array[] => head.layers.flatMap((l) => [l.kernel, l.bias]);

export function cloneHead(head: DenseHeadWeights): DenseHeadWeights {
  return { kind: head.kind, layers: head.layers.map((l) => ({ ...l, kernel: l.kernel.slice(), bias: l.bias.slice() })) };
}

async function dense(mm: MatMul, x: Matrix, layer: DenseLayer): Promise<Matrix> {
  const out = await mm.product(x, matrix(layer.kernel, layer.inputs, layer.units));
  const { data } = out;
  for (let r = 0; r < out.rows; r++) for (let j = 0; j < layer.units; j++) data[r * layer.units + j] += layer.bias[j];
  return out;
}

/** A dropout mask already divided by the keep probability (inverted dropout, as tfjs and PyTorch). */
export function dropoutMask(size: number, rate: number, random: () => number): Float32Array {
  const mask = new Float32Array(size);
  const keep = 1 - rate;
  for (let i = 0; i < size; i++) mask[i] = random() < keep ? 1 / keep : 0;
  return mask;
}

/**
 * Logits of a batch. `dropout` (training only, fc2): a source for the mask, or the mask itself
 * (tests compare against tfjs with the same mask).
 */
export async function forward(mm: MatMul, head: DenseHeadWeights, x: Matrix, dropout?: (() => number) | Float32Array): Promise<ForwardTrace> {
  if (head.kind === 'fc1') return { x, logits: await dense(mm, x, head.layers[0]) };
  const hidden = await dense(mm, x, head.layers[0]);
  const h = hidden.data;
  let mask: Float32Array | undefined;
  if (dropout) mask = dropout instanceof Float32Array ? dropout : dropoutMask(h.length, DROPOUT, dropout);
  for (let i = 0; i < h.length; i++) {
    const relu = h[i] > 0 ? h[i] : 0;
    h[i] = mask ? relu * mask[i] : relu;
  }
  return { x, hidden, mask, logits: await dense(mm, hidden, head.layers[1]) };
}

function columnSums(g: Matrix): Float32Array {
  const out = new Float32Array(g.cols);
  for (let r = 0; r < g.rows; r++) for (let j = 0; j < g.cols; j++) out[j] += g.data[r * g.cols + j];
  return out;
}

/** Gradients of every parameter (in `parameters()` order) from d(loss)/d(logits). */
export async function backward(mm: MatMul, head: DenseHeadWeights, trace: ForwardTrace, dLogits: Float32Array): Promise<Float32Array[]> {
  const g = matrix(dLogits, trace.logits.rows, trace.logits.cols);
  if (head.kind === 'fc1') return [(await mm.product(trace.x, g, true)).data, columnSums(g)];
  const last = head.layers[1];
  const hidden = trace.hidden!;
  const dKernel2 = (await mm.product(hidden, g, true)).data;
  const dBias2 = columnSums(g);
  const dHidden = await mm.product(g, matrix(last.kernel, last.inputs, last.units), false, true);
  const d = dHidden.data;
  // Through dropout and ReLU: zero where the unit was dropped or inactive (hidden is post-mask).
  for (let i = 0; i < d.length; i++) d[i] = hidden.data[i] > 0 ? d[i] * (trace.mask ? trace.mask[i] : 1) : 0;
  return [(await mm.product(trace.x, dHidden, true)).data, columnSums(dHidden), dKernel2, dBias2];
}
