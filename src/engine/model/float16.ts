/**
 * IEEE 754 half precision for prototypes on disk: half the size of float32, and the cosine
 * between a face and a prototype changes by less than 1e-3 (tested). Node 20 has no
 * Float16Array, so this converts through the bit patterns.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // inf, NaN
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow -> 0
    mantissa |= 0x800000;
    const shift = 14 - e;
    const rounded = (mantissa >> shift) + ((mantissa >> (shift - 1)) & 1);
    return sign | rounded;
  }
  const rounded = mantissa + 0x1000; // round half up on the 13 dropped bits
  if (rounded & 0x800000) {
    mantissa = 0;
    e += 1;
    if (e >= 0x1f) return sign | 0x7c00;
  } else {
    mantissa = rounded;
  }
  return sign | (e << 10) | (mantissa >> 13);
}

export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** Float32 values -> little-endian float16 bytes. */
export function encodeFloat16(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, toFloat16Bits(values[i]), true);
  return out;
}

/** Every float16 bit pattern's value: 256 KB, made on first use; decoding is then one lookup per value. */
let table: Float32Array | null = null;

/** Little-endian float16 bytes -> Float32Array. */
export function decodeFloat16(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 2 !== 0) throw new Error(`float16 data has ${bytes.byteLength} bytes, not a multiple of 2`);
  table ??= Float32Array.from({ length: 65536 }, (_, h) => fromFloat16Bits(h));
  const lookup = table;
  const out = new Float32Array(bytes.byteLength / 2);
  for (let i = 0, b = 0; i < out.length; i++, b += 2) out[i] = lookup[bytes[b] | (bytes[b + 1] << 8)];
  return out;
}
