/**
 * Within-class covariance normalisation (WCCN): a shared linear map of the embedding that
 * shrinks the directions in which one person's photos vary (pose, light, blur) and keeps the
 * ones in which people differ. P = (S_w + r I)^(-1/2), S_w the within-class covariance of the
 * training photos, r = strength x the mean eigenvalue (the regulariser: strength -> infinity is
 * the identity, i.e. plain prototypes). Embeddings are re-normalised after the map, so only
 * directions matter. Products of the big matrices run through a MatMul (onnx or JavaScript).
 */
import { matrix, type MatMul } from '../native/matmul.js';
import type { SymmetricEigen } from './eigen.js';

export interface LabelledRows {
  /** Row-major [rows x dim]. */
  features: Float32Array;
  labels: Int32Array;
  dim: number;
}

/** Mean over rows of (x - mean of its class)(x - mean of its class)^T, row-major [dim x dim], float64. */
export async function withinClassCovariance(mm: MatMul, data: LabelledRows, classes: number): Promise<Float64Array> {
  const { features, labels, dim } = data;
  const rows = labels.length;
  const means = new Float64Array(classes * dim);
  const counts = new Float64Array(classes);
  for (let r = 0; r < rows; r++) {
    counts[labels[r]]++;
    for (let j = 0; j < dim; j++) means[labels[r] * dim + j] += features[r * dim + j];
  }
  for (let c = 0; c < classes; c++) for (let j = 0; j < dim; j++) means[c * dim + j] /= counts[c] || 1;
  const centred = new Float32Array(features.length);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) centred[r * dim + j] = features[r * dim + j] - means[labels[r] * dim + j];
  const scatter = await mm.product(matrix(centred, rows, dim), matrix(centred, rows, dim), true, false);
  const out = new Float64Array(dim * dim);
  for (let i = 0; i < out.length; i++) out[i] = scatter.data[i] / rows;
  // Symmetrise what float32 accumulation left slightly uneven.
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) out[i * dim + j] = out[j * dim + i] = (out[i * dim + j] + out[j * dim + i]) / 2;
  return out;
}

/** P = V diag((lambda + strength x mean lambda)^(-1/2)) V^T, row-major [dim x dim] (symmetric). */
export async function whiteningMatrix(mm: MatMul, eigen: SymmetricEigen, strength: number): Promise<Float32Array> {
  const { values, vectors, n } = eigen;
  let mean = 0;
  for (const v of values) mean += Math.max(0, v) / n;
  const r = strength * mean;
  // Scaled so the map is about unit size; the scale is irrelevant after re-normalisation.
  const norm = Math.sqrt(mean + r);
  const basis = Float32Array.from(vectors);
  const scaled = new Float32Array(n * n);
  for (let k = 0; k < n; k++) {
    const g = norm / Math.sqrt(Math.max(0, values[k]) + r);
    for (let j = 0; j < n; j++) scaled[k * n + j] = g * basis[k * n + j];
  }
  // Rows of `basis` are eigenvectors: P = basis^T . diag(g) . basis.
  return (await mm.product(matrix(basis, n, n), matrix(scaled, n, n), true, false)).data;
}

/** Each row mapped by P (symmetric) and re-normalised; `projection` null returns the rows normalised. */
export async function projectRows(mm: MatMul, rows: Float32Array, dim: number, projection: Float32Array | null): Promise<Float32Array> {
  const count = rows.length / dim;
  const mapped = projection ? (await mm.product(matrix(rows, count, dim), matrix(projection, dim, dim), false, true)).data : rows.slice();
  for (let r = 0; r < count; r++) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += mapped[r * dim + j] ** 2;
    const inv = 1 / (Math.sqrt(sum) || 1);
    for (let j = 0; j < dim; j++) mapped[r * dim + j] *= inv;
  }
  return mapped;
}
