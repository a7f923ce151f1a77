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
 */
export function rotatedCrop(image: Rgb, box: readonly [number, number, number, number], angle: number, center: Point, size: number): Float32Array {
  const { data, width, height } = image;
  const out = new Float32Array(size * size * 3);
  const [sin, cos] = [Math.sin(angle), Math.cos(angle)];
  // tfjs takes the centre as a fraction of the image and multiplies it back.
  const [cx, cy] = [width * (center[0] / width), height * (center[1] / height)];
  /** Offset of pixel (x, y) of the rotated image in `data`, or -1 where it is black. */
  const source = (x: number, y: number): number => {
    if (angle === 0) return (y * width + x) * 3;
    const u = Math.round((x - cx) * cos - (y - cy) * sin + cx);
    const v = Math.round((x - cx) * sin + (y - cy) * cos + cy);
    return u >= 0 && u < width && v >= 0 && v < height ? (v * width + u) * 3 : -1;
  };
  const value = (offset: number, c: number) => (offset < 0 ? 0 : data[offset + c]);
  const [y1, x1, y2, x2] = [box[1] / height, box[0] / width, box[3] / height, box[2] / width];
  const hs = ((y2 - y1) * (height - 1)) / (size - 1);
  const ws = ((x2 - x1) * (width - 1)) / (size - 1);
  for (let y = 0; y < size; y++) {
    const fy = y1 * (height - 1) + y * hs;
    if (fy < 0 || fy > height - 1) continue; // extrapolation value 0
    const top = Math.floor(fy);
    const bottom = Math.ceil(fy);
    const ly = fy - top;
    for (let x = 0; x < size; x++) {
      const fx = x1 * (width - 1) + x * ws;
      if (fx < 0 || fx > width - 1) continue;
      const left = Math.floor(fx);
      const right = Math.ceil(fx);
      const lx = fx - left;
      const [tl, tr, bl, br] = [source(left, top), source(right, top), source(left, bottom), source(right, bottom)];
      const o = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) {
        const t = value(tl, c) + (value(tr, c) - value(tl, c)) * lx;
        const b = value(bl, c) + (value(br, c) - value(bl, c)) * lx;
        out[o + c] = (t + (b - t) * ly) / 255;
      }
    }
  }
  return out;
}
