/**
 * What detection hands to alignment-aware callers, behind one interface so the runtime that
 * runs the detection networks can change: our detector on onnxruntime (detect/onnx/), or Human
 * on tfjs (human-detector.ts: the fallback, and the reference the ONNX one is tested against).
 */
import type { FacePixels } from '../image/face-pixels.js';
import type { PassImage } from './passes.js';

export interface RawFace {
  /** [x, y, w, h] in the pass image's pixels. */
  box: [number, number, number, number];
  /** Detector (mesh) confidence, 0..1. */
  score: number;
  /** The aligned face. */
  pixels: FacePixels;
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
