/** Measures a face's size, sharpness and brightness on its aligned crop (quality.ts says what they mean). Pure. */
import type { Box } from '../../base/box.js';
import { resizeFace, type FacePixels } from '../image/face-pixels.js';
import type { FaceQuality } from './quality.js';

const SIDE = 112;

/** Measures one aligned crop: the grey crop at 112 px, its Laplacian's variance, its centre's brightness. */
export function measureQuality(crop: FacePixels, box: Box): FaceQuality {
  const small = resizeFace(crop, SIDE, SIDE).data;
  const grey = new Float64Array(SIDE * SIDE);
  for (let i = 0; i < grey.length; i++) grey[i] = ((small[i * 3] + small[i * 3 + 1] + small[i * 3 + 2]) / 3) * 255;
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
