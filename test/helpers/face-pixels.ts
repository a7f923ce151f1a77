/** Tests that build crops with tfjs hand them to the backbones as plain pixels. */
import type * as tf from '@tensorflow/tfjs';
import type { FacePixels } from '../../src/engine/image/face-pixels.js';

/** A [1, h, w, 3] tensor (values 0..1) as FacePixels. */
export function pixelsOf(t: tf.Tensor4D): FacePixels {
  const [, height, width] = t.shape;
  return { data: t.dataSync() as Float32Array, width, height };
}
