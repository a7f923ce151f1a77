/**
 * One epoch of a head over a gallery-sized split (10,349 photos, 1,152-d embeddings, 1,734
 * people, batch 128), on random unit embeddings: the native math (onnxruntime Gemm + typed
 * arrays), the same math with JavaScript products, and tfjs-wasm's minimize loop (what trained
 * heads before; measured over a few batches and scaled to an epoch, as a full epoch takes minutes).
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../src/engine/math.js';
import { selectBackend } from '../src/engine/runtime/backend.js';
import type { Box } from '../src/base/box.js';
import type { FeatureBank } from '../src/engine/train/feature-bank.js';
import { buildHeadModel } from '../src/engine/train/heads.js';
import { nllLoss } from '../src/engine/train/losses.js';
import { runConfig } from '../src/engine/train/presets.js';
import { trainHead } from '../src/engine/train/trainer.js';
import { median, round } from './stats.js';

export const GALLERY_SHAPE = { photos: 10_349, dim: 1_152, people: 1_734, batch: 128 } as const;

export interface EpochTiming {
  implementation: 'onnx' | 'js' | 'tfjs-wasm';
  /** Median seconds per epoch (tfjs-wasm: per batch x batches per epoch). */
  epochSeconds: number;
  /** How it was measured. */
  basis: string;
}

function syntheticBank(photos: number, dim: number, people: number): FeatureBank {
  const random = seededRandom(7);
  const unit = () => {
    const v = Float32Array.from({ length: dim }, () => random() - 0.5);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const labels = Array.from({ length: people }, (_, i) => `p${i}`);
  const train = Array.from({ length: photos }, (_, i) => ({
    person: labels[i % people],
    label: i % people,
    contentHash: String(i),
    file: '',
    box: [0, 0, 1, 1] as Box,
    clean: unit(),
    views: [],
    pairs: [],
  }));
  const val = Array.from({ length: 1_296 }, (_, i) => ({ person: labels[i % people], label: i % people, embedding: unit() }));
  return { labels, train, val, test: [], testSplit: 'bench', stats: { trainImages: photos, computed: 0, cached: 0, seconds: 0 } };
}

/** Median epoch seconds of fc1 (preset 2's head) with each implementation, in one process. */
export async function measureEpochs(epochs = 3, tfjsBatches = 4): Promise<EpochTiming[]> {
  const { photos, dim, people, batch } = GALLERY_SHAPE;
  const bank = syntheticBank(photos, dim, people);
  const config = { ...runConfig(2, 'bench'), epochs };
  const out: EpochTiming[] = [];
  await selectBackend('wasm'); // the trained head is handed over as a tfjs model
  // The JavaScript products take tens of seconds an epoch: one epoch of them is enough to compare.
  for (const [implementation, count] of [
    ['onnx', epochs],
    ['js', 1],
  ] as const) {
    const trained = await trainHead(bank, { ...config, epochs: count }, { matmul: implementation });
    trained.model.dispose();
    out.push({
      implementation,
      epochSeconds: round(median(trained.history.map((h) => h.seconds)), 2),
      basis: `median of ${count} epoch${count === 1 ? '' : 's'}`,
    });
  }
  const model = buildHeadModel('fc1', dim, people, 42);
  const optimizer = tf.train.adam(0.003);
  const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const times: number[] = [];
  for (let b = 0; b < tfjsBatches + 1; b++) {
    const rows = bank.train.slice(b * batch, (b + 1) * batch);
    const started = performance.now();
    tf.tidy(() => {
      const x = tf.tensor2d(
        rows.flatMap((r) => [...r.clean]),
        [rows.length, dim],
      );
      const y = tf.tensor1d(
        rows.map((r) => r.label),
        'int32',
      );
      optimizer.minimize(() => nllLoss(tf.logSoftmax(model.apply(x, { training: true }) as tf.Tensor2D), y), false, weights);
    });
    if (b > 0) times.push((performance.now() - started) / 1000); // the first batch warms the kernels up
  }
  model.dispose();
  optimizer.dispose();
  const batches = Math.ceil(photos / batch);
  out.push({
    implementation: 'tfjs-wasm',
    epochSeconds: round(median(times) * batches, 1),
    basis: `median of ${tfjsBatches} batches x ${batches} batches per epoch`,
  });
  return out;
}
