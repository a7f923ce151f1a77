/**
 * A float graph in ONNX's QDQ form, which onnxruntime runs on its integer kernels (QLinearConv,
 * VNNI on this project's CPUs). Pure: the activation ranges come from calibration
 * (`activationRanges`), the weights from the graph.
 *
 * - Convolution weights: int8, symmetric, one scale per output channel.
 * - Activations read by a Conv, Add, MaxPool, AveragePool or Relu: uint8, one scale and zero
 *   point per tensor, from their calibrated range (which always holds 0).
 * - Convolution biases: int32 at the input scale times the weight scale, as QLinearConv wants.
 * Everything else (the input transpose, the pooling to a vector, the final matrix product)
 * stays float.
 *
 * Measured (README, "Int8: measured, not shipped"): faceapi agrees with float at cosine 0.9996
 * median and runs in 4.3 ms a face instead of 6.7; faceres at 0.9954 (0.9969 with its first 3
 * convolutions float), 7.5 ms instead of 13.7. Neither kept the gallery's rank-1 within 0.3
 * points, so the shipped model stays float.
 */
import type { OnnxGraph, OnnxNode } from './graph.js';

/** Bump when `quantizeGraph`'s output changes, so cached int8 conversions are rebuilt. */
export const QUANTIZER_VERSION = 1;

/** Per activation tensor: the [min, max] it is quantised over. */
export type ActivationRanges = ReadonlyMap<string, readonly [number, number]>;

/** Ops whose activation inputs are quantised (first input; both of an Add). */
const QUANTISED = new Set(['Conv', 'Add', 'MaxPool', 'AveragePool', 'Relu']);

/** How many of a node's leading inputs are activations to quantise: none unless its op is quantised. */
const quantisedInputCount = (n: OnnxNode): number => (!QUANTISED.has(n.op) ? 0 : n.op === 'Add' ? 2 : 1);

/**
 * The [min, max] of each tensor's values at `percentile` (and its mirror at the low end),
 * widened to hold 0 so that 0 is exact (zero padding, ReLU). `samples`: per tensor, its values
 * over the calibration inputs.
 */
export function activationRanges(samples: ReadonlyMap<string, readonly Float32Array[]>, percentile = 0.99999): Map<string, [number, number]> {
  const ranges = new Map<string, [number, number]>();
  for (const [name, parts] of samples) {
    const values = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      values.set(p, at);
      at += p.length;
    }
    values.sort();
    const last = values.length - 1;
    ranges.set(name, [Math.min(0, values[Math.floor((1 - percentile) * last)]), Math.max(0, values[Math.ceil(percentile * last)])]);
  }
  return ranges;
}

/** uint8 scale and zero point for a range holding 0. */
function uint8Params([lo, hi]: readonly [number, number]): { scale: number; zeroPoint: number } {
  const scale = Math.max(hi - lo, 1e-8) / 255;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-lo / scale))) };
}

/** Per output channel: int8 weights and their scales (max |w| maps to 127). */
export function quantizeWeights(w: Float32Array, outChannels: number): { values: Int8Array; scales: Float32Array } {
  const per = w.length / outChannels;
  const values = new Int8Array(w.length);
  const scales = new Float32Array(outChannels);
  for (let c = 0; c < outChannels; c++) {
    let max = 0;
    for (let i = 0; i < per; i++) max = Math.max(max, Math.abs(w[c * per + i]));
    scales[c] = Math.max(max, 1e-12) / 127;
    for (let i = 0; i < per; i++) values[c * per + i] = Math.round(w[c * per + i] / scales[c]);
  }
  return { values, scales };
}

/** The activations `quantizeGraph` quantises (those read by a quantised op), in graph order: what calibration measures. */
export function quantisedActivations(g: OnnxGraph): string[] {
  const produced = new Set(g.nodes.flatMap((n) => n.outputs));
  const read = g.nodes.flatMap((n) => n.inputs.slice(0, quantisedInputCount(n)));
  return [...new Set(read.filter((x) => produced.has(x)))];
}

/** The QDQ graph of `g`: a new graph, `g` untouched. Tensors without a range stay float. */
export function quantizeGraph(g: OnnxGraph, ranges: ActivationRanges): OnnxGraph {
  const q: OnnxGraph = { nodes: [], initializers: new Map(g.initializers), inputs: g.inputs, outputs: g.outputs };
  const produced = new Set(g.nodes.flatMap((n) => n.outputs));
  const dequantized = new Map<string, string>();
  const emit = (op: string, inputs: string[], output: string, attrs: OnnxNode['attrs'] = {}) => q.nodes.push({ op, inputs, outputs: [output], attrs });

  /** The activation through QuantizeLinear -> DequantizeLinear (one pair per tensor, shared by its readers). */
  const throughUint8 = (value: string): string => {
    const known = dequantized.get(value);
    if (known) return known;
    const range = ranges.get(value);
    if (!range || !produced.has(value)) return value;
    const { scale, zeroPoint } = uint8Params(range);
    q.initializers.set(`${value}/scale`, { dims: [], data: Float32Array.of(scale) });
    q.initializers.set(`${value}/zero`, { dims: [], data: Uint8Array.of(zeroPoint) });
    emit('QuantizeLinear', [value, `${value}/scale`, `${value}/zero`], `${value}/q`);
    emit('DequantizeLinear', [`${value}/q`, `${value}/scale`, `${value}/zero`], `${value}/dq`);
    dequantized.set(value, `${value}/dq`);
    return `${value}/dq`;
  };

  for (const n of g.nodes) {
    if (!QUANTISED.has(n.op)) {
      q.nodes.push({ ...n, inputs: [...n.inputs] });
      continue;
    }
    const inputs = n.inputs.map((x, k) => (k < quantisedInputCount(n) ? throughUint8(x) : x));
    if (n.op === 'Conv' && inputs[0] !== n.inputs[0]) {
      const w = q.initializers.get(n.inputs[1]);
      if (w?.data instanceof Float32Array) {
        const out = w.dims[0];
        const { values, scales } = quantizeWeights(w.data, out);
        const name = `${n.outputs[0]}/w8`;
        q.initializers.set(name, { dims: w.dims, data: values });
        q.initializers.set(`${name}/scale`, { dims: [out], data: scales });
        q.initializers.set(`${name}/zero`, { dims: [out], data: new Int8Array(out) });
        emit('DequantizeLinear', [name, `${name}/scale`, `${name}/zero`], `${name}/dq`, { axis: { int: 0 } });
        inputs[1] = `${name}/dq`;
        const bias = n.inputs[2] ? q.initializers.get(n.inputs[2])?.data : undefined;
        if (bias instanceof Float32Array) {
          const inputScale = uint8Params(ranges.get(n.inputs[0])!).scale;
          const biasScales = Float32Array.from(scales, (s) => s * inputScale);
          const b = `${n.outputs[0]}/b32`;
          q.initializers.set(b, { dims: [out], data: Int32Array.from(bias, (v, c) => Math.round(v / biasScales[c])) });
          q.initializers.set(`${b}/scale`, { dims: [out], data: biasScales });
          q.initializers.set(`${b}/zero`, { dims: [out], data: new Int32Array(out) });
          emit('DequantizeLinear', [b, `${b}/scale`, `${b}/zero`], `${b}/dq`, { axis: { int: 0 } });
          inputs[2] = `${b}/dq`;
        }
      }
    }
    q.nodes.push({ ...n, inputs });
  }
  q.nodes = topologicalOrder(q);
  // The float weights the int8 ones replace are read by nothing now (onnxruntime warns of each).
  const read = new Set(q.nodes.flatMap((n) => n.inputs));
  for (const name of q.initializers.keys()) if (!read.has(name)) q.initializers.delete(name);
  return q;
}

/** Nodes ordered so each comes after the producers of its inputs (the Q/DQ pairs were appended where first needed). */
function topologicalOrder(g: OnnxGraph): OnnxNode[] {
  const available = new Set([...g.inputs.map((i) => i.name), ...g.initializers.keys(), '']);
  const ordered: OnnxNode[] = [];
  let pending = g.nodes;
  while (pending.length) {
    const later: OnnxNode[] = [];
    for (const n of pending) {
      if (n.inputs.every((i) => available.has(i))) {
        ordered.push(n);
        n.outputs.forEach((o) => available.add(o));
      } else later.push(n);
    }
    if (later.length === pending.length) throw new Error(`quantizeGraph: ${later.length} nodes wait on inputs nothing makes`);
    pending = later;
  }
  return ordered;
}
