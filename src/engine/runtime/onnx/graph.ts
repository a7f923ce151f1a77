/**
 * The converter's in-memory ONNX graph (what translation produces and optimisation rewrites),
 * and its encoding into an ONNX ModelProto (opset 13).
 */
import { Message } from './protobuf.js';

export const OPSET = 13;

/**
 * Tensors we store: float weights, int64 shapes/axes/pads (ONNX wants int64 there), and a
 * quantised graph's int8 weights, uint8 zero points and int32 biases (quantize.ts).
 */
export interface Initializer {
  dims: number[];
  data: Float32Array | BigInt64Array | Int8Array | Uint8Array | Int32Array;
}

export type Attr = { int: number } | { ints: number[] } | { float: number } | { string: string };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
}

/** A float graph input or output; a string dimension is symbolic (the batch). */
export interface ValueInfo {
  name: string;
  /** Omitted for outputs whose shape the converter does not track. */
  shape?: (number | string)[];
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: Map<string, Initializer>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export const emptyGraph = (): OnnxGraph => ({ nodes: [], initializers: new Map(), inputs: [], outputs: [] });

export const int64s = (values: readonly number[]): Initializer => ({ dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
export const floats = (dims: number[], data: Float32Array): Initializer => ({ dims, data });

// ---- encoding (field numbers from onnx.proto) ----

const FLOAT = 1;
const INT64 = 7;
/** TensorProto.DataType of each kind of initializer data. */
function dataType(data: Initializer['data']): number {
  if (data instanceof Float32Array) return FLOAT;
  if (data instanceof BigInt64Array) return INT64;
  if (data instanceof Int8Array) return 3;
  if (data instanceof Uint8Array) return 2;
  return 6; // Int32Array
}
const ATTR_TYPE = { float: 1, int: 2, string: 3, ints: 7 } as const;

function tensorProto(name: string, t: Initializer): Message {
  const m = new Message().ints(1, t.dims).int(2, dataType(t.data)).string(8, name);
  return m.raw(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function attributeProto(name: string, a: Attr): Message {
  const m = new Message().string(1, name);
  if ('int' in a) return m.int(3, a.int).int(20, ATTR_TYPE.int);
  if ('ints' in a) return m.ints(8, a.ints).int(20, ATTR_TYPE.ints);
  if ('float' in a) return m.float(2, a.float).int(20, ATTR_TYPE.float);
  return m.string(4, a.string).int(20, ATTR_TYPE.string);
}

function nodeProto(n: OnnxNode, index: number): Message {
  const m = new Message();
  for (const i of n.inputs) m.string(1, i);
  for (const o of n.outputs) m.string(2, o);
  m.string(3, `${n.op}_${index}`).string(4, n.op);
  for (const [name, a] of Object.entries(n.attrs)) m.message(5, attributeProto(name, a));
  return m;
}

function valueInfoProto(v: ValueInfo): Message {
  const tensorType = new Message().int(1, FLOAT);
  if (v.shape) {
    const shape = new Message();
    for (const d of v.shape) shape.message(1, typeof d === 'number' ? new Message().int(1, d) : new Message().string(2, d));
    tensorType.message(2, shape);
  }
  return new Message().string(1, v.name).message(2, new Message().message(1, tensorType));
}

/** Serialises the graph as an ONNX model file. */
export function encodeModel(g: OnnxGraph, producer: string): Uint8Array {
  const graph = new Message();
  g.nodes.forEach((n, i) => graph.message(1, nodeProto(n, i)));
  graph.string(2, 'converted');
  for (const [name, t] of g.initializers) graph.message(5, tensorProto(name, t));
  for (const v of g.inputs) graph.message(11, valueInfoProto(v));
  for (const v of g.outputs) graph.message(12, valueInfoProto(v));
  return new Message()
    .int(1, 7) // IR version 7 goes with opset 13
    .string(2, producer)
    .message(7, graph)
    .message(8, new Message().string(1, '').int(2, OPSET))
    .finish();
}
