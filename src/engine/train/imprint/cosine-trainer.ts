/**
 * Fine-tunes a cosine classifier whose class weights start as the (projected) prototypes:
 * logits = s * (cos(x, w_c) - m [c = y]), a learned scale s (as log s) and a CosFace margin m
 * (Wang et al. 2018), NLL over all people, Adam. Validation NLL (no margin) is measured before
 * the first step and after every epoch; the best epoch's weights are kept, so a fine-tune that
 * only overfits returns the prototypes unchanged (epoch 0). Pure computation.
 */
import { seededRandom, shuffle } from '../../math.js';
import { Adam } from '../native/adam.js';
import { lossAndGradient, nllAndAccuracy } from '../native/loss.js';
import { matrix, type MatMul } from '../native/matmul.js';
import { stack } from '../schedule.js';

export interface CosineBank {
  classes: number;
  dim: number;
  /** Per training photo: the unit rows an epoch may show of it (clean, augmented, degraded), already projected. */
  train: { label: number; pool: Float32Array[] }[];
  val: { label: number; embedding: Float32Array }[];
}

export interface CosineConfig {
  epochs: number;
  learningRate: number;
  batchSize: number;
  seed: number;
  /** CosFace margin subtracted from the true class's cosine while training; 0 is plain cosine softmax. */
  margin: number;
}

export interface CosineEpoch {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
  scale: number;
  seconds: number;
}

export interface CosineHooks {
  onEpoch?: (e: CosineEpoch) => void;
  shouldStop?: () => boolean;
}

export interface CosineResult {
  /** Row-major [classes x dim], unit rows: the best epoch's class weights. */
  weights: Float32Array;
  scale: number;
  /** 0 when no epoch beat the starting weights on validation loss. */
  bestEpoch: number;
  bestValLoss: number;
  /** Validation loss and accuracy before the first step. */
  start: { valLoss: number; valAccuracy: number };
  history: CosineEpoch[];
  stopped: boolean;
}

export function normaliseRows(m: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < m.length / dim; r++) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += m[r * dim + j] ** 2;
    const inv = 1 / (Math.sqrt(sum) || 1);
    for (let j = 0; j < dim; j++) out[r * dim + j] = m[r * dim + j] * inv;
  }
  return out;
}

/** Validation NLL of scale * cosine and top-1 accuracy. */
export async function evaluateCosine(
  mm: MatMul,
  unitWeights: Float32Array,
  scale: number,
  samples: readonly { label: number; embedding: Float32Array }[],
  dim: number,
): Promise<{ loss: number; accuracy: number }> {
  const classes = unitWeights.length / dim;
  let loss = 0;
  let correct = 0;
  for (let from = 0; from < samples.length; from += 1024) {
    const chunk = samples.slice(from, from + 1024);
    const cos = await mm.product(matrix(stack(chunk.map((s) => s.embedding)), chunk.length, dim), matrix(unitWeights, classes, dim), false, true);
    for (let i = 0; i < cos.data.length; i++) cos.data[i] *= scale;
    const r = nllAndAccuracy(cos.data, Int32Array.from(chunk.map((s) => s.label)), classes);
    loss += r.loss;
    correct += r.correct;
  }
  return { loss: loss / samples.length, accuracy: correct / samples.length };
}

const nextTick = () => new Promise((resolve) => setImmediate(resolve));

export async function fineTuneCosine(
  mm: MatMul,
  bank: CosineBank,
  init: Float32Array,
  initialScale: number,
  config: CosineConfig,
  hooks: CosineHooks = {},
): Promise<CosineResult> {
  const { classes, dim } = bank;
  const weights = init.slice();
  const logScale = Float32Array.of(Math.log(initialScale));
  const optimizer = new Adam([weights, logScale], { learningRate: config.learningRate, weightDecay: 0 });
  const random = seededRandom(config.seed);
  // Without validation photos (a refit on train + val) every epoch runs and the last one is kept.
  const checkpoints = bank.val.length > 0;
  const initial = checkpoints ? await evaluateCosine(mm, normaliseRows(weights, dim), initialScale, bank.val, dim) : { loss: Infinity, accuracy: NaN };
  const start = { valLoss: initial.loss, valAccuracy: initial.accuracy };
  let best = { epoch: 0, loss: initial.loss, weights: normaliseRows(weights, dim), scale: initialScale };
  const history: CosineEpoch[] = [];
  let stopped = false;
  for (let epoch = 1; epoch <= config.epochs && !stopped; epoch++) {
    const started = Date.now();
    const order = shuffle(
      bank.train.map((_, i) => i),
      random,
    );
    let lossSum = 0;
    for (let from = 0; from < order.length; from += config.batchSize) {
      if (hooks.shouldStop?.()) {
        stopped = true;
        break;
      }
      const rows = order.slice(from, from + config.batchSize);
      const x = new Float32Array(rows.length * dim);
      const labels = new Int32Array(rows.length);
      rows.forEach((i, r) => {
        const { pool, label } = bank.train[i];
        x.set(pool[Math.floor(random() * pool.length)], r * dim);
        labels[r] = label;
      });
      const grads = await step(mm, weights, Math.exp(logScale[0]), x, labels, classes, dim, config.margin);
      lossSum += grads.loss * rows.length;
      optimizer.update([grads.dWeights, Float32Array.of(grads.dLogScale)]);
      if ((from / config.batchSize) % 16 === 15) await nextTick();
    }
    if (stopped) break;
    const scale = Math.exp(logScale[0]);
    const unit = normaliseRows(weights, dim);
    const val = checkpoints ? await evaluateCosine(mm, unit, scale, bank.val, dim) : { loss: -epoch, accuracy: NaN };
    const report = { epoch, trainLoss: lossSum / order.length, valLoss: val.loss, valAccuracy: val.accuracy, scale, seconds: (Date.now() - started) / 1000 };
    history.push(report);
    if (val.loss < best.loss) best = { epoch, loss: val.loss, weights: unit, scale };
    hooks.onEpoch?.(report);
    await nextTick();
  }
  return { weights: best.weights, scale: best.scale, bestEpoch: best.epoch, bestValLoss: best.loss, start, history, stopped };
}

/** Loss and gradients of one batch (unit rows x) for raw class weights and log-scale. */
async function step(mm: MatMul, weights: Float32Array, scale: number, x: Float32Array, labels: Int32Array, classes: number, dim: number, margin: number) {
  const norms = new Float32Array(classes);
  const unit = new Float32Array(weights.length);
  for (let c = 0; c < classes; c++) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += weights[c * dim + j] ** 2;
    norms[c] = Math.sqrt(sum) || 1;
    for (let j = 0; j < dim; j++) unit[c * dim + j] = weights[c * dim + j] / norms[c];
  }
  const rows = labels.length;
  const cos = (await mm.product(matrix(x, rows, dim), matrix(unit, classes, dim), false, true)).data;
  const logits = new Float32Array(cos.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < classes; c++) logits[r * classes + c] = scale * (cos[r * classes + c] - (c === labels[r] ? margin : 0));
  }
  const { loss, dLogits } = lossAndGradient(logits, labels, classes, 'nll');
  // d/d(log s) = sum dL/dz * z (z = s * (cos - m)); d/dcos = s * dL/dz.
  let dLogScale = 0;
  for (let i = 0; i < dLogits.length; i++) {
    dLogScale += dLogits[i] * logits[i];
    dLogits[i] *= scale;
  }
  const dUnit = (await mm.product(matrix(dLogits, rows, classes), matrix(x, rows, dim), true, false)).data;
  // Through the row normalisation: (g - (g . u) u) / |w|.
  for (let c = 0; c < classes; c++) {
    let along = 0;
    for (let j = 0; j < dim; j++) along += dUnit[c * dim + j] * unit[c * dim + j];
    for (let j = 0; j < dim; j++) dUnit[c * dim + j] = (dUnit[c * dim + j] - along * unit[c * dim + j]) / norms[c];
  }
  return { loss, dWeights: dUnit, dLogScale };
}
