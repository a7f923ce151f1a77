/**
 * An aligned face as plain numbers, and the few resamplings the networks' inputs need, written
 * as loops with the arithmetic of the tfjs kernels they replace (resizeBilinear, cropAndResize),
 * so embeddings are the same to float rounding. With these, a thread that runs the networks on
 * onnxruntime never loads tfjs. Pure functions.
 */

/** RGB, row-major, values 0..1. */
export interface FacePixels {
  data: Float32Array;
  width: number;
  height: number;
}

/** Per output index: the two source indices and the weight of the second, for one axis. */
interface Taps {
  lo: Int32Array;
  hi: Int32Array;
  frac: Float64Array;
}

/** One output pixel: the 4 source pixels (indices) mixed bilinearly, written at `o`. Hot: no allocation, no inner loop. */
function blend(src: Float32Array, tl: number, tr: number, bl: number, br: number, fx: number, fy: number, out: Float32Array, o: number): void {
  const a = tl * 3;
  const b = tr * 3;
  const c = bl * 3;
  const d = br * 3;
  for (let k = 0; k < 3; k++) {
    const top = src[a + k] + (src[b + k] - src[a + k]) * fx;
    out[o + k] = top + (src[c + k] + (src[d + k] - src[c + k]) * fx - top) * fy;
  }
}

function taps(from: number, to: number, halfPixelCentres: boolean): Taps {
  const ratio = from / to;
  const t: Taps = { lo: new Int32Array(to), hi: new Int32Array(to), frac: new Float64Array(to) };
  for (let i = 0; i < to; i++) {
    const f = halfPixelCentres ? (i + 0.5) * ratio - 0.5 : i * ratio;
    t.lo[i] = Math.max(0, Math.floor(f));
    t.hi[i] = Math.min(from - 1, Math.ceil(f));
    t.frac[i] = f - t.lo[i];
  }
  return t;
}

/** tf.image.resizeBilinear(face, [height, width], false, halfPixelCentres). */
export function resizeFace(face: FacePixels, width: number, height: number, halfPixelCentres = false): FacePixels {
  const [xs, ys] = [taps(face.width, width, halfPixelCentres), taps(face.height, height, halfPixelCentres)];
  const src = face.data;
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const top = ys.lo[y] * face.width;
    const bottom = ys.hi[y] * face.width;
    const fy = ys.frac[y];
    for (let x = 0; x < width; x++) {
      blend(src, top + xs.lo[x], top + xs.hi[x], bottom + xs.lo[x], bottom + xs.hi[x], xs.frac[x], fy, out, (y * width + x) * 3);
    }
  }
  return { data: out, width, height };
}

/** tf.image.cropAndResize(face, [[margin, margin, 1 - margin, 1 - margin]], [0], [size, size]): the centre, bilinear, 0 outside. */
export function cropCentre(face: FacePixels, margin: number, size: number): FacePixels {
  const axis = (extent: number) => {
    const lo = new Int32Array(size);
    const hi = new Int32Array(size);
    const frac = new Float64Array(size);
    const inside = new Uint8Array(size);
    const scale = size > 1 ? ((1 - 2 * margin) * (extent - 1)) / (size - 1) : 0;
    for (let i = 0; i < size; i++) {
      const f = size > 1 ? margin * (extent - 1) + i * scale : 0.5 * (extent - 1);
      inside[i] = f >= 0 && f <= extent - 1 ? 1 : 0;
      lo[i] = Math.floor(f);
      hi[i] = Math.ceil(f);
      frac[i] = f - lo[i];
    }
    return { lo, hi, frac, inside };
  };
  const [xs, ys] = [axis(face.width), axis(face.height)];
  const src = face.data;
  const out = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    if (!ys.inside[y]) continue;
    const top = ys.lo[y] * face.width;
    const bottom = ys.hi[y] * face.width;
    for (let x = 0; x < size; x++) {
      if (xs.inside[x]) blend(src, top + xs.lo[x], top + xs.hi[x], bottom + xs.lo[x], bottom + xs.hi[x], xs.frac[x], ys.frac[y], out, (y * size + x) * 3);
    }
  }
  return { data: out, width: size, height: size };
}

/** RGB rows (8-bit or float) flipped left-right: a copy of the same type. One loop for photos, crops and network inputs. */
export function mirrorRgb<T extends Uint8Array | Float32Array>(data: T, width: number, height: number): T {
  const out = data.slice() as T;
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++) {
      const [from, to] = [row + x * 3, row + (width - 1 - x) * 3];
      out[to] = data[from];
      out[to + 1] = data[from + 1];
      out[to + 2] = data[from + 2];
    }
  }
  return out;
}

/** 8-bit RGB (a decoded photo) as a face, values 0..1. */
export const faceFromBytes = (data: Uint8Array, width: number, height: number): FacePixels => ({
  data: Float32Array.from(data, (v) => v / 255),
  width,
  height,
});

/** The face at `size` x `size` as 8-bit RGB (training's sample pairing stores crops so). */
export function faceToBytes(face: FacePixels, size: number): Uint8Array {
  const fitted = face.width === size && face.height === size ? face : resizeFace(face, size, size);
  return Uint8Array.from(fitted.data, (v) => Math.max(0, Math.min(255, Math.round(v * 255))));
}
