/**
 * Training's extras on an aligned face: augmented views (torchvision-style, on tfjs), the crop
 * as bytes for sample pairing, and the embedding of a pixel-averaged pair. Loaded only when a
 * training run asks for them, so answering photos never loads tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import type { ViewRecipe } from '../augment/recipe.js';
import { applyRecipe, pairAverage } from '../augment/transforms.js';
import type { Backbone } from '../backbones/backbone.js';
import { faceFromBytes, type FacePixels } from '../image/face-pixels.js';

const toTensor = (face: FacePixels) => tf.tensor4d(face.data, [1, face.height, face.width, 3]);

async function toPixels(t: tf.Tensor4D): Promise<FacePixels> {
  const [, height, width] = t.shape;
  return { data: (await t.data()) as Float32Array, width, height };
}

/** Embeddings of `recipes` applied to the face, in order. */
export async function embedViews(backbone: Backbone, face: FacePixels, recipes: readonly ViewRecipe[]): Promise<Float32Array[]> {
  const size = backbone.spec.inputSize;
  const views = tf.tidy(() => {
    const crop = toTensor(face);
    return recipes.map((r) => applyRecipe(crop, r, size));
  });
  try {
    return await backbone.embed(await Promise.all(views.map(toPixels)));
  } finally {
    for (const v of views) v.dispose();
  }
}

/** Sample pairing: the embedding of the pixel average of two crops kept as bytes (`faceToBytes`). */
export async function embedPair(backbone: Backbone, a: Uint8Array, b: Uint8Array): Promise<Float32Array> {
  const size = backbone.spec.inputSize;
  const mixed = tf.tidy(() => pairAverage(toTensor(faceFromBytes(a, size, size)), toTensor(faceFromBytes(b, size, size))));
  try {
    return (await backbone.embed([await toPixels(mixed)]))[0];
  } finally {
    mixed.dispose();
  }
}
