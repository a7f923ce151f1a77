/**
 * The torchvision-style transforms of the original design, on aligned face crops
 * ([1, h, w, 3] tensors, values 0..1). Each is a pure tensor function; randomness lives
 * in the recipe (recipe.ts), so applying a recipe is reproducible.
 */
import * as tf from '@tensorflow/tfjs';
import type { EraseBox, ViewRecipe } from './recipe.js';

export function resize(crop: tf.Tensor4D, size: number): tf.Tensor4D {
  return tf.tidy(() => tf.image.resizeBilinear(crop, [size, size]));
}

export function horizontalFlip(crop: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.reverse(crop, 2));
}

/** Rotation about the centre, counter-clockwise in degrees; corners are filled black like torchvision. */
export function rotate(crop: tf.Tensor4D, degrees: number): tf.Tensor4D {
  // tf.image.rotateWithOffset turns counter-clockwise for positive radians (checked in augment.test.ts).
  return tf.tidy(() => tf.image.rotateWithOffset(crop, (degrees * Math.PI) / 180, 0));
}

/** Random erasing's effect: the box (relative coordinates) is set to 0. */
export function erase(crop: tf.Tensor4D, box: EraseBox): tf.Tensor4D {
  const [, h, w] = crop.shape;
  const x0 = Math.round(box.x * w);
  const y0 = Math.round(box.y * h);
  const x1 = Math.min(w, Math.max(x0 + 1, Math.round((box.x + box.w) * w)));
  const y1 = Math.min(h, Math.max(y0 + 1, Math.round((box.y + box.h) * h)));
  return tf.tidy(() => {
    const rows = tf.logicalAnd(tf.greaterEqual(tf.range(0, h), y0), tf.less(tf.range(0, h), y1)).reshape([1, h, 1, 1]);
    const cols = tf.logicalAnd(tf.greaterEqual(tf.range(0, w), x0), tf.less(tf.range(0, w), x1)).reshape([1, 1, w, 1]);
    const keep = tf.logicalNot(tf.logicalAnd(rows, cols));
    return tf.mul(crop, tf.cast(keep, 'float32'));
  });
}

/** Sample pairing (Inoue 2018): the pixel average of two crops of the same size. */
export function pairAverage(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.div(tf.add(a, b), 2));
}

/** Resize, then flip, rotate and erase as the recipe says. */
export function applyRecipe(crop: tf.Tensor4D, recipe: ViewRecipe, size: number): tf.Tensor4D {
  return tf.tidy(() => {
    let x = resize(crop, size);
    if (recipe.flip) x = horizontalFlip(x);
    if (recipe.rotation !== 0) x = rotate(x, recipe.rotation);
    if (recipe.erase) x = erase(x, recipe.erase);
    return x;
  });
}

/** A crop as 8-bit RGB (size x size x 3), to hand to another thread for sample pairing. */
export async function cropToBytes(crop: tf.Tensor4D, size: number): Promise<Uint8Array> {
  const t = tf.tidy(() => tf.cast(tf.clipByValue(tf.round(tf.mul(resize(crop, size), 255)), 0, 255), 'int32'));
  const data = await t.data();
  t.dispose();
  return Uint8Array.from(data);
}

export function bytesToCrop(bytes: Uint8Array, size: number): tf.Tensor4D {
  return tf.tidy(() => tf.div(tf.tensor4d(bytes, [1, size, size, 3], 'int32'), 255));
}
