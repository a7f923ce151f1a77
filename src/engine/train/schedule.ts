/** Which view each training image shows in an epoch. Pure functions of the bank and a seed. */
import { shuffle } from '../math.js';
import type { BankImage } from './feature-bank.js';

/**
 * The original run 5's sample pairing: only between 20% and 80% of the epochs, and
 * intermittently there (Inoue 2018: on for 8 epochs, off for 2), so the head also sees
 * clean data before, during and after.
 */
export function samplePairingActive(epoch: number, epochs: number): boolean {
  const start = Math.floor(0.2 * epochs);
  const end = Math.floor(0.8 * epochs);
  return epoch >= start && epoch < end && (epoch - start) % 10 < 8;
}

export interface EpochData {
  /** Row-major [images x dim]. */
  features: Float32Array;
  labels: Int32Array;
  dim: number;
}

/** One view per image (clean or one of its K augmented views; a paired view when pairing is on), shuffled. */
export function drawEpoch(bank: readonly BankImage[], random: () => number, pairing: boolean): EpochData {
  const order = shuffle(
    bank.map((_, i) => i),
    random,
  );
  const dim = bank[0].clean.length;
  const features = new Float32Array(bank.length * dim);
  const labels = new Int32Array(bank.length);
  order.forEach((i, row) => {
    const image = bank[i];
    const pool = pairing && image.pairs.length > 0 ? image.pairs : [image.clean, ...image.views];
    features.set(pool[Math.floor(random() * pool.length)], row * dim);
    labels[row] = image.label;
  });
  return { features, labels, dim };
}

export function stack(rows: readonly Float32Array[]): Float32Array {
  const dim = rows[0]?.length ?? 0;
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(r, i * dim));
  return out;
}
