/**
 * The op table: one translation per tfjs op the supported networks use. An op not in this
 * table is refused by name (see convert.ts), so a custom backbone falls back to tfjs.
 */
import { attrBool, attrFloat, attrInts, attrString, attrStrings, Context, NHWC_TO_NCHW_AXIS, refuse, type TfNode, type Value } from './context.js';
import type { Attr } from './graph.js';
import { constForNchw, depthwiseToOihw, hwioToOihw } from './layout.js';

export type Translate = (ctx: Context, node: TfNode) => Value;

const inputs = (n: TfNode): string[] => (n.input ?? []).filter((i) => !i.startsWith('^'));
const scalarInit = (ctx: Context, base: string, v: number) => ctx.floatInit(ctx.fresh(base), [], Float32Array.of(v));

/** Window attributes of Conv and pooling: NHWC [1, h, w, 1] lists -> ONNX pairs; TF's SAME puts the odd pad at the end. */
function windowAttrs(ctx: Context, n: TfNode, key: 'strides' | 'ksize'): Record<string, Attr> {
  if ((attrString(n, 'data_format') ?? 'NHWC') !== 'NHWC') refuse(`${n.op} ${n.name}: only NHWC data_format is supported`);
  const list = attrInts(n, key);
  const attrs: Record<string, Attr> = { [key === 'strides' ? 'strides' : 'kernel_shape']: { ints: [list[1] ?? 1, list[2] ?? 1] } };
  const padding = attrString(n, 'padding');
  if (padding === 'SAME') attrs.auto_pad = { string: 'SAME_UPPER' };
  else if (padding === 'VALID') attrs.pads = { ints: [0, 0, 0, 0] };
  else if (padding === 'EXPLICIT') {
    const p = attrInts(n, 'explicit_paddings'); // [n0,n1,h0,h1,w0,w1,c0,c1]
    attrs.pads = { ints: [p[2], p[4], p[3], p[5]] };
  } else refuse(`${n.op} ${n.name}: padding ${padding} is not supported`);
  return attrs;
}

/** Conv2D, DepthwiseConv2dNative and their fused forms (BiasAdd, then Relu / Relu6 / Prelu / LeakyRelu). */
function conv(depthwise: boolean): Translate {
  return (ctx, n) => {
    const [x, filter, ...args] = inputs(n);
    const w = ctx.constant(filter, `${n.op} ${n.name}`);
    const oihw = depthwise ? depthwiseToOihw(w) : hwioToOihw(w);
    const attrs = windowAttrs(ctx, n, 'strides');
    const d = attrInts(n, 'dilations');
    attrs.dilations = { ints: [d[1] ?? 1, d[2] ?? 1] };
    if (depthwise) attrs.group = { int: w.shape[2] };
    const convInputs = [ctx.nchw(ctx.value(x)).name, ctx.floatInit(`${n.name}/W`, oihw.dims, oihw.data)];
    const fused = attrStrings(n, 'fused_ops');
    let rest = fused;
    if (fused[0] === 'BiasAdd') {
      const b = ctx.constant(args[0], `${n.op} ${n.name} bias`);
      convInputs.push(ctx.floatInit(`${n.name}/B`, [b.data.length], Float32Array.from(b.data)));
      rest = fused.slice(1);
    }
    if (rest.length > 1 || (fused.length > 0 && fused[0] !== 'BiasAdd')) refuse(`${n.op} ${n.name}: fused ops ${fused.join('+')} are not supported`);
    const out = ctx.emit('Conv', convInputs, rest.length ? `${n.name}/conv` : n.name, attrs);
    return { name: activation(ctx, n, rest[0], out, args[1]), rank: 4, nchw: true };
  };
}

/** The activation fused into a conv or matmul, applied to ONNX value `x` (rank 4 NCHW or rank 2). */
function activation(ctx: Context, n: TfNode, kind: string | undefined, x: string, alphaInput?: string): string {
  switch (kind) {
    case undefined:
      return x;
    case 'Relu':
      return ctx.emit('Relu', [x], n.name);
    case 'Relu6':
      return ctx.emit('Clip', [x, scalarInit(ctx, n.name, 0), scalarInit(ctx, n.name, 6)], n.name);
    case 'LeakyRelu':
      return ctx.emit('LeakyRelu', [x], n.name, { alpha: { float: attrFloat(n, 'leakyrelu_alpha') ?? 0.2 } });
    case 'Prelu': {
      const a = constForNchw(ctx.constant(alphaInput ?? '', `${n.op} ${n.name} prelu alpha`));
      if (!a) return refuse(`${n.op} ${n.name}: prelu alpha shape is not per-channel`);
      return ctx.emit('PRelu', [x, ctx.floatInit(`${n.name}/alpha`, a.dims, a.data)], n.name);
    }
    default:
      return refuse(`${n.op} ${n.name}: fused activation ${kind} is not supported`);
  }
}

/** Elementwise binary op; a constant operand is re-laid-out to broadcast against an NCHW activation. */
function binary(onnxOp: string): Translate {
  return (ctx, n) => {
    const [a, b] = inputs(n);
    const computed = [a, b].filter((i) => !ctx.isConst(i)).map((i) => ctx.value(i));
    const layoutNchw = computed.some((v) => v.rank === 4 && v.nchw);
    const operand = (input: string): Value => {
      if (!ctx.isConst(input)) {
        const v = ctx.value(input);
        return layoutNchw && v.rank === 4
          ? ctx.nchw(v)
          : layoutNchw
            ? refuse(`${n.op} ${n.name}: cannot broadcast rank ${v.rank} against a 4-d activation`)
            : v;
      }
      const w = ctx.constant(input, n.name);
      if (!layoutNchw) return ctx.value(input);
      const c = constForNchw(w) ?? refuse(`${n.op} ${n.name}: constant of shape [${w.shape.join(', ')}] does not broadcast per channel`);
      return { name: ctx.floatInit(`${n.name}/k`, c.dims, c.data), rank: c.dims.length, nchw: false };
    };
    const [va, vb] = [operand(a), operand(b)];
    const rank = Math.max(va.rank, vb.rank);
    // Min/Max against a scalar constant is a Clip, which onnxruntime fuses into the preceding conv.
    if ((onnxOp === 'Min' || onnxOp === 'Max') && (ctx.isConst(a) || ctx.isConst(b))) {
      const [x, k] = ctx.isConst(a) ? [vb, a] : [va, b];
      const w = ctx.constant(k, n.name);
      if (w.data.length === 1) {
        const bound = scalarInit(ctx, n.name, w.data[0]);
        return { name: ctx.emit('Clip', onnxOp === 'Min' ? [x.name, '', bound] : [x.name, bound], n.name), rank: x.rank, nchw: x.nchw };
      }
    }
    return { name: ctx.emit(onnxOp, [va.name, vb.name], n.name), rank, nchw: layoutNchw && rank === 4 };
  };
}

/** Elementwise unary op: layout passes through. */
function unary(onnxOp: string): Translate {
  return (ctx, n) => {
    const x = ctx.value(inputs(n)[0]);
    return { ...x, name: ctx.emit(onnxOp, [x.name], n.name) };
  };
}

/** NHWC reduction axes of `x` mapped to its layout; when dropping axes would reorder the result, work in NHWC. */
function reduceAxes(ctx: Context, n: TfNode, x: Value, axesInput: string, keep: boolean): { x: Value; axes: number[] } {
  const axes = ctx.ints(axesInput, `${n.op} ${n.name} axes`).map((a) => (a < 0 ? a + x.rank : a));
  if (!x.nchw) return { x, axes };
  const spatialOnly = axes.every((a) => a === 1 || a === 2) && axes.length === 2;
  if (keep || spatialOnly) return { x, axes: axes.map((a) => NHWC_TO_NCHW_AXIS[a]) };
  return { x: ctx.nhwc(x), axes };
}

function reduce(onnxOp: string, axesAsInput: boolean): Translate {
  return (ctx, n) => {
    const [input, axesInput] = inputs(n);
    const keep = attrBool(n, 'keep_dims');
    const { x, axes } = reduceAxes(ctx, n, ctx.value(input), axesInput, keep);
    const ins = axesAsInput ? [x.name, ctx.int64Init(`${n.name}/axes`, axes)] : [x.name];
    const attrs: Record<string, Attr> = { keepdims: { int: keep ? 1 : 0 }, ...(axesAsInput ? {} : { axes: { ints: axes } }) };
    const rank = keep ? x.rank : x.rank - axes.length;
    return { name: ctx.emit(onnxOp, ins, n.name, attrs), rank, nchw: x.nchw && rank === 4 };
  };
}

function pool(onnxOp: string): Translate {
  return (ctx, n) => {
    const x = ctx.nchw(ctx.value(inputs(n)[0]));
    return { name: ctx.emit(onnxOp, [x.name], n.name, { ...windowAttrs(ctx, n, 'ksize'), ...windowAttrs(ctx, n, 'strides') }), rank: 4, nchw: true };
  };
}

const pad: Translate = (ctx, n) => {
  const [input, paddings, constant] = inputs(n);
  const x = ctx.value(input);
  const p = ctx.ints(paddings, `Pad ${n.name} paddings`); // [[before, after] per NHWC axis]
  const axisOrder = x.nchw ? [0, 3, 1, 2] : Array.from({ length: x.rank }, (_, i) => i);
  const pads = [...axisOrder.map((a) => p[2 * a]), ...axisOrder.map((a) => p[2 * a + 1])];
  const ins = [x.name, ctx.int64Init(`${n.name}/pads`, pads)];
  if (constant) ins.push(scalarInit(ctx, n.name, ctx.constant(constant, `Pad ${n.name} value`).data[0]));
  return { ...x, name: ctx.emit('Pad', ins, n.name, { mode: { string: 'constant' } }) };
};

const reshape: Translate = (ctx, n) => {
  const [input, shapeInput] = inputs(n);
  const x = ctx.nhwc(ctx.value(input)); // tfjs reshapes in NHWC order
  const shape = ctx.ints(shapeInput, `Reshape ${n.name} shape`);
  return { name: ctx.emit('Reshape', [x.name, ctx.int64Init(`${n.name}/shape`, shape)], n.name), rank: shape.length, nchw: false };
};

const squeeze: Translate = (ctx, n) => {
  const v = ctx.value(inputs(n)[0]);
  const dims = attrInts(n, 'squeeze_dims').map((a) => (a < 0 ? a + v.rank : a));
  const spatial = v.nchw && dims.length === 2 && dims.every((a) => a === 1 || a === 2);
  const x = spatial ? v : ctx.nhwc(v);
  const axes = spatial ? dims.map((a) => NHWC_TO_NCHW_AXIS[a]) : dims;
  const ins = axes.length ? [x.name, ctx.int64Init(`${n.name}/axes`, axes)] : [x.name];
  return { name: ctx.emit('Squeeze', ins, n.name), rank: axes.length ? x.rank - axes.length : -1, nchw: false };
};

/** MatMul and _FusedMatMul (BiasAdd, then Relu) on 2-d inputs -> Gemm. */
const matmul: Translate = (ctx, n) => {
  const [a, b, ...args] = inputs(n);
  const x = ctx.value(a);
  if (x.rank !== 2) refuse(`${n.op} ${n.name}: only 2-d inputs are supported`);
  const attrs: Record<string, Attr> = { transA: { int: attrBool(n, 'transpose_a') ? 1 : 0 }, transB: { int: attrBool(n, 'transpose_b') ? 1 : 0 } };
  const ins = [x.name, ctx.value(b).name];
  const fused = attrStrings(n, 'fused_ops');
  if (fused[0] === 'BiasAdd') ins.push(ctx.value(args[0]).name);
  const rest = fused[0] === 'BiasAdd' ? fused.slice(1) : fused;
  if (rest.length > 1 || (fused.length && fused[0] !== 'BiasAdd')) refuse(`${n.op} ${n.name}: fused ops ${fused.join('+')} are not supported`);
  const out = ctx.emit('Gemm', ins, rest.length ? `${n.name}/gemm` : n.name, attrs);
  return { name: activation(ctx, n, rest[0], out, args[1]), rank: 2, nchw: false };
};

const lastAxis =
  (onnxOp: string): Translate =>
  (ctx, n) => {
    const x = ctx.nhwc(ctx.value(inputs(n)[0]));
    return { ...x, name: ctx.emit(onnxOp, [x.name], n.name, { axis: { int: -1 } }) };
  };

export const OPS: Readonly<Record<string, Translate>> = {
  Identity: (ctx, n) => ctx.value(inputs(n)[0]),
  Conv2D: conv(false),
  _FusedConv2D: conv(false),
  DepthwiseConv2dNative: conv(true),
  FusedDepthwiseConv2dNative: conv(true),
  Add: binary('Add'),
  AddV2: binary('Add'),
  BiasAdd: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  RealDiv: binary('Div'),
  Maximum: binary('Max'),
  Minimum: binary('Min'),
  Relu: unary('Relu'),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  Abs: unary('Abs'),
  Sqrt: unary('Sqrt'),
  Exp: unary('Exp'),
  Neg: unary('Neg'),
  Rsqrt: (ctx, n) => {
    const x = ctx.value(inputs(n)[0]);
    return { ...x, name: ctx.emit('Reciprocal', [ctx.emit('Sqrt', [x.name], `${n.name}/sqrt`)], n.name) };
  },
  Square: (ctx, n) => {
    const x = ctx.value(inputs(n)[0]);
    return { ...x, name: ctx.emit('Mul', [x.name, x.name], n.name) };
  },
  Relu6: (ctx, n) => {
    const x = ctx.value(inputs(n)[0]);
    return { ...x, name: activation(ctx, n, 'Relu6', x.name) };
  },
  Prelu: (ctx, n) => {
    const [input, alpha] = inputs(n);
    const x = ctx.nchw(ctx.value(input));
    return { ...x, name: activation(ctx, n, 'Prelu', x.name, alpha) };
  },
  MaxPool: pool('MaxPool'),
  AvgPool: pool('AveragePool'),
  Pad: pad,
  PadV2: pad,
  Mean: reduce('ReduceMean', false),
  Sum: reduce('ReduceSum', true),
  Reshape: reshape,
  Squeeze: squeeze,
  MatMul: matmul,
  _FusedMatMul: matmul,
  Softmax: lastAxis('Softmax'),
};
