/**
 * The translation context: which ONNX value stands for each tfjs tensor, in which layout, and
 * helpers the op table uses to emit nodes and constants. Activations of rank 4 are kept NCHW
 * inside the graph (ONNX's native layout, what makes onnxruntime fast); graph inputs and
 * outputs stay NHWC like the tfjs model, so callers feed and read the same tensors.
 */
import { CelebError } from '../../../base/errors.js';
import { emptyGraph, floats, int64s, type Attr, type OnnxGraph } from './graph.js';
import type { Weight } from './weights.js';

/** A tfjs node as model.json stores it (attributes are protobuf-JSON: strings base64). */
export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

export interface TfAttr {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  list?: { i?: (string | number)[]; s?: string[]; f?: number[] };
  type?: string;
  shape?: { dim?: { size: string | number }[] };
  /** A Const's value; its data is in the weights, only dtype and shape are here. */
  tensor?: { dtype: string; tensorShape: { dim?: { size: string | number }[] } };
}

/** An ONNX value; rank-4 values carry their layout. */
export interface Value {
  name: string;
  rank: number;
  nchw: boolean;
}

/** NHWC axis -> NCHW axis. */
export const NHWC_TO_NCHW_AXIS = [0, 2, 3, 1];

export const refuse = (message: string): never => {
  throw new CelebError('backbone', message);
};

export class Context {
  readonly graph: OnnxGraph = emptyGraph();
  private readonly values = new Map<string, Value>();
  private counter = 0;

  constructor(
    readonly weights: Map<string, Weight>,
    private readonly constNames: Set<string>,
  ) {}

  /** A tfjs input reference without the `^` control marker and `:0` suffix. */
  static ref(input: string): string {
    if (input.includes(':') && !input.endsWith(':0')) refuse(`a node reads output ${input}; only single-output ops are supported`);
    return input.replace(/:0$/, '');
  }

  set(tfName: string, v: Value): Value {
    this.values.set(tfName, v);
    return v;
  }

  isConst(tfName: string): boolean {
    return this.constNames.has(Context.ref(tfName));
  }

  /** The weight of a Const input (refused when the input is computed). */
  constant(tfName: string, forWhat: string): Weight {
    const name = Context.ref(tfName);
    const w = this.constNames.has(name) ? this.weights.get(name) : undefined;
    if (!w) return refuse(`${forWhat}: input ${name} must be a constant`);
    return w;
  }

  /** Integer values of a Const (axes, shapes, paddings). */
  ints(tfName: string, forWhat: string): number[] {
    return Array.from(this.constant(tfName, forWhat).data);
  }

  /** The ONNX value of a computed input; a constant used as data becomes an initializer as is. */
  value(tfName: string): Value {
    const name = Context.ref(tfName);
    const v = this.values.get(name);
    if (v) return v;
    const w = this.constNames.has(name) ? this.weights.get(name) : undefined;
    if (!w) return refuse(`input ${name} is neither computed nor a constant`);
    return this.set(name, { name: this.floatInit(name, w.shape, Float32Array.from(w.data)), rank: w.shape.length, nchw: false });
  }

  fresh(base: string): string {
    return `${base}/_${this.counter++}`;
  }

  floatInit(base: string, dims: number[], data: Float32Array): string {
    const name = this.graph.initializers.has(base) ? this.fresh(base) : base;
    this.graph.initializers.set(name, floats(dims, data));
    return name;
  }

  int64Init(base: string, values: readonly number[]): string {
    const name = this.fresh(base);
    this.graph.initializers.set(name, int64s(values));
    return name;
  }

  emit(op: string, inputs: string[], output: string, attrs: Record<string, Attr> = {}): string {
    this.graph.nodes.push({ op, inputs, outputs: [output], attrs });
    return output;
  }

  /** A rank-4 value in NCHW, transposing it if it is NHWC. */
  nchw(v: Value): Value {
    if (v.rank !== 4) return refuse(`expected a 4-d activation, got rank ${v.rank} (${v.name})`);
    if (v.nchw) return v;
    return { name: this.emit('Transpose', [v.name], this.fresh(v.name), { perm: { ints: [0, 3, 1, 2] } }), rank: 4, nchw: true };
  }

  /** The value in tfjs's own layout (NHWC for rank 4), for ops whose axes we do not remap. */
  nhwc(v: Value): Value {
    if (!v.nchw) return v;
    return { name: this.emit('Transpose', [v.name], this.fresh(v.name), { perm: { ints: [0, 2, 3, 1] } }), rank: 4, nchw: false };
  }
}

// ---- attribute readers ----

export const attrString = (n: TfNode, key: string): string | undefined => {
  const s = n.attr?.[key]?.s;
  return s === undefined ? undefined : Buffer.from(s, 'base64').toString('utf8');
};
export const attrInts = (n: TfNode, key: string): number[] => (n.attr?.[key]?.list?.i ?? []).map(Number);
export const attrStrings = (n: TfNode, key: string): string[] => (n.attr?.[key]?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
export const attrBool = (n: TfNode, key: string): boolean => n.attr?.[key]?.b === true;
export const attrFloat = (n: TfNode, key: string): number | undefined => n.attr?.[key]?.f;
