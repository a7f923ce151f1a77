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

/**
 * One axis of a bilinear resampling: per output index, the two source indices, the weight of the
 * second, and whether the sample falls inside the source (outside reads as 0).
 */
export interface SampleAxis {
  lo: Int32Array;
  hi: Int32Array;
  frac: Float64Array;
  inside: Uint8Array;
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

/** The axis of tf.image.resizeBilinear from `from` to `to` samples (edges clamped, always inside). */
export function resizeAxis(from: number, to: number, halfPixelCentres: boolean): SampleAxis {
  const ratio = from / to;
  const t: SampleAxis = { lo: new Int32Array(to), hi: new Int32Array(to), frac: new Float64Array(to), inside: new Uint8Array(to).fill(1) };
  for (let i = 0; i < to; i++) {
    const f = halfPixelCentres ? (i + 0.5) * ratio - 0.5 : i * ratio;
    t.lo[i] = Math.max(0, Math.floor(f));
    t.hi[i] = Math.min(from - 1, Math.ceil(f));
    t.frac[i] = f - t.lo[i];
  }
  return t;
}

/** The axis of tf.image.cropAndResize over [margin, 1 - margin] of `extent` samples, to `size`. */
export function cropAxis(extent: number, margin: number, size: number): SampleAxis {
  const t: SampleAxis = { lo: new Int32Array(size), hi: new Int32Array(size), frac: new Float64Array(size), inside: new Uint8Array(size) };
  const scale = size > 1 ? ((1 - 2 * margin) * (extent - 1)) / (size - 1) : 0;
  for (let i = 0; i < size; i++) {
    const f = size > 1 ? margin * (extent - 1) + i * scale : 0.5 * (extent - 1);
    t.inside[i] = f >= 0 && f <= extent - 1 ? 1 : 0;
    t.lo[i] = Math.floor(f);
    t.hi[i] = Math.ceil(f);
    t.frac[i] = f - t.lo[i];
  }
  return t;
}

/** The face resampled along two axes, bilinear, 0 where a sample falls outside. */
function resample(face: FacePixels, xs: SampleAxis, ys: SampleAxis): FacePixels {
  const [width, height] = [xs.lo.length, ys.lo.length];
  const src = face.data;
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    if (!ys.inside[y]) continue;
    const top = ys.lo[y] * face.width;
    const bottom = ys.hi[y] * face.width;
    const fy = ys.frac[y];
    for (let x = 0; x < width; x++) {
      if (xs.inside[x]) blend(src, top + xs.lo[x], top + xs.hi[x], bottom + xs.lo[x], bottom + xs.hi[x], xs.frac[x], fy, out, (y * width + x) * 3);
    }
  }
  return { data: out, width, height };
}

/** tf.image.resizeBilinear(face, [height, width], false, halfPixelCentres). */
export function resizeFace(face: FacePixels, width: number, height: number, halfPixelCentres = false): FacePixels {
  return resample(face, resizeAxis(face.width, width, halfPixelCentres), resizeAxis(face.height, height, halfPixelCentres));
}

/** tf.image.cropAndResize(face, [[margin, margin, 1 - margin, 1 - margin]], [0], [size, size]): the centre, bilinear, 0 outside. */
export function cropCentre(face: FacePixels, margin: number, size: number): FacePixels {
  return resample(face, cropAxis(face.width, margin, size), cropAxis(face.height, margin, size));
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
