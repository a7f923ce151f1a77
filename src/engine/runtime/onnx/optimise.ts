/**
 * Peephole rewrites on the translated graph, the ones that matter for these networks:
 * a zero Pad folded into the following convolution, per-channel Mul/Add/Sub by a constant
 * folded into the preceding convolution's weights and bias (batch norm left unfused by the
 * export), Relu/Clip chains merged into one Clip (which onnxruntime fuses into the conv), and
 * residual paths kept in onnxruntime's blocked layout (a channel Pad as a conv; widen.ts).
 */
import type { Initializer, OnnxGraph, OnnxNode } from './graph.js';
import { widenChannels } from './widen.js';

const floatsOf = (g: OnnxGraph, name: string): Float32Array | null => {
  const t = g.initializers.get(name);
  return t && t.data instanceof Float32Array ? t.data : null;
};

/** Per-output-channel values of a constant: a scalar or [c,1,1] against a conv with c outputs. */
function perChannel(t: Initializer | undefined, channels: number): Float32Array | null {
  if (!t || !(t.data instanceof Float32Array)) return null;
  if (t.data.length === 1) return new Float32Array(channels).fill(t.data[0]);
  const shapeOk = t.dims.length === 3 && t.dims[0] === channels && t.dims[1] === 1 && t.dims[2] === 1;
  return shapeOk ? t.data : null;
}

interface Index {
  producer: Map<string, OnnxNode>;
  consumers: Map<string, number>;
  outputs: Set<string>;
}

function index(g: OnnxGraph): Index {
  const producer = new Map<string, OnnxNode>();
  const consumers = new Map<string, number>();
  for (const n of g.nodes) {
    for (const o of n.outputs) producer.set(o, n);
    for (const i of n.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  }
  return { producer, consumers, outputs: new Set(g.outputs.map((o) => o.name)) };
}

/** `node` reads a value made by a Conv used only here: the Conv may absorb `node`. */
function soleConv(ix: Index, value: string): OnnxNode | null {
  const p = ix.producer.get(value);
  return p && p.op === 'Conv' && ix.consumers.get(value) === 1 && !ix.outputs.has(value) ? p : null;
}

/** Rewrites `node` away: its consumers read `replacement` instead (and graph outputs keep their names). */
function bypass(g: OnnxGraph, node: OnnxNode, replacement: OnnxNode): void {
  replacement.outputs = [node.outputs[0]];
  g.nodes.splice(g.nodes.indexOf(node), 1);
}

function foldIntoConv(g: OnnxGraph, ix: Index, node: OnnxNode): boolean {
  if (!['Mul', 'Add', 'Sub'].includes(node.op)) return false;
  const [a, b] = node.inputs;
  const convFirst = soleConv(ix, a);
  const conv = convFirst ?? (node.op !== 'Sub' ? soleConv(ix, b) : null);
  if (!conv) return false;
  const weightName = conv.inputs[1];
  const w = floatsOf(g, weightName);
  const channels = g.initializers.get(weightName)?.dims[0] ?? 0;
  const k = perChannel(g.initializers.get(convFirst ? b : a), channels);
  if (!w || !k) return false;
  const perOut = w.length / channels;
  const bias = conv.inputs[2] ? floatsOf(g, conv.inputs[2])! : new Float32Array(channels);
  const scaledW = new Float32Array(w);
  const newBias = new Float32Array(bias);
  for (let c = 0; c < channels; c++) {
    if (node.op === 'Mul') {
      for (let i = 0; i < perOut; i++) scaledW[c * perOut + i] *= k[c];
      newBias[c] *= k[c];
    } else newBias[c] += node.op === 'Add' ? k[c] : -k[c];
  }
  // Fresh initializers: the originals may be shared with another node.
  const wName = `${weightName}/f${g.nodes.indexOf(node)}`;
  const bName = `${conv.outputs[0]}/bias${g.nodes.indexOf(node)}`;
  g.initializers.set(wName, { dims: g.initializers.get(weightName)!.dims, data: scaledW });
  g.initializers.set(bName, { dims: [channels], data: newBias });
  conv.inputs = [conv.inputs[0], wName, bName];
  bypass(g, node, conv);
  return true;
}

function foldPadIntoConv(g: OnnxGraph, ix: Index, node: OnnxNode): boolean {
  if (node.op !== 'Conv' || node.attrs.auto_pad) return false;
  const padNode = ix.producer.get(node.inputs[0]);
  if (!padNode || padNode.op !== 'Pad' || ix.consumers.get(padNode.outputs[0]) !== 1 || ix.outputs.has(padNode.outputs[0])) return false;
  const value = padNode.inputs[2] ? floatsOf(g, padNode.inputs[2])?.[0] : 0;
  const pads = g.initializers.get(padNode.inputs[1])?.data;
  if (value !== 0 || !(pads instanceof BigInt64Array) || pads.length !== 8) return false;
  const p = Array.from(pads, Number); // [n0, c0, h0, w0, n1, c1, h1, w1]
  if (p[0] || p[1] || p[4] || p[5]) return false;
  const old = 'pads' in node.attrs && 'ints' in node.attrs.pads ? node.attrs.pads.ints : [0, 0, 0, 0];
  node.attrs.pads = { ints: [old[0] + p[2], old[1] + p[3], old[2] + p[6], old[3] + p[7]] };
  node.inputs = [padNode.inputs[0], ...node.inputs.slice(1)];
  g.nodes.splice(g.nodes.indexOf(padNode), 1);
  return true;
}

/**
 * A zero Pad that only adds channels, read by an Add whose other input is a Conv's output,
 * becomes a 1x1 Conv with identity weights: the same values (x * 1 plus zeros), but a Conv
 * keeps onnxruntime's blocked (NCHWc) layout, so the Add and the Relu after it fuse into the
 * other Conv. With the Pad, every residual block after it ran in plain NCHW, converting its
 * tensors back and forth (BlazeFace: 0.9 ms of its 4.6 ms).
 */
function channelPadToConv(g: OnnxGraph, ix: Index, node: OnnxNode): boolean {
  if (node.op !== 'Pad' || ix.outputs.has(node.outputs[0])) return false;
  const value = node.inputs[2] ? floatsOf(g, node.inputs[2])?.[0] : 0;
  const pads = g.initializers.get(node.inputs[1])?.data;
  if (value !== 0 || !(pads instanceof BigInt64Array) || pads.length !== 8) return false;
  const p = Array.from(pads, Number); // [n0, c0, h0, w0, n1, c1, h1, w1]
  if (p[0] || p[1] || p[2] || p[3] || p[4] || p[6] || p[7] || p[5] <= 0) return false;
  const readers = g.nodes.filter((n) => n.inputs.includes(node.outputs[0]));
  if (readers.length !== 1 || readers[0].op !== 'Add') return false;
  const other = readers[0].inputs.find((i) => i !== node.outputs[0]);
  const conv = other ? ix.producer.get(other) : undefined;
  const outChannels = conv?.op === 'Conv' ? g.initializers.get(conv.inputs[1])?.dims[0] : undefined;
  if (!outChannels || outChannels <= p[5]) return false;
  const inChannels = outChannels - p[5];
  const weights = new Float32Array(outChannels * inChannels);
  for (let c = 0; c < inChannels; c++) weights[c * inChannels + c] = 1;
  const wName = `${node.outputs[0]}/identity`;
  g.initializers.set(wName, { dims: [outChannels, inChannels, 1, 1], data: weights });
  node.op = 'Conv';
  node.inputs = [node.inputs[0], wName];
  node.attrs = { kernel_shape: { ints: [1, 1] }, strides: { ints: [1, 1] }, pads: { ints: [0, 0, 0, 0] } };
  return true;
}

/** Relu -> Clip, Clip -> Clip and Clip -> Relu become one Clip with the tighter bounds. */
function mergeClips(g: OnnxGraph, ix: Index, node: OnnxNode): boolean {
  if (node.op !== 'Clip' && node.op !== 'Relu') return false;
  const prev = ix.producer.get(node.inputs[0]);
  if (!prev || (prev.op !== 'Clip' && prev.op !== 'Relu') || ix.consumers.get(prev.outputs[0]) !== 1 || ix.outputs.has(prev.outputs[0])) return false;
  const bounds = (n: OnnxNode): [number, number] | null => {
    if (n.op === 'Relu') return [0, Infinity];
    const lo = n.inputs[1] ? floatsOf(g, n.inputs[1])?.[0] : -Infinity;
    const hi = n.inputs[2] ? floatsOf(g, n.inputs[2])?.[0] : Infinity;
    return lo === undefined || hi === undefined ? null : [lo, hi];
  };
  const [a, b] = [bounds(prev), bounds(node)];
  if (!a || !b) return false;
  const [lo, hi] = [Math.max(a[0], b[0]), Math.min(a[1], b[1])];
  const at = g.nodes.indexOf(node);
  const loName = `${node.outputs[0]}/lo${at}`;
  const hiName = `${node.outputs[0]}/hi${at}`;
  g.initializers.set(loName, { dims: [], data: Float32Array.of(lo) });
  g.initializers.set(hiName, { dims: [], data: Float32Array.of(Math.min(hi, 3.4e38)) });
  prev.op = 'Clip';
  prev.inputs = [prev.inputs[0], loName, hiName];
  prev.attrs = {};
  bypass(g, node, prev);
  return true;
}

function dropUnusedInitializers(g: OnnxGraph): void {
  const used = new Set(g.nodes.flatMap((n) => n.inputs));
  for (const name of g.initializers.keys()) if (!used.has(name)) g.initializers.delete(name);
}

/** Applies the rewrites until none applies; returns how many were made. */
export function optimise(g: OnnxGraph): number {
  let rewrites = 0;
  for (let changed = true; changed;) {
    changed = false;
    for (const node of [...g.nodes]) {
      if (!g.nodes.includes(node)) continue; // removed by an earlier rewrite in this sweep
      const ix = index(g);
      if (foldPadIntoConv(g, ix, node) || foldIntoConv(g, ix, node) || mergeClips(g, ix, node) || channelPadToConv(g, ix, node)) {
        changed = true;
        rewrites++;
      }
    }
  }
  rewrites += widenChannels(g);
  dropUnusedInitializers(g);
  return rewrites;
}
