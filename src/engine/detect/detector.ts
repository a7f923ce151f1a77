/**
 * What detection hands to alignment-aware callers, behind one interface so the runtime that
 * runs the detection networks can change: Human on tfjs (the fallback and the reference) or
 * our port of its glue on onnxruntime (detect/onnx/).
 */
import * as tf from '@tensorflow/tfjs';
import type { Human } from '../runtime/human.js';
import type { PassImage } from './passes.js';

export interface RawFace {
  /** [x, y, w, h] in the pass image's pixels. */
  box: [number, number, number, number];
  /** Detector (mesh) confidence, 0..1. */
  score: number;
  /** Aligned face, [1, h, w, 3], values 0..1. The caller disposes it. */
  tensor: tf.Tensor4D;
}

export interface FaceDetector {
  /** 'onnx' or the tfjs backend's name: what runs the detection networks. */
  readonly runtime: string;
  /**
   * Whether the faces and crops found in a photo's mirror image are exactly the mirror images of
   * those found in the photo. When not, recognition detects in the mirror too and averages.
   */
  readonly mirrorEquivariant: boolean;
  /** Every face in `pixels`; `minConfidence` overrides the detector's threshold for this call only. */
  detect(pixels: PassImage, minConfidence?: number): Promise<RawFace[]>;
  dispose(): Promise<void>;
}

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
      const aligned = tensor.rank === 3 ? tf.tidy(() => tf.expandDims<tf.Tensor4D>(tensor, 0)) : (tensor as tf.Tensor4D);
      if (aligned !== tensor) tensor.dispose();
      faces.push({ box: [face.box[0], face.box[1], face.box[2], face.box[3]], score: face.score, tensor: aligned });
    }
    return faces;
  }

  async dispose(): Promise<void> {
    // Human's models live as long as the thread; nothing to release per detector.
  }
}
