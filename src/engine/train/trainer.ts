/**
 * Trains a head on the feature bank: Adam with PyTorch-style weight decay, seeded shuffles,
 * validation after every epoch, and the weights of the epoch with the lowest validation
 * loss kept as the run's model. Pure computation: no files, no database.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainableHeadKind } from '../heads/head.js';
import { seededRandom } from '../math.js';
import type { FeatureBank, LabelledFeature } from './feature-bank.js';
import { buildHeadModel } from './heads.js';
import { lossFunction, nllLoss, type LossKind } from './losses.js';
import { drawEpoch, samplePairingActive, stack } from './schedule.js';

export interface TrainConfig {
  head: TrainableHeadKind;
  loss: LossKind;
  focalGamma: number;
  samplePairing: boolean;
  epochs: number;
  learningRate: number;
  weightDecay: number;
  batchSize: number;
  seed: number;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  trainLoss: number;
  /** NLL on the validation split for every loss, so runs compare on one scale. */
  valLoss: number;
  valAccuracy: number;
  samplePairing: boolean;
  seconds: number;
}

export interface TrainHooks {
  onEpoch?: (report: EpochReport) => void;
  /** Checked between batches; returning true ends training early with the best weights so far. */
  shouldStop?: () => boolean;
}

export interface TrainedHead {
  model: tf.LayersModel;
  history: EpochReport[];
  bestEpoch: number;
  bestValLoss: number;
  stopped: boolean;
}

function tensors(samples: readonly LabelledFeature[]) {
  return {
    x: tf.tensor2d(stack(samples.map((s) => s.embedding)), [samples.length, samples[0].embedding.length]),
    y: tf.tensor1d(Int32Array.from(samples.map((s) => s.label)), 'int32'),
  };
}

/** Validation NLL and accuracy, dropout off. */
export function evaluateLoss(model: tf.LayersModel, x: tf.Tensor2D, y: tf.Tensor1D): { loss: number; accuracy: number } {
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(model.predict(x) as tf.Tensor2D);
    const loss = nllLoss(logProbs, y).dataSync()[0];
    const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logProbs, 1), y), 'float32')).dataSync()[0];
    return { loss, accuracy };
  });
}

export async function trainHead(bank: FeatureBank, config: TrainConfig, hooks: TrainHooks = {}): Promise<TrainedHead> {
  if (bank.train.length === 0) throw new Error('no training images');
  const validation = bank.val.length > 0 ? bank.val : bank.train.map((b) => ({ person: b.person, label: b.label, embedding: b.clean }));
  const dim = bank.train[0].clean.length;
  const model = buildHeadModel(config.head, dim, bank.labels.length, config.seed);
  const optimizer = tf.train.adam(config.learningRate);
  const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = lossFunction(config.loss, config.focalGamma);
  const random = seededRandom(config.seed);
  const val = tensors(validation);
  const history: EpochReport[] = [];
  let best: { epoch: number; loss: number; weights: tf.Tensor[] } | null = null;
  let stopped = false;
  try {
    for (let epoch = 0; epoch < config.epochs && !stopped; epoch++) {
      const started = Date.now();
      const pairing = config.samplePairing && samplePairingActive(epoch, config.epochs);
      const data = drawEpoch(bank.train, random, pairing);
      let lossSum = 0;
      for (let from = 0; from < data.labels.length; from += config.batchSize) {
        if (hooks.shouldStop?.()) {
          stopped = true;
          break;
        }
        const to = Math.min(data.labels.length, from + config.batchSize);
        const batchLoss = tf.tidy(() => {
          const x = tf.tensor2d(data.features.subarray(from * dim, to * dim), [to - from, dim]);
          const y = tf.tensor1d(data.labels.subarray(from, to), 'int32');
          return optimizer.minimize(
            () => {
              const logProbs = tf.logSoftmax(model.apply(x, { training: true }) as tf.Tensor2D);
              // PyTorch's Adam weight_decay adds wd * w to the gradient: the gradient of wd/2 * |w|^2.
              const decay = tf.mul(config.weightDecay / 2, tf.addN(weights.map((w) => tf.sum(tf.square(w)))));
              return tf.add<tf.Scalar>(loss(logProbs, y), decay);
            },
            true,
            weights,
          )!;
        });
        lossSum += (await batchLoss.data())[0] * (to - from);
        batchLoss.dispose();
      }
      if (stopped) break;
      const { loss: valLoss, accuracy } = evaluateLoss(model, val.x, val.y);
      const report: EpochReport = {
        epoch: epoch + 1,
        epochs: config.epochs,
        trainLoss: lossSum / data.labels.length,
        valLoss,
        valAccuracy: accuracy,
        samplePairing: pairing,
        seconds: (Date.now() - started) / 1000,
      };
      history.push(report);
      if (!best || valLoss < best.loss) {
        best?.weights.forEach((w) => w.dispose());
        best = { epoch: epoch + 1, loss: valLoss, weights: model.getWeights().map((w) => w.clone()) };
      }
      hooks.onEpoch?.(report);
      await new Promise((resolve) => setImmediate(resolve)); // let messages (cancel, status) in
    }
    if (best) {
      model.setWeights(best.weights);
      best.weights.forEach((w) => w.dispose());
    }
    return { model, history, bestEpoch: best?.epoch ?? 0, bestValLoss: best?.loss ?? NaN, stopped };
  } finally {
    val.x.dispose();
    val.y.dispose();
    optimizer.dispose();
  }
}
