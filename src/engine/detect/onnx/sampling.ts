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
  const { data, width, height } = image;
  const out = new Float32Array(size * size * 3);
  const clamp = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  const lefts = new Int32Array(size);
  const rights = new Int32Array(size);
  const lxs = new Float64Array(size);
  for (let x = 0; x < size; x++) {
    const fx = clamp(((x + 0.5) * width) / size - 0.5, width - 1);
    lefts[x] = Math.floor(fx);
    rights[x] = Math.min(width - 1, lefts[x] + 1);
    lxs[x] = fx - lefts[x];
  }
  for (let y = 0; y < size; y++) {
    const fy = clamp(((y + 0.5) * height) / size - 0.5, height - 1);
    const top = Math.floor(fy);
    const bottom = Math.min(height - 1, top + 1);
    const ly = fy - top;
    for (let x = 0; x < size; x++) {
      const tl = (top * width + lefts[x]) * 3;
      const tr = (top * width + rights[x]) * 3;
      const bl = (bottom * width + lefts[x]) * 3;
      const br = (bottom * width + rights[x]) * 3;
      const lx = lxs[x];
      const o = (y * size + x) * 3;
      const m = (y * size + size - 1 - x) * 3;
      for (let c = 0; c < 3; c++) {
        const t = data[tl + c] + (data[tr + c] - data[tl + c]) * lx;
        const b = data[bl + c] + (data[br + c] - data[bl + c]) * lx;
        const value = (t + (b - t) * ly) * scale + shift;
        out[o + c] = value;
        if (mirror) mirror[m + c] = value;
      }
    }
  }
  return out;
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
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const fx = x0 + u * ux + v * vx;
      const fy = y0 + u * uy + v * vy;
      if (fx <= -1 || fy <= -1 || fx >= width || fy >= height) continue; // wholly outside: stays black
      const left = Math.floor(fx);
      const top = Math.floor(fy);
      const lx = fx - left;
      const ly = fy - top;
      const o = (v * size + u) * 3;
      if (left >= 0 && top >= 0 && left + 1 < width && top + 1 < height) {
        // The common case, all four neighbours inside: no bounds checks per channel.
        const tl = (top * width + left) * 3;
        const bl = tl + width * 3;
        for (let c = 0; c < 3; c++) {
          const t = data[tl + c] + (data[tl + 3 + c] - data[tl + c]) * lx;
          const b = data[bl + c] + (data[bl + 3 + c] - data[bl + c]) * lx;
          out[o + c] = (t + (b - t) * ly) / 255;
        }
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
