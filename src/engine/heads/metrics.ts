/** Accuracy and calibration of class scores against true labels. */
import { softmax } from '../math.js';

export interface Scored {
  /** Unnormalised class scores (logits, or cosine similarities). */
  scores: ArrayLike<number>;
  /** Index of the true class. */
  label: number;
}

/** Fraction of samples whose true class is among the k highest scores. */
export function topKAccuracy(samples: readonly Scored[], k: number): number {
  if (samples.length === 0) return NaN;
  let hits = 0;
  for (const { scores, label } of samples) {
    let higher = 0;
    for (let i = 0; i < scores.length; i++) if (scores[i] > scores[label]) higher++;
    if (higher < k) hits++;
  }
  return hits / samples.length;
}

/** Mean negative log-likelihood of the true class under softmax(scores / temperature). */
export function nll(samples: readonly Scored[], temperature: number): number {
  let sum = 0;
  for (const { scores, label } of samples) sum -= Math.log(Math.max(softmax(scores, temperature)[label], 1e-12));
  return sum / samples.length;
}

/**
 * Temperature scaling (Guo et al. 2017): the T minimising validation NLL, by golden-section
 * search on log T. One parameter, so it cannot change which class wins, only the confidence.
 */
export function fitTemperature(samples: readonly Scored[], lo = 1e-3, hi = 100): number {
  if (samples.length === 0) return 1;
  const f = (logT: number) => nll(samples, Math.exp(logT));
  let a = Math.log(lo);
  let b = Math.log(hi);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 80; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/** Expected calibration error: |accuracy - confidence| of the top class, averaged over equal-width bins. */
export function expectedCalibrationError(samples: readonly Scored[], temperature: number, bins = 15): number {
  const count = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  for (const { scores, label } of samples) {
    const p = softmax(scores, temperature);
    let best = 0;
    for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
    const bin = Math.min(bins - 1, Math.floor(p[best] * bins));
    count[bin]++;
    confidence[bin] += p[best];
    if (best === label) correct[bin]++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]) ece += (count[b] / samples.length) * Math.abs(correct[b] / count[b] - confidence[b] / count[b]);
  return ece;
}
