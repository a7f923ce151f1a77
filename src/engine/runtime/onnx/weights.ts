/**
 * tfjs weight shards -> typed arrays, de-quantised exactly the way tfjs does it
 * (tfjs-core io/io_utils decodeWeights): float16 halves widened, uint8/uint16 as q * scale + min.
 */
import { CelebError } from '../../../base/errors.js';

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number; original_dtype?: string };
}

export interface Weight {
  shape: number[];
  /** float32 weights (de-quantised) or int32 constants (shapes, axes, paddings). */
  data: Float32Array | Int32Array;
}

/** IEEE 754 half -> float, including subnormals, infinities and NaN. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const QUANTISED_BYTES: Record<string, number> = { float16: 2, uint8: 1, uint16: 2 };
const PLAIN_BYTES: Record<string, number> = { float32: 4, int32: 4 };

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Decodes every weight of a manifest from the concatenated shard bytes. */
export function decodeWeights(entries: WeightEntry[], buffer: ArrayBuffer): Map<string, Weight> {
  const out = new Map<string, Weight>();
  let offset = 0;
  for (const e of entries) {
    const n = count(e.shape);
    const q = e.quantization;
    if (q) {
      const size = QUANTISED_BYTES[q.dtype];
      if (!size || e.dtype !== 'float32') throw new CelebError('backbone', `weight ${e.name}: unsupported quantisation ${q.dtype} of ${e.dtype}`);
      const view = new DataView(buffer, offset, n * size);
      const data = new Float32Array(n);
      if (q.dtype === 'float16') {
        for (let i = 0; i < n; i++) data[i] = halfToFloat(view.getUint16(i * 2, true));
      } else {
        const [scale, min] = [q.scale ?? 1, q.min ?? 0];
        for (let i = 0; i < n; i++) data[i] = (size === 1 ? view.getUint8(i) : view.getUint16(i * 2, true)) * scale + min;
      }
      out.set(e.name, { shape: e.shape, data });
      offset += n * size;
    } else {
      const size = PLAIN_BYTES[e.dtype];
      if (!size) throw new CelebError('backbone', `weight ${e.name}: unsupported dtype ${e.dtype}`);
      const bytes = buffer.slice(offset, offset + n * size);
      out.set(e.name, { shape: e.shape, data: e.dtype === 'float32' ? new Float32Array(bytes) : new Int32Array(bytes) });
      offset += n * size;
    }
  }
  return out;
}
