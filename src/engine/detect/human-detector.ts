/** Face detection by Human's own pipeline on its tfjs backend: the fallback when onnxruntime is missing. */
import * as tf from '@tensorflow/tfjs';
import type { Human } from '../runtime/human.js';
import type { FaceDetector, RawFace } from './detector.js';
import type { PassImage } from './passes.js';

/** Human's own pipeline on its tfjs backend. */
export class HumanDetector implements FaceDetector {
  readonly mirrorEquivariant = false;

  constructor(
    private readonly human: Human,
    readonly runtime: string,
    private readonly defaultMinConfidence: number,
  ) {}

  async detect(pixels: PassImage, minConfidence?: number): Promise<RawFace[]> {
    const input = tf.tensor4d(pixels.data, [1, pixels.height, pixels.width, 3], 'int32');
    let result;
    try {
      // Always passed: Human merges a call's config into its own for good, so a low-threshold
      // pass would otherwise leak its threshold into every later photo.
      result = await this.human.detect(input, { face: { detector: { minConfidence: minConfidence ?? this.defaultMinConfidence } } });
    } finally {
      input.dispose();
    }
    const faces: RawFace[] = [];
    for (const face of result.face) {
      const tensor = face.tensor;
      if (!tensor) continue;
      const [height, width] = tensor.rank === 3 ? tensor.shape : tensor.shape.slice(1);
      const data = (await tensor.data()) as Float32Array;
      tensor.dispose();
      faces.push({ box: [face.box[0], face.box[1], face.box[2], face.box[3]], score: face.score, pixels: { data, width, height } });
    }
    return faces;
  }

  async dispose(): Promise<void> {
    // Human's models live as long as the thread; nothing to release per detector.
  }
}
