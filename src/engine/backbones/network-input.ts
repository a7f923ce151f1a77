/**
 * A backbone's input batch, written from aligned face crops (values 0..1). Pure functions.
 *
 * `fitInto` does in one pass what fitting (image/face-pixels.ts `cropCentre` or `resizeFace`)
 * then `preprocessInto` do in two: each resampled value is rounded to float32, as the fitted
 * face stored it, then normalised with the same arithmetic. So the batch is bit-identical
 * (tested), without the fitted face's array or a second walk over it.
 */
import { cropAxis, resizeAxis, type FacePixels, type SampleAxis } from '../image/face-pixels.js';
import type { BackboneSpec, Preprocess } from './spec.js';

/** `out[c] = in[from[c]] * scale[c] + shift[c]`: the same value as `(in * 255 - mean) / std`, up to float rounding. */
interface ChannelMap {
  bgr: boolean;
  scale: [number, number, number];
  shift: [number, number, number];
}

function channelMap(p: Preprocess): ChannelMap {
  const mean = typeof p.mean === 'number' ? [p.mean, p.mean, p.mean] : p.mean;
  const std = typeof p.std === 'number' ? [p.std, p.std, p.std] : p.std;
  return {
    bgr: p.channelOrder === 'bgr',
    scale: [255 / std[0], 255 / std[1], 255 / std[2]],
    shift: [-mean[0] / std[0], -mean[1] / std[1], -mean[2] / std[2]],
  };
}

/**
 * Network input from a face already at the network's size: `x = (pixel255 - mean) / std` per
 * channel, optionally BGR, written into `out` at `offset`; `mirrored` writes the face's mirror
 * image instead (rows reversed).
 */
export function preprocessInto(face: FacePixels, p: Preprocess, out: Float32Array, offset: number, mirrored = false): void {
  const { bgr, scale, shift } = channelMap(p);
  const [f0, f2] = bgr ? [2, 0] : [0, 2];
  const { data, width, height } = face;
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++) {
      const i = row + x * 3;
      const o = offset + row + (mirrored ? width - 1 - x : x) * 3;
      out[o] = data[i + f0] * scale[0] + shift[0];
      out[o + 1] = data[i + 1] * scale[1] + shift[1];
      out[o + 2] = data[i + f2] * scale[2] + shift[2];
    }
  }
}

/** How a crop is fitted to the network: its centre cut to the margin, or the whole crop resized (half-pixel centres with `+flip`, so resizing commutes with mirroring). */
function fitAxes(crop: FacePixels, spec: BackboneSpec): [SampleAxis, SampleAxis] {
  const size = spec.inputSize;
  const m = spec.preprocess.cropMargin ?? 0;
  if (m > 0) return [cropAxis(crop.width, m, size), cropAxis(crop.height, m, size)];
  const half = spec.mirrorAverage === true;
  return [resizeAxis(crop.width, size, half), resizeAxis(crop.height, size, half)];
}

/**
 * The crop fitted to `spec`'s input and normalised, written at `offset` (inputSize² x 3 values),
 * and its mirror image at `mirrorOffset` when given. Every value of both is written.
 */
export function fitInto(crop: FacePixels, spec: BackboneSpec, out: Float32Array, offset: number, mirrorOffset: number | null): void {
  const [xs, ys] = fitAxes(crop, spec);
  const { bgr, scale, shift } = channelMap(spec.preprocess);
  const [s0, s1, s2] = scale;
  const [b0, b1, b2] = shift;
  const size = spec.inputSize;
  const src = crop.data;
  const w = crop.width;
  for (let y = 0; y < size; y++) {
    const row = y * size * 3;
    const rowInside = ys.inside[y] === 1;
    const top = ys.lo[y] * w;
    const bottom = ys.hi[y] * w;
    const fy = ys.frac[y];
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      if (rowInside && xs.inside[x] === 1) {
        // face-pixels.ts `blend`, value for value.
        const fx = xs.frac[x];
        const tl = (top + xs.lo[x]) * 3;
        const tr = (top + xs.hi[x]) * 3;
        const bl = (bottom + xs.lo[x]) * 3;
        const br = (bottom + xs.hi[x]) * 3;
        let t = src[tl] + (src[tr] - src[tl]) * fx;
        r = Math.fround(t + (src[bl] + (src[br] - src[bl]) * fx - t) * fy);
        t = src[tl + 1] + (src[tr + 1] - src[tl + 1]) * fx;
        g = Math.fround(t + (src[bl + 1] + (src[br + 1] - src[bl + 1]) * fx - t) * fy);
        t = src[tl + 2] + (src[tr + 2] - src[tl + 2]) * fx;
        b = Math.fround(t + (src[bl + 2] + (src[br + 2] - src[bl + 2]) * fx - t) * fy);
      }
      const c0 = (bgr ? b : r) * s0 + b0;
      const c1 = g * s1 + b1;
      const c2 = (bgr ? r : b) * s2 + b2;
      const o = offset + row + x * 3;
      out[o] = c0;
      out[o + 1] = c1;
      out[o + 2] = c2;
      if (mirrorOffset !== null) {
        const m = mirrorOffset + row + (size - 1 - x) * 3;
        out[m] = c0;
        out[m + 1] = c1;
        out[m + 2] = c2;
      }
    }
  }
}
