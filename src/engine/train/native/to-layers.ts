/** Typed-array head weights into a tfjs layers model of the same architecture (heads.ts). */
import * as tf from '@tensorflow/tfjs';
import type { DenseHeadWeights } from './dense-head.js';

export function toLayersModel(model: tf.LayersModel, head: DenseHeadWeights): tf.LayersModel {
  const tensors = head.layers.flatMap((l) => [tf.tensor2d(l.kernel, [l.inputs, l.units]), tf.tensor1d(l.bias)]);
  model.setWeights(tensors);
  tensors.forEach((t) => t.dispose());
  return model;
}
