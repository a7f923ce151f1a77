/**
 * The original design's `face_crop` transform: find every face, straighten it using the
 * face mesh, and hand back aligned crops, largest face first. Pre-cropped dataset images
 * (64x64 crops are common) skip detection and are taken whole.
 */
import * as tf from '@tensorflow/tfjs';
import type { Human } from '../runtime/human.js';
import type { DecodedImage } from '../image/decode.js';
import type { Box } from '../box.js';

// Re-exported for the modules that take boxes together with face crops.
export type { Box };

export interface FaceCrop {
  box: Box;
  /** Detector confidence, 0..1 (1 for a whole-image crop). */
  score: number;
  /** Aligned face, shape [1, h, w, 3], values 0..1. The caller disposes it. */
  tensor: tf.Tensor4D;
}

export function imageTensor(image: DecodedImage): tf.Tensor4D {
  return tf.tensor4d(image.data, [1, image.height, image.width, 3], 'int32');
}

const area = (box: Box) => box[2] * box[3];

/** Detect and align every face; boxes are mapped back to the original image size. */
export async function detectFaceCrops(human: Human, image: DecodedImage): Promise<FaceCrop[]> {
  const input = imageTensor(image);
  let result;
  try {
    result = await human.detect(input);
  } finally {
    input.dispose();
  }
  const sx = image.originalWidth / image.width;
  const sy = image.originalHeight / image.height;
  const crops: FaceCrop[] = [];
  for (const face of result.face) {
    const tensor = face.tensor as tf.Tensor | undefined;
    if (!tensor) continue;
    const box: Box = [Math.round(face.box[0] * sx), Math.round(face.box[1] * sy), Math.round(face.box[2] * sx), Math.round(face.box[3] * sy)];
    const aligned = tensor.rank === 3 ? tf.tidy(() => tf.expandDims(tensor, 0) as tf.Tensor4D) : (tensor as tf.Tensor4D);
    if (aligned !== tensor) tensor.dispose();
    crops.push({ box, score: face.score, tensor: aligned });
  }
  return crops.sort((a, b) => area(b.box) - area(a.box));
}

/** The whole image as one face crop, for inputs that are already face crops. */
export function wholeImageCrop(image: DecodedImage): FaceCrop {
  const tensor = tf.tidy(() => tf.div(imageTensor(image), 255) as tf.Tensor4D);
  return { box: [0, 0, image.originalWidth, image.originalHeight], score: 1, tensor };
}
