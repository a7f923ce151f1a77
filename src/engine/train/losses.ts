/** The original design's losses, on log-probabilities (the heads end in log-softmax). */
import * as tf from '@tensorflow/tfjs';

export type LossKind = 'nll' | 'focal';

/** Log-probability of each sample's true class. */
function trueClassLogProb(logProbs: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.sum(tf.mul(logProbs, tf.oneHot(labels, logProbs.shape[1])), 1);
}

/** PyTorch's NLLLoss (mean reduction): -mean(log p[y]). */
export function nllLoss(logProbs: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(trueClassLogProb(logProbs, labels))) as tf.Scalar);
}

/** Focal loss (Lin et al. 2017): -mean((1 - p[y])^gamma * log p[y]); gamma 0 is NLL. */
export function focalLoss(logProbs: tf.Tensor2D, labels: tf.Tensor1D, gamma = 2): tf.Scalar {
  return tf.tidy(() => {
    const logp = trueClassLogProb(logProbs, labels);
    const weight = tf.pow(tf.sub(1, tf.exp(logp)), gamma);
    return tf.neg(tf.mean(tf.mul(weight, logp))) as tf.Scalar;
  });
}

export function lossFunction(kind: LossKind, focalGamma = 2): (logProbs: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar {
  return kind === 'focal' ? (lp, y) => focalLoss(lp, y, focalGamma) : nllLoss;
}
