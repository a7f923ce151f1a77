/** Pure weight re-layouts: tfjs (NHWC, HWIO) tensors -> ONNX (NCHW, OIHW). */
import type { Weight } from './weights.js';

/** Conv2D filter [kh, kw, in, out] -> [out, in, kh, kw]. */
export function hwioToOihw(w: Weight): { dims: number[]; data: Float32Array } {
  const [kh, kw, ci, co] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = w.data[((y * kw + x) * ci + i) * co + o];
  return { dims: [co, ci, kh, kw], data: out };
}

/** Depthwise filter [kh, kw, channels, multiplier] -> grouped-conv weight [channels*multiplier, 1, kh, kw]. */
export function depthwiseToOihw(w: Weight): { dims: number[]; data: Float32Array } {
  const [kh, kw, c, m] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let ch = 0; ch < c; ch++) for (let k = 0; k < m; k++) out[(ch * m + k) * kh * kw + y * kw + x] = w.data[((y * kw + x) * c + ch) * m + k];
  return { dims: [c * m, 1, kh, kw], data: out };
}

/** NHWC [n, h, w, c] data -> NCHW [n, c, h, w]. */
export function nhwcToNchw(w: Weight): { dims: number[]; data: Float32Array } {
  const [n, h, wd, c] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < wd; x++) for (let ch = 0; ch < c; ch++) out[((b * c + ch) * h + y) * wd + x] = w.data[((b * h + y) * wd + x) * c + ch];
  return { dims: [n, c, h, wd], data: out };
}

/**
 * How a constant broadcasting against an NHWC activation must look against the NCHW one:
 * a scalar stays a scalar, a per-channel vector ([c], [1,c], [1,1,c], [1,1,1,c]) becomes
 * [c,1,1], a full rank-4 tensor is transposed. Null: a shape we do not remap.
 */
export function constForNchw(w: Weight): { dims: number[]; data: Float32Array } | null {
  const data = Float32Array.from(w.data);
  const size = data.length;
  if (size === 1) return { dims: [], data };
  const last = w.shape[w.shape.length - 1];
  if (w.shape.length <= 4 && last === size) return { dims: [size, 1, 1], data };
  if (w.shape.length === 4) return nhwcToNchw({ shape: w.shape, data });
  return null;
}
