/**
 * The losses of the original design on logits, with their gradients, in typed arrays: log-softmax,
 * then NLL or focal loss averaged over the batch. `dLogits` is d(loss)/d(logits). Pure.
 */
import type { LossKind } from '../losses.js';

export interface LossResult {
  /** Mean loss over the batch. */
  loss: number;
  /** Row-major [batch x classes]: d(loss)/d(logits). */
  dLogits: Float32Array;
}

/** Row-wise log-softmax of [rows x cols] logits, into a new array. */
export function logSoftmaxRows(logits: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < rows; r++) {
    const at = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (logits[at + j] > max) max = logits[at + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(logits[at + j] - max);
    const lse = max + Math.log(sum);
    for (let j = 0; j < cols; j++) out[at + j] = logits[at + j] - lse;
  }
  return out;
}

/**
 * NLL: -mean(log p[y]); focal (Lin et al. 2017): -mean((1 - p[y])^gamma log p[y]).
 * Gradient per row: d/dz_j = dL/dlogp[y] * (delta_jy - p_j) / batch.
 */
export function lossAndGradient(logits: Float32Array, labels: Int32Array, classes: number, kind: LossKind, gamma = 2): LossResult {
  const rows = labels.length;
  const logProbs = logSoftmaxRows(logits, rows, classes);
  const dLogits = new Float32Array(logits.length);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const at = r * classes;
    const y = labels[r];
    const logp = logProbs[at + y];
    const p = Math.exp(logp);
    let dLogp: number; // d(row loss)/d(log p[y])
    if (kind === 'focal') {
      const q = 1 - p;
      total += -(q ** gamma) * logp;
      dLogp = -(q ** gamma - gamma * p * q ** (gamma - 1) * logp);
    } else {
      total += -logp;
      dLogp = -1;
    }
    const scale = dLogp / rows;
    for (let j = 0; j < classes; j++) dLogits[at + j] = -scale * Math.exp(logProbs[at + j]);
    dLogits[at + y] += scale;
  }
  return { loss: total / rows, dLogits };
}

/** Validation measures: NLL (for every loss, so runs compare) and top-1 accuracy. */
export function nllAndAccuracy(logits: Float32Array, labels: Int32Array, classes: number): { loss: number; correct: number } {
  const logProbs = logSoftmaxRows(logits, labels.length, classes);
  let loss = 0;
  let correct = 0;
  for (let r = 0; r < labels.length; r++) {
    const at = r * classes;
    loss -= logProbs[at + labels[r]];
    let best = 0;
    for (let j = 1; j < classes; j++) if (logProbs[at + j] > logProbs[at + best]) best = j;
    if (best === labels[r]) correct++;
  }
  return { loss, correct };
}
