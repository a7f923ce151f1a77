/** What every classifier head does: embeddings in, one score per known person out. */

/**
 * `centroid` needs no training; `fc1` and `fc2` are trained (see src/engine/train); `cosine` is
 * trained from the prototypes (preset 6) and saved as a centroid head.
 */
export type HeadKind = 'centroid' | TrainableHeadKind;
export type TrainableHeadKind = 'fc1' | 'fc2' | 'cosine';

export interface Head {
  readonly kind: HeadKind;
  readonly labels: readonly string[];
  /** Unnormalised scores, one row per embedding, one column per label. Confidence = softmax(scores / temperature). */
  scores(embeddings: readonly Float32Array[]): Promise<Float32Array[]>;
  dispose(): void;
}

/**
 * Lower bound of the fitted softmax temperature, per kind of score. Validation photos of the
 * celebrities themselves are easy (often 100% right), which drives the NLL-optimal T towards 0:
 * every answer, including a selfie of someone who is no celebrity, would then read 100% with
 * 0% runners-up. The floor keeps look-alike confidences informative. Centroid scores are
 * cosines (a gap of 0.1 is 150:1 at 0.02); fc logits come from NLL training (0.5 at most
 * doubles their sharpness). Measured on synthetic faces and the 17-celebrity test split.
 */
export const MIN_TEMPERATURE: Record<HeadKind, number> = { centroid: 0.02, cosine: 0.02, fc1: 0.5, fc2: 0.5 };
