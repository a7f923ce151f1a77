/**
 * The head that needs no training: each person is the mean of their normalised embeddings
 * (a prototype); a face's score for a person is the cosine similarity to that mean, minus
 * the person's hubness penalty when the model has one (a gallery, see gallery/hubness.ts).
 */
import { prototypeWithTwins } from './prototype.js';
import { decodeFloat16, encodeFloat16 } from '../model/float16.js';
import type { LabelledEmbedding } from './evaluate.js';
import type { Head } from './head.js';
import { nativeCosines, type NativeCosines } from './native-cosines.js';

/** How prototypes are stored on disk: float32, or float16 for a large gallery (half the size). */
export type PrototypeDtype = 'float32' | 'float16';

export class CentroidHead implements Head {
  readonly kind = 'centroid' as const;
  /** Row-major [labels x dim]: one pass over contiguous memory ranks a face against 1,500 people in about a millisecond. */
  private readonly matrix: Float32Array;
  private native: NativeCosines | null = null;
  readonly dim: number;

  constructor(
    readonly labels: readonly string[],
    readonly centroids: readonly Float32Array[],
    /** Subtracted from each person's cosine (CSLS-style hubness correction); zeros when absent. */
    readonly penalties: Float32Array = new Float32Array(labels.length),
    /**
     * A shared linear map of the embedding learned by training preset 6 (symmetric, [dim x dim],
     * row-major): a face is mapped and re-normalised before its cosines. Absent: the identity.
     */
    readonly projection: Float32Array | null = null,
  ) {
    if (labels.length !== centroids.length) throw new Error('one centroid per label');
    if (penalties.length !== labels.length) throw new Error('one penalty per label');
    this.dim = centroids[0]?.length ?? 0;
    this.matrix = new Float32Array(labels.length * this.dim);
    centroids.forEach((c, i) => this.matrix.set(c, i * this.dim));
    if (projection && projection.length !== this.dim * this.dim) throw new Error(`the projection must be ${this.dim}x${this.dim}`);
  }

  /** The face as the prototypes see it: through the projection and re-normalised (itself without one). */
  project(embedding: Float32Array): Float32Array {
    const p = this.projection;
    if (!p) return embedding;
    const { dim } = this;
    const out = new Float32Array(dim);
    let norm = 0;
    for (let i = 0; i < dim; i++) {
      let sum = 0;
      for (let j = 0, at = i * dim; j < dim; j++) sum += p[at + j] * embedding[j];
      out[i] = sum;
      norm += sum * sum;
    }
    const inv = 1 / (Math.sqrt(norm) || 1);
    for (let i = 0; i < dim; i++) out[i] *= inv;
    return out;
  }

  /** Builds centroids from labelled embeddings (with their small-face twins, if given); labels are sorted for a stable order. */
  static fit(samples: readonly (LabelledEmbedding & { twin?: Float32Array | null })[]): CentroidHead {
    const labels = [...new Set(samples.map((s) => s.person))].sort();
    if (labels.length === 0) throw new Error('no training samples');
    type Sample = (typeof samples)[number];
    const byLabel = new Map(labels.map((l) => [l, [] as Sample[]]));
    for (const s of samples) byLabel.get(s.person)!.push(s);
    return new CentroidHead(
      labels,
      labels.map((label) => prototypeWithTwins(byLabel.get(label)!)!),
    );
  }

  /** Cosine of one embedding with every prototype, without the penalties. */
  cosines(face: Float32Array): Float32Array {
    const { matrix, dim } = this;
    const embedding = this.project(face);
    const out = new Float32Array(this.labels.length);
    const tail = dim - (dim % 4);
    for (let row = 0, offset = 0; row < out.length; row++, offset += dim) {
      // Four accumulators: about 2x faster than one in V8 (independent additions pipeline).
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < tail; i += 4) {
        s0 += matrix[offset + i] * embedding[i];
        s1 += matrix[offset + i + 1] * embedding[i + 1];
        s2 += matrix[offset + i + 2] * embedding[i + 2];
        s3 += matrix[offset + i + 3] * embedding[i + 3];
      }
      for (let i = tail; i < dim; i++) s0 += matrix[offset + i] * embedding[i];
      out[row] = s0 + s1 + s2 + s3;
    }
    return out;
  }

  /**
   * Ranks with onnxruntime from now on when it loads (a large gallery: 10x faster than the
   * JavaScript loop); returns whether it does. `cosines()` stays JavaScript (evaluation code).
   */
  async useNative(): Promise<boolean> {
    this.native ??= await nativeCosines(this.matrix, this.labels.length, this.dim);
    return this.native !== null;
  }

  async scores(embeddings: readonly Float32Array[]): Promise<Float32Array[]> {
    const n = this.labels.length;
    let rows: Float32Array[];
    if (this.native && embeddings.length > 0) {
      const batch = new Float32Array(embeddings.length * this.dim);
      embeddings.forEach((e, i) => batch.set(this.project(e), i * this.dim));
      const all = await this.native.run(batch, embeddings.length);
      rows = embeddings.map((_, i) => all.slice(i * n, (i + 1) * n));
    } else {
      rows = embeddings.map((e) => this.cosines(e));
    }
    for (const row of rows) for (let i = 0; i < n; i++) row[i] -= this.penalties[i];
    return rows;
  }

  /** Row-major [labels x dim], the `centroids.bin` file of a model directory. */
  toBytes(dtype: PrototypeDtype = 'float32'): Uint8Array {
    return dtype === 'float16' ? encodeFloat16(this.matrix) : new Uint8Array(this.matrix.slice().buffer);
  }

  static fromBytes(
    labels: readonly string[],
    bytes: Uint8Array,
    dtype: PrototypeDtype = 'float32',
    penalties?: Float32Array,
    projection: Float32Array | null = null,
  ): CentroidHead {
    const values = dtype === 'float16' ? decodeFloat16(bytes) : new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const dim = values.length / labels.length;
    if (!Number.isInteger(dim)) throw new Error(`the prototype file holds ${values.length} ${dtype} values, not a multiple of ${labels.length} labels`);
    return new CentroidHead(
      labels,
      labels.map((_, i) => values.subarray(i * dim, (i + 1) * dim)),
      penalties,
      projection,
    );
  }

  dispose(): void {
    void this.native?.dispose();
    this.native = null;
  }
}
