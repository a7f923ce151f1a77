/** What every classifier head does: embeddings in, one score per known person out. */

/** `centroid` needs no training; `fc1` and `fc2` are trained (see src/engine/train). */
export type HeadKind = 'centroid' | TrainableHeadKind;
export type TrainableHeadKind = 'fc1' | 'fc2';

export interface Head {
  readonly kind: HeadKind;
  readonly labels: readonly string[];
  /** Unnormalised scores, one row per embedding, one column per label. Confidence = softmax(scores / temperature). */
  scores(embeddings: readonly Float32Array[]): Promise<Float32Array[]>;
  dispose(): void;
}
