/**
 * The detector's two image resamplings, in plain loops over the RGB bytes: the photo squashed
 * to the detector's input, and the aligned face cut out. Both are bilinear in continuous pixel
 * coordinates, so they commute with mirroring (detect/onnx/symmetric.ts). Done here rather than
 * with tfjs ops so no whole-photo tensor is made: only the 256 px and 192 px outputs are computed.
 */
import type { Point } from './blazeface-decode.js';

export interface Rgb {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Bilinear resize with half-pixel centres (output pixel i samples source position
 * (i + 0.5) * width / size - 0.5, clamped to the edge), then `x * scale + shift`. Unlike
 * tfjs's default it commutes with mirroring: the resized mirror image is the mirrored resize,
 * which is also written to `mirror` (size x size x 3) when given.
 */
export function resizeCentred(image: Rgb, size: number, scale: number, shift: number, mirror?: Float32Array): Float32Array {
  const out = new Float32Array(size * size * 3);
  resizeCentredInto(image, size, scale, shift, out, mirror ?? null);
  return out;
}

/** `resizeCentred` into arrays the caller owns (every value of both is written). */
export function resizeCentredInto(image: Rgb, size: number, scale: number, shift: number, out: Float32Array, mirror: Float32Array | null): void {
  const { data, width, height } = image;
  const clamp = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  // Per output column: byte offsets of the left and right source pixels, and the right one's weight.
  const lefts = new Int32Array(size);
  const rights = new Int32Array(size);
  const lxs = new Float64Array(size);
  for (let x = 0; x < size; x++) {
    const fx = clamp(((x + 0.5) * width) / size - 0.5, width - 1);
    const left = Math.floor(fx);
    lefts[x] = left * 3;
    rights[x] = Math.min(width - 1, left + 1) * 3;
    lxs[x] = fx - left;
  }
  for (let y = 0; y < size; y++) {
    const fy = clamp(((y + 0.5) * height) / size - 0.5, height - 1);
    const top = Math.floor(fy);
    const topRow = top * width * 3;
    const bottomRow = Math.min(height - 1, top + 1) * width * 3;
    const ly = fy - top;
    const rowOut = y * size * 3;
    for (let x = 0; x < size; x++) {
      const tl = topRow + lefts[x];
      const tr = topRow + rights[x];
      const bl = bottomRow + lefts[x];
      const br = bottomRow + rights[x];
      const lx = lxs[x];
      let t = data[tl] + (data[tr] - data[tl]) * lx;
      let b = data[bl] + (data[br] - data[bl]) * lx;
      const v0 = (t + (b - t) * ly) * scale + shift;
      t = data[tl + 1] + (data[tr + 1] - data[tl + 1]) * lx;
      b = data[bl + 1] + (data[br + 1] - data[bl + 1]) * lx;
      const v1 = (t + (b - t) * ly) * scale + shift;
      t = data[tl + 2] + (data[tr + 2] - data[tl + 2]) * lx;
      b = data[bl + 2] + (data[br + 2] - data[bl + 2]) * lx;
      const v2 = (t + (b - t) * ly) * scale + shift;
      const o = rowOut + x * 3;
      out[o] = v0;
      out[o + 1] = v1;
      out[o + 2] = v2;
      if (mirror !== null) {
        const m = rowOut + (size - 1 - x) * 3;
        mirror[m] = v0;
        mirror[m + 1] = v1;
        mirror[m + 2] = v2;
      }
    }
  }
}

/** Where and how a face is cut out: a square of `side` pixels about `centre`, turned by `angle` (radians, the face's roll). */
export interface FaceAlignment {
  centre: Point;
  side: number;
  angle: number;
}

/**
 * The aligned face as size x size RGB, values 0..1: output pixel (u, v) samples the image
 * bilinearly at centre + side * R(angle) * ((u + 0.5) / size - 0.5, (v + 0.5) / size - 0.5) in
 * continuous pixel coordinates (pixel i spans [i, i + 1]), black outside the image. Every step is
 * symmetric, so the crop of a mirrored image at the mirrored alignment (centre x -> width - x,
 * angle -> -angle) is exactly the mirrored crop.
 */
export function alignedCrop(image: Rgb, alignment: FaceAlignment, size: number): Float32Array {
  const { data, width, height } = image;
  const out = new Float32Array(size * size * 3);
  const step = alignment.side / size;
  const [ux, uy] = [Math.cos(alignment.angle) * step, Math.sin(alignment.angle) * step]; // one output column
  const [vx, vy] = [-uy, ux]; // one output row
  const half = size / 2 - 0.5;
  // Source position of output pixel (0, 0), in sample-index units (pixel centre = index).
  const x0 = alignment.centre[0] - 0.5 - half * (ux + vx);
  const y0 = alignment.centre[1] - 0.5 - half * (uy + vy);
  const at = (x: number, y: number, c: number) => (x < 0 || y < 0 || x >= width || y >= height ? 0 : data[(y * width + x) * 3 + c]);
  const stride = width * 3;
  for (let v = 0; v < size; v++) {
    const [rowX, rowY] = [v * vx, v * vy];
    for (let u = 0; u < size; u++) {
      const fx = x0 + u * ux + rowX;
      const fy = y0 + u * uy + rowY;
      if (fx <= -1 || fy <= -1 || fx >= width || fy >= height) continue; // wholly outside: stays black
      const left = Math.floor(fx);
      const top = Math.floor(fy);
      const lx = fx - left;
      const ly = fy - top;
      const o = (v * size + u) * 3;
      if (left >= 0 && top >= 0 && left + 1 < width && top + 1 < height) {
        // The common case, all four neighbours inside: no bounds checks, channels unrolled.
        const tl = (top * width + left) * 3;
        const bl = tl + stride;
        let t = data[tl] + (data[tl + 3] - data[tl]) * lx;
        let b = data[bl] + (data[bl + 3] - data[bl]) * lx;
        out[o] = (t + (b - t) * ly) / 255;
        t = data[tl + 1] + (data[tl + 4] - data[tl + 1]) * lx;
        b = data[bl + 1] + (data[bl + 4] - data[bl + 1]) * lx;
        out[o + 1] = (t + (b - t) * ly) / 255;
        t = data[tl + 2] + (data[tl + 5] - data[tl + 2]) * lx;
        b = data[bl + 2] + (data[bl + 5] - data[bl + 2]) * lx;
        out[o + 2] = (t + (b - t) * ly) / 255;
        continue;
      }
      for (let c = 0; c < 3; c++) {
        const t = at(left, top, c) + (at(left + 1, top, c) - at(left, top, c)) * lx;
        const b = at(left, top + 1, c) + (at(left + 1, top + 1, c) - at(left, top + 1, c)) * lx;
        out[o + c] = (t + (b - t) * ly) / 255;
      }
    }
  }
  return out;
}
