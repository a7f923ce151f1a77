/** Measures a face's size, sharpness and brightness on its aligned crop (quality.ts says what they mean). */
import * as tf from '@tensorflow/tfjs';
import type { Box } from '../box.js';
import type { FaceQuality } from './quality.js';

const SIDE = 112;

/** Measures one aligned crop ([1, h, w, 3], 0..1). */
export function measureQuality(crop: tf.Tensor4D, box: Box): FaceQuality {
  const [sharpness, brightness] = tf.tidy(() => {
    const grey = tf.mul<tf.Tensor4D>(tf.mean(tf.image.resizeBilinear(crop, [SIDE, SIDE]), 3, true), 255);
    const laplacian = tf.conv2d(grey, tf.tensor4d([0, 1, 0, 1, -4, 1, 0, 1, 0], [3, 3, 1, 1]), 1, 'valid');
    const centre = tf.slice(grey, [0, SIDE / 4, SIDE / 4, 0], [1, SIDE / 2, SIDE / 2, 1]);
    return [tf.moments(laplacian).variance.dataSync()[0], tf.mean(centre).dataSync()[0] / 255];
  });
  return { sizePx: Math.min(box[2], box[3]), sharpness, brightness };
}
