/**
 * Channel counts rounded up to onnxruntime's block of 16 where a residual path needs it.
 *
 * onnxruntime's blocked layout (NCHWc, 16 channels a block with AVX-512) pools and adds only
 * whole blocks. BlazeFace's 24-channel stage therefore max-pooled and added in plain NCHW,
 * converting every block's tensors out of and back into the blocked layout. Here such a group
 * of values (joined by Add, MaxPool, Relu/Clip and depthwise convs) gets zero channels up to a
 * multiple of 16: zero filters and biases where a conv makes them, zero weights where a conv
 * reads them. A zero channel stays zero through every op of the group, and contributes 0 to
 * the convs that read it, so the real channels' values are unchanged (to float rounding, as
 * the adds then fuse into the convs).
 */
import type { OnnxGraph, OnnxNode } from './graph.js';

const BLOCK = 16;

const weightDims = (g: OnnxGraph, conv: OnnxNode): number[] => g.initializers.get(conv.inputs[1])?.dims ?? [];

function isDepthwise(g: OnnxGraph, n: OnnxNode): boolean {
  const groups = n.attrs.group;
  return n.op === 'Conv' && groups !== undefined && 'int' in groups && groups.int > 1 && weightDims(g, n)[1] === 1;
}

/** Ops whose output channel c depends on input channel c only, and maps 0 to 0 (a Clip only if its range holds 0). */
function keepsZeros(g: OnnxGraph, n: OnnxNode): boolean {
  if (n.op === 'Relu' || n.op === 'MaxPool' || n.op === 'Add') return true;
  if (n.op !== 'Clip') return false;
  const bound = (name: string | undefined, fallback: number) => (name ? g.initializers.get(name)?.data[0] : fallback);
  const [lo, hi] = [bound(n.inputs[1], -Infinity), bound(n.inputs[2], Infinity)];
  return typeof lo === 'number' && typeof hi === 'number' && lo <= 0 && hi >= 0;
}

/**
 * The values that must widen together with `seed`, or null when one of them meets an op that
 * could not take extra channels (a reshape, a graph output, a plain Pad).
 */
function group(g: OnnxGraph, seed: string, producer: Map<string, OnnxNode>, readers: Map<string, OnnxNode[]>): Set<string> | null {
  const values = new Set([seed]);
  const outputs = new Set(g.outputs.map((o) => o.name));
  const todo = [seed];
  const join = (v: string) => {
    if (values.has(v)) return;
    values.add(v);
    todo.push(v);
  };
  while (todo.length) {
    const v = todo.pop()!;
    if (outputs.has(v)) return null;
    const made = producer.get(v);
    if (!made) return null; // a graph input
    if (made.op === 'Conv') {
      if (isDepthwise(g, made)) join(made.inputs[0]);
    } else if (keepsZeros(g, made)) {
      (made.op === 'Add' ? made.inputs : made.inputs.slice(0, 1)).forEach(join);
    } else return null;
    for (const r of readers.get(v) ?? []) {
      if (r.op === 'Conv' && r.inputs[0] === v) {
        if (isDepthwise(g, r)) join(r.outputs[0]);
      } else if (keepsZeros(g, r)) {
        if (r.op === 'Add') r.inputs.forEach(join);
        join(r.outputs[0]);
      } else return null;
    }
  }
  return values;
}

/** A copy of OIHW weights with `out` x `in` filters, the old ones in place, the rest zero. */
function padWeights(w: Float32Array, dims: number[], out: number, inPerGroup: number): Float32Array {
  const [o, i, kh, kw] = dims;
  const k = kh * kw;
  const padded = new Float32Array(out * inPerGroup * k);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) padded.set(w.subarray((a * i + b) * k, (a * i + b + 1) * k), (a * inPerGroup + b) * k);
  return padded;
}

/** Widens every group of values whose channel count is not a multiple of 16; returns how many groups. */
export function widenChannels(g: OnnxGraph): number {
  const producer = new Map<string, OnnxNode>();
  const readers = new Map<string, OnnxNode[]>();
  for (const n of g.nodes) {
    for (const o of n.outputs) producer.set(o, n);
    for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n]);
  }
  const done = new Set<string>();
  let widened = 0;
  for (const conv of g.nodes.filter((n) => n.op === 'Conv' && !isDepthwise(g, n))) {
    const channels = weightDims(g, conv)[0];
    const v = conv.outputs[0];
    if (!channels || channels % BLOCK === 0 || done.has(v)) continue;
    // Only where a residual path needs it: a conv read only by convs is blocked already.
    if ((readers.get(v) ?? []).every((r) => r.op === 'Conv')) continue;
    const values = group(g, v, producer, readers);
    if (!values) continue;
    values.forEach((x) => done.add(x));
    const wide = Math.ceil(channels / BLOCK) * BLOCK;
    const makers = new Set([...values].map((x) => producer.get(x)!).filter((n) => n.op === 'Conv'));
    const consumers = new Set([...values].flatMap((x) => readers.get(x) ?? []).filter((n) => n.op === 'Conv' && !makers.has(n)));
    if ([...makers].some((n) => weightDims(g, n)[0] !== channels) || [...consumers].some((n) => weightDims(g, n)[1] !== channels)) continue;
    for (const n of makers) {
      const inPerGroup = isDepthwise(g, n) ? 1 : values.has(n.inputs[0]) ? wide : weightDims(g, n)[1];
      widenConv(g, n, wide, inPerGroup, isDepthwise(g, n));
    }
    for (const n of consumers) widenConv(g, n, weightDims(g, n)[0], wide, false);
    widened++;
  }
  return widened;
}

/** Gives `conv` fresh weights (and bias) of `out` filters over `inPerGroup` channels; a depthwise conv's group follows. */
function widenConv(g: OnnxGraph, conv: OnnxNode, out: number, inPerGroup: number, depthwise: boolean): void {
  const w = g.initializers.get(conv.inputs[1])!;
  const wName = `${conv.outputs[0]}/wide-weights`; // per conv: two convs sharing weights may widen differently
  g.initializers.set(wName, { dims: [out, inPerGroup, w.dims[2], w.dims[3]], data: padWeights(w.data as Float32Array, w.dims, out, inPerGroup) });
  const inputs = [conv.inputs[0], wName];
  const bias = conv.inputs[2] ? (g.initializers.get(conv.inputs[2])?.data as Float32Array | undefined) : undefined;
  if (bias || out !== w.dims[0]) {
    const b = new Float32Array(out);
    if (bias) b.set(bias);
    const bName = `${conv.outputs[0]}/wide-bias`;
    g.initializers.set(bName, { dims: [out], data: b });
    inputs.push(bName);
  }
  conv.inputs = inputs;
  if (depthwise) conv.attrs.group = { int: out };
}
