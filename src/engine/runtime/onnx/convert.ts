/**
 * tfjs graph model (model.json + weights) -> ONNX model bytes. Pure: no file I/O here
 * (cache.ts reads and writes). Only the nodes the requested outputs depend on are converted,
 * so unused heads (faceres's age and gender) cost nothing and need no support.
 */
import { Context, refuse, type TfNode, type Value } from './context.js';
import { encodeModel, type OnnxGraph } from './graph.js';
import { OPS } from './ops.js';
import { optimise } from './optimise.js';
import { quantizeGraph, type ActivationRanges } from './quantize.js';
import { decodeWeights, type WeightEntry } from './weights.js';

/** Bump when the converter's output changes, so cached conversions are rebuilt. */
export const CONVERTER_VERSION = 2;

export interface GraphModelJson {
  format?: string;
  modelTopology: { node: TfNode[]; versions?: { producer?: number } };
  weightsManifest: { paths: string[]; weights: WeightEntry[] }[];
}

/** A graph model in memory: model.json's content and its weight bytes (all shards, in order). */
export interface GraphSource {
  json: GraphModelJson;
  weightData: Uint8Array;
}

/** The converted graph before encoding (what calibration runs and the quantiser rewrites). */
export interface ConvertedGraph {
  graph: OnnxGraph;
  /** The ONNX graph input (NHWC, same name as the tfjs Placeholder). */
  input: string;
  /** Rewrites made by the optimiser (for tests and logs). */
  rewrites: number;
}

export interface Converted {
  onnx: Uint8Array;
  /** The ONNX graph input (NHWC, same name as the tfjs Placeholder). */
  input: string;
  /** Rewrites made by the optimiser (for tests and logs). */
  rewrites: number;
}

/** Nodes the outputs depend on, inputs before their consumers. */
function neededInOrder(byName: Map<string, TfNode>, outputs: string[]): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    const node = byName.get(name) ?? refuse(`the graph has no node named "${name}"`);
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') refuse(`the graph has a cycle through ${name}`);
    state.set(name, 'visiting');
    for (const i of node.input ?? []) if (!i.startsWith('^')) visit(Context.ref(i));
    state.set(name, 'done');
    order.push(node);
  };
  outputs.forEach(visit);
  return order;
}

/** Ops in the needed subgraph that the table does not cover, each named once. */
export function unsupportedOps(nodes: TfNode[]): string[] {
  return [...new Set(nodes.map((n) => n.op).filter((op) => op !== 'Const' && op !== 'Placeholder' && !(op in OPS)))];
}

function placeholder(ctx: Context, n: TfNode): Value {
  const dims = (n.attr?.shape?.shape?.dim ?? []).map((d) => Number(d.size));
  ctx.graph.inputs.push({ name: n.name, shape: dims.map((d) => (d < 0 ? 'batch' : d)) });
  const v: Value = { name: n.name, rank: dims.length, nchw: false };
  return v.rank === 4 ? ctx.nchw(v) : v;
}

/** The optimised float ONNX graph of a tfjs graph model's `outputs`. */
export function convertToGraph(model: GraphModelJson, weightData: ArrayBuffer, outputs: string[]): ConvertedGraph {
  const nodes = model.modelTopology.node;
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const needed = neededInOrder(byName, outputs);
  const missing = unsupportedOps(needed);
  if (missing.length) refuse(`cannot convert to ONNX: unsupported tfjs op${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const inputs = needed.filter((n) => n.op === 'Placeholder');
  if (inputs.length !== 1) refuse(`expected one input (Placeholder), found ${inputs.length}`);

  const weights = decodeWeights(
    model.weightsManifest.flatMap((g) => g.weights),
    weightData,
  );
  const ctx = new Context(weights, new Set(nodes.filter((n) => n.op === 'Const').map((n) => n.name)));
  for (const n of needed) {
    if (n.op === 'Const') continue;
    ctx.set(n.name, n.op === 'Placeholder' ? placeholder(ctx, n) : OPS[n.op](ctx, n));
  }
  for (const name of outputs) {
    // Outputs in tfjs's layout and under the tfjs node name; the optimiser removes the Identity.
    const v = ctx.nhwc(ctx.value(name));
    const out = `${name}:out`;
    ctx.emit('Identity', [v.name], out);
    ctx.graph.outputs.push({ name: out });
  }
  const rewrites = optimise(ctx.graph);
  return { graph: ctx.graph, input: inputs[0].name, rewrites };
}

/** `convertToGraph` of a graph model held in memory (its weights as bytes, possibly a view into a larger buffer). */
export function convertSourceToGraph(source: GraphSource, outputs: string[]): ConvertedGraph {
  const w = source.weightData;
  return convertToGraph(source.json, w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer, outputs);
}

/**
 * The ONNX model bytes of a tfjs graph model's `outputs`; with `int8`, in QDQ form over those
 * calibrated activation ranges (quantize.ts), which onnxruntime runs on its integer kernels.
 */
export function convertGraphModel(model: GraphModelJson, weightData: ArrayBuffer, outputs: string[], int8?: ActivationRanges): Converted {
  return encodeConverted(convertToGraph(model, weightData, outputs), int8);
}

/** `convertGraphModel` of a graph model held in memory. */
export function convertGraphSource(source: GraphSource, outputs: string[], int8?: ActivationRanges): Converted {
  return encodeConverted(convertSourceToGraph(source, outputs), int8);
}

function encodeConverted({ graph, input, rewrites }: ConvertedGraph, int8?: ActivationRanges): Converted {
  return { onnx: encodeModel(int8 ? quantizeGraph(graph, int8) : graph, `celeb-lookalike tfjs-to-onnx ${CONVERTER_VERSION}`), input, rewrites };
}

/** The ONNX output name under which `convertGraphModel` exposes tfjs node `name`. */
export const onnxOutputName = (name: string): string => `${name}:out`;
