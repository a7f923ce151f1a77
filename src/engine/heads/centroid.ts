/**
 * The head that needs no training: each person is the mean of their normalised
 * embeddings; a face's score for a person is the cosine similarity to that mean.
 */
import { dot, l2normalise } from '../math.js';
import type { LabelledEmbedding } from './evaluate.js';
import type { Head } from './head.js';

export class CentroidHead implements Head {
  readonly kind = 'centroid' as const;

  constructor(
    readonly labels: readonly string[],
    readonly centroids: readonly Float32Array[],
  ) {
    if (labels.length !== centroids.length) throw new Error('one centroid per label');
  }

  /** Builds centroids from labelled embeddings; labels are sorted for a stable order. */
  static fit(samples: readonly LabelledEmbedding[]): CentroidHead {
    const labels = [...new Set(samples.map((s) => s.person))].sort();
    if (labels.length === 0) throw new Error('no training samples');
    const dim = samples[0].embedding.length;
    const sums = labels.map(() => new Float32Array(dim));
    for (const s of samples) {
      const sum = sums[labels.indexOf(s.person)];
      for (let i = 0; i < dim; i++) sum[i] += s.embedding[i];
    }
    return new CentroidHead(labels, sums.map(l2normalise));
  }

  scores(embeddings: readonly Float32Array[]): Promise<Float32Array[]> {
    return Promise.resolve(embeddings.map((e) => Float32Array.from(this.centroids, (c) => dot(c, e))));
  }

  /** Row-major float32 [labels x dim], the `centroids.bin` file of a model directory. */
  toBytes(): Uint8Array {
    const dim = this.centroids[0].length;
    const out = new Float32Array(this.centroids.length * dim);
    this.centroids.forEach((c, i) => out.set(c, i * dim));
    return new Uint8Array(out.buffer);
  }

  static fromBytes(labels: readonly string[], bytes: Uint8Array): CentroidHead {
    const aligned = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const dim = aligned.length / labels.length;
    if (!Number.isInteger(dim)) throw new Error(`centroids.bin holds ${aligned.length} floats, not a multiple of ${labels.length} labels`);
    return new CentroidHead(
      labels,
      labels.map((_, i) => aligned.slice(i * dim, (i + 1) * dim)),
    );
  }

  dispose(): void {}
}
