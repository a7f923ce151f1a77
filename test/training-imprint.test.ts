/**
 * Preset 6's parts on synthetic embeddings: the eigen-solver, WCCN, and the imprinted cosine head,
 * which scores exactly what the prototypes score before its first step, and whose fine-tune
 * and whitening are chosen on validation so they never leave it below the prototypes there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CentroidHead } from '../src/engine/heads/centroid.js';
import { scoreSamples, evaluateScores } from '../src/engine/heads/evaluate.js';
import { l2normalise, seededRandom } from '../src/engine/math.js';
import { symmetricEigen } from '../src/engine/train/imprint/eigen.js';
import { trainImprinted } from '../src/engine/train/imprint/train-imprinted.js';
import { whiteningMatrix, withinClassCovariance } from '../src/engine/train/imprint/wccn.js';
import { jsMatMul } from '../src/engine/train/native/matmul.js';
import type { FeatureBank } from '../src/engine/train/feature-bank.js';
import type { Box } from '../src/base/box.js';

test('symmetric eigen-decomposition: A v = lambda v for every pair, values ascending, vectors orthonormal', () => {
  const n = 12;
  const random = seededRandom(4);
  const b = Array.from({ length: n * n }, () => random() - 0.5);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += b[i * n + k] * b[j * n + k];
  const { values, vectors } = symmetricEigen(a, n);
  for (let v = 0; v < n; v++) {
    if (v > 0) assert.ok(values[v] >= values[v - 1]);
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let k = 0; k < n; k++) av += a[i * n + k] * vectors[v * n + k];
      assert.ok(Math.abs(av - values[v] * vectors[v * n + i]) < 1e-10, `pair ${v}`);
    }
    for (let w = 0; w < n; w++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += vectors[v * n + k] * vectors[w * n + k];
      assert.ok(Math.abs(dot - (v === w ? 1 : 0)) < 1e-10);
    }
  }
});

test('WCCN whitens the within-class covariance: P S P is the identity at strength 0 on the directions S spans', async () => {
  const dim = 6;
  const random = seededRandom(9);
  const features = Float32Array.from({ length: 300 * dim }, (_, i) => (random() - 0.5) * (1 + (i % dim)));
  const labels = Int32Array.from({ length: 300 }, (_, i) => i % 5);
  const s = await withinClassCovariance(jsMatMul, { features, labels, dim }, 5);
  const p = await whiteningMatrix(jsMatMul, symmetricEigen(s, dim), 1e-9);
  // P S P = c I for the scale c the map carries.
  const at = (m: ArrayLike<number>, i: number, j: number) => m[i * dim + j];
  const pspAt = (i: number, j: number) => {
    let sum = 0;
    for (let k = 0; k < dim; k++) for (let l = 0; l < dim; l++) sum += at(p, i, k) * at(s, k, l) * at(p, l, j);
    return sum;
  };
  const c = pspAt(0, 0);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) assert.ok(Math.abs(pspAt(i, j) - (i === j ? c : 0)) < 1e-3 * c, `(${i}, ${j})`);
});

/** People as noisy directions; a nuisance direction shared by all (like light or blur) makes photos of one person vary. */
function bank(seed: number): FeatureBank {
  const random = seededRandom(seed);
  const dim = 16;
  const people = 12;
  const centres = Array.from({ length: people }, () => l2normalise(Float32Array.from({ length: dim }, () => random() - 0.5)));
  const nuisance = l2normalise(Float32Array.from({ length: dim }, () => random() - 0.5));
  const photo = (label: number) => l2normalise(centres[label].map((c, j) => c + (random() - 0.5) * 0.5 + nuisance[j] * (random() - 0.5) * 4));
  const labelled = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      person: `p${String(i % people).padStart(2, '0')}`,
      label: i % people,
      embedding: photo(i % people),
      twin: photo(i % people),
    }));
  return {
    labels: Array.from({ length: people }, (_, i) => `p${String(i).padStart(2, '0')}`),
    train: labelled(96).map((s, i) => ({ ...s, contentHash: String(i), file: '', box: [0, 0, 1, 1] as Box, clean: s.embedding, views: [], pairs: [] })),
    val: labelled(72),
    test: labelled(120),
    testSplit: 'synthetic',
    stats: { trainImages: 96, computed: 0, cached: 0, seconds: 0 },
  };
}

const settings = { epochs: 0, learningRate: 1e-3, batchSize: 16, seed: 1, margin: 0.1, whitening: [] as number[] };

test('before its first step the imprinted head is the prototypes: the same scores as a centroid head of train + val photos with twins', async () => {
  const b = bank(1);
  for (const matmul of ['onnx', 'js'] as const) {
    const r = await trainImprinted(b, settings, { matmul });
    const prototypes = CentroidHead.fit([...b.train.map((s) => ({ ...s, embedding: s.clean })), ...b.val]);
    const queries = b.test.map((s) => s.embedding);
    const [mine, theirs] = [await r.head.scores(queries), await prototypes.scores(queries)];
    mine.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - theirs[i][j]) < 1e-5, `${matmul}: query ${i}, person ${j}`)));
    // And on validation, the starting point is the train-only prototypes' accuracy.
    const trainOnly = evaluateScores(b.labels, await scoreSamples(CentroidHead.fit(b.train.map((s) => ({ ...s, embedding: s.clean }))), b.val));
    assert.equal(r.fineTune.start.valAccuracy, trainOnly.top1);
  }
});

test('whitening and fine-tuning are kept only where validation says so, and lift accuracy when a nuisance direction hurts the prototypes', async () => {
  const b = bank(2);
  const plain = evaluateScores(b.labels, await scoreSamples((await trainImprinted(b, settings)).head, b.test));
  const tuned = await trainImprinted(b, { ...settings, epochs: 15, whitening: [4, 1, 0.25, 0.0625] });
  const best = tuned.trials.reduce((a, t) => Math.max(a, t.valAccuracy), 0);
  assert.equal(tuned.trials.find((t) => t.strength === tuned.strength)!.valAccuracy, best, 'the chosen strength has the best validation accuracy');
  assert.notEqual(tuned.strength, null, 'whitening helps here: the nuisance direction is shared by everyone');
  assert.ok(tuned.fineTune.bestValLoss <= tuned.fineTune.start.valLoss, 'the kept epoch is never worse than the start on validation');
  const after = evaluateScores(b.labels, await scoreSamples(tuned.head, b.test));
  assert.ok(after.top1 > plain.top1, `test top-1 ${after.top1} against the prototypes' ${plain.top1}`);
  // The same seed gives the same head.
  const again = await trainImprinted(b, { ...settings, epochs: 15, whitening: [4, 1, 0.25, 0.0625] });
  assert.deepEqual(await again.head.scores([b.test[0].embedding]), await tuned.head.scores([b.test[0].embedding]));
});
