/** Measures a face's size, sharpness and brightness on its aligned crop (quality.ts says what they mean). Pure. */
import type { Box } from '../../base/box.js';
import { resizeAxis, type FacePixels } from '../image/face-pixels.js';
import type { FaceQuality } from './quality.js';

const SIDE = 112;

/** Measures one aligned crop: the grey crop at 112 px, its Laplacian's variance, its centre's brightness. */
export function measureQuality(crop: FacePixels, box: Box): FaceQuality {
  const grey = greyAt(crop, SIDE);
  // The 4-neighbour Laplacian over the 'valid' interior; its population variance.
  let [sum, squares, n] = [0, 0, 0];
  for (let y = 1; y < SIDE - 1; y++) {
    for (let x = 1; x < SIDE - 1; x++) {
      const i = y * SIDE + x;
      const l = grey[i - SIDE] + grey[i + SIDE] + grey[i - 1] + grey[i + 1] - 4 * grey[i];
      sum += l;
      squares += l * l;
      n++;
    }
  }
  const mean = sum / n;
  let centre = 0;
  for (let y = SIDE / 4; y < (3 * SIDE) / 4; y++) for (let x = SIDE / 4; x < (3 * SIDE) / 4; x++) centre += grey[y * SIDE + x];
  return { sizePx: Math.min(box[2], box[3]), sharpness: squares / n - mean * mean, brightness: centre / (SIDE / 2) ** 2 / 255 };
}

/**
 * The crop resized to side x side as grey levels 0..255: `resizeFace` then the channels' mean,
 * in one pass with the same arithmetic (each channel rounded to float32, as the resized face
 * stored it), so the measures are unchanged.
 */
function greyAt(crop: FacePixels, side: number): Float64Array {
  const [xs, ys] = [resizeAxis(crop.width, side, false), resizeAxis(crop.height, side, false)];
  const src = crop.data;
  const grey = new Float64Array(side * side);
  for (let y = 0; y < side; y++) {
    const top = ys.lo[y] * crop.width;
    const bottom = ys.hi[y] * crop.width;
    const fy = ys.frac[y];
    for (let x = 0; x < side; x++) {
      const fx = xs.frac[x];
      const tl = (top + xs.lo[x]) * 3;
      const tr = (top + xs.hi[x]) * 3;
      const bl = (bottom + xs.lo[x]) * 3;
      const br = (bottom + xs.hi[x]) * 3;
      let sum = 0;
      for (let c = 0; c < 3; c++) {
        const t = src[tl + c] + (src[tr + c] - src[tl + c]) * fx;
        sum += Math.fround(t + (src[bl + c] + (src[br + c] - src[bl + c]) * fx - t) * fy);
      }
      grey[y * side + x] = (sum / 3) * 255;
    }
  }
  return grey;
}
