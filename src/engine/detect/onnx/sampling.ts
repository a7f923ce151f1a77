/**
 * The two image resamplings of Human's detector, in plain loops over the RGB bytes, with the
 * arithmetic of tfjs's kernels (resizeBilinear without corner alignment; rotateWithOffset's
 * nearest-pixel rotation followed by cropAndResize's bilinear sampling). Done here rather than
 * with tfjs ops so no whole-photo tensor is made: only the 256 px and 192 px outputs are computed.
 */
import type { Point } from './blazeface-decode.js';

export interface Rgb {
  data: Uint8Array;
  width: number;
  height: number;
}

/** tf.image.resizeBilinear(image, [size, size]) (alignCorners and halfPixelCenters false), then `x * scale + shift`. */
export function resizeBilinear(image: Rgb, size: number, scale: number, shift: number): Float32Array {
  const { data, width, height } = image;
  const out = new Float32Array(size * size * 3);
  const [sy, sx] = [height / size, width / size];
  for (let y = 0; y < size; y++) {
    const fy = y * sy;
    const top = Math.floor(fy);
    const bottom = Math.min(height - 1, top + 1);
    const ly = fy - top;
    for (let x = 0; x < size; x++) {
      const fx = x * sx;
      const left = Math.floor(fx);
      const right = Math.min(width - 1, left + 1);
      const lx = fx - left;
      const [tl, tr, bl, br] = [(top * width + left) * 3, (top * width + right) * 3, (bottom * width + left) * 3, (bottom * width + right) * 3];
      const o = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) {
        const t = data[tl + c] + (data[tr + c] - data[tl + c]) * lx;
        const b = data[bl + c] + (data[br + c] - data[bl + c]) * lx;
        out[o + c] = (t + (b - t) * ly) * scale + shift;
      }
    }
  }
  return out;
}

/**
 * Human's aligned face: the image rotated by `angle` about `center` (nearest pixel, black
 * outside, as tf.image.rotateWithOffset), then the box [x0, y0, x1, y1] sampled bilinearly
 * to size x size (as tf.image.cropAndResize, 0 outside), values 0..1.
 * Written as flat loops with per-row and per-column terms computed once: this runs for every
 * face of every photo, and a closure per pixel made it cost as much as the mesh network.
 */
export function rotatedCrop(image: Rgb, box: readonly [number, number, number, number], angle: number, center: Point, size: number): Float32Array {
  const { data, width, height } = image;
  const out = new Float32Array(size * size * 3);
  const sin = Math.sin(angle);
  const cos = Math.cos(angle);
  const rotate = angle !== 0;
  // tfjs takes the centre as a fraction of the image and multiplies it back.
  const cx = width * (center[0] / width);
  const cy = height * (center[1] / height);
  const y1 = box[1] / height;
  const x1 = box[0] / width;
  const hs = ((box[3] / height - y1) * (height - 1)) / (size - 1);
  const ws = ((box[2] / width - x1) * (width - 1)) / (size - 1);
  // Per output column: the two source columns, their rotation terms and the weight (left < 0: outside, stays 0).
  const left = new Int32Array(size).fill(-1);
  const right = new Int32Array(size);
  const lxs = new Float64Array(size);
  const [cosL, sinL, cosR, sinR] = [new Float64Array(size), new Float64Array(size), new Float64Array(size), new Float64Array(size)];
  for (let x = 0; x < size; x++) {
    const fx = x1 * (width - 1) + x * ws;
    if (fx < 0 || fx > width - 1) continue; // extrapolation value 0
    left[x] = Math.floor(fx);
    right[x] = Math.ceil(fx);
    lxs[x] = fx - left[x];
    [cosL[x], sinL[x], cosR[x], sinR[x]] = [(left[x] - cx) * cos, (left[x] - cx) * sin, (right[x] - cx) * cos, (right[x] - cx) * sin];
  }
  /** Offset in `data` of the rotated image's pixel whose rotation terms are given, or -1 where it is black. */
  const rotated = (xCos: number, xSin: number, ySin: number, yCos: number): number => {
    const u = Math.round(xCos - ySin + cx);
    const v = Math.round(xSin + yCos + cy);
    return u >= 0 && u < width && v >= 0 && v < height ? (v * width + u) * 3 : -1;
  };
  for (let y = 0; y < size; y++) {
    const fy = y1 * (height - 1) + y * hs;
    if (fy < 0 || fy > height - 1) continue;
    const top = Math.floor(fy);
    const bottom = Math.ceil(fy);
    const ly = fy - top;
    const [sinT, cosT, sinB, cosB] = [(top - cy) * sin, (top - cy) * cos, (bottom - cy) * sin, (bottom - cy) * cos];
    for (let x = 0; x < size; x++) {
      if (left[x] < 0) continue;
      const lx = lxs[x];
      let tl: number, tr: number, bl: number, br: number;
      if (rotate) {
        tl = rotated(cosL[x], sinL[x], sinT, cosT);
        tr = rotated(cosR[x], sinR[x], sinT, cosT);
        bl = rotated(cosL[x], sinL[x], sinB, cosB);
        br = rotated(cosR[x], sinR[x], sinB, cosB);
      } else {
        tl = (top * width + left[x]) * 3;
        tr = (top * width + right[x]) * 3;
        bl = (bottom * width + left[x]) * 3;
        br = (bottom * width + right[x]) * 3;
      }
      const o = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) {
        const vtl = tl < 0 ? 0 : data[tl + c];
        const vtr = tr < 0 ? 0 : data[tr + c];
        const vbl = bl < 0 ? 0 : data[bl + c];
        const vbr = br < 0 ? 0 : data[br + c];
        const t = vtl + (vtr - vtl) * lx;
        const b = vbl + (vbr - vbl) * lx;
        out[o + c] = (t + (b - t) * ly) / 255;
      }
    }
  }
  return out;
}
