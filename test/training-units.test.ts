import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/runtime/backend.js';
import { focalLoss, nllLoss } from '../src/engine/train/losses.js';
import { drawEpoch, samplePairingActive } from '../src/engine/train/schedule.js';
import { PRESETS, runConfig } from '../src/engine/train/presets.js';
import { trainHead } from '../src/engine/train/trainer.js';
import type { Box } from '../src/base/box.js';
import { pairBlocks, pairPartners, PAIR_BLOCK, type BankImage, type FeatureBank } from '../src/engine/train/feature-bank.js';
import { viewSeed } from '../src/engine/augment/recipe.js';
import { l2normalise, seededRandom } from '../src/engine/math.js';

before(async () => {
  await selectBackend('wasm');
});

const logProbs = [
  [Math.log(0.7), Math.log(0.2), Math.log(0.1)],
  [Math.log(0.25), Math.log(0.25), Math.log(0.5)],
];

test('NLL loss equals -mean(log p[y]) computed by hand', () => {
  const value = nllLoss(tf.tensor2d(logProbs), tf.tensor1d([0, 1], 'int32')).dataSync()[0];
  assert.ok(Math.abs(value - -(Math.log(0.7) + Math.log(0.25)) / 2) < 1e-6, `${value}`);
});

test('focal loss equals -mean((1-p)^2 log p) by hand, and gamma 0 is NLL', () => {
  const value = focalLoss(tf.tensor2d(logProbs), tf.tensor1d([0, 2], 'int32'), 2).dataSync()[0];
  const expected = -(0.3 ** 2 * Math.log(0.7) + 0.5 ** 2 * Math.log(0.5)) / 2;
  assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
  const gamma0 = focalLoss(tf.tensor2d(logProbs), tf.tensor1d([0, 2], 'int32'), 0).dataSync()[0];
  assert.ok(Math.abs(gamma0 - -(Math.log(0.7) + Math.log(0.5)) / 2) < 1e-6);
});

test('sample pairing runs between 20% and 80% of the epochs, 8 on / 2 off', () => {
  const on = Array.from({ length: 100 }, (_, e) => samplePairingActive(e, 100));
  assert.equal(on.slice(0, 20).some(Boolean), false);
  assert.equal(on.slice(80).some(Boolean), false);
  assert.deepEqual(on.slice(20, 30), [true, true, true, true, true, true, true, true, false, false]);
  assert.equal(on.filter(Boolean).length, 48);
});

const vec = (...xs: number[]) => l2normalise(Float32Array.from(xs));

test('each epoch draws one view per image with its label; pairing draws paired views', () => {
  const bank: BankImage[] = [0, 1, 2].map((label) => ({
    person: `p${label}`,
    label,
    contentHash: `${label}`,
    file: '',
    box: [0, 0, 1, 1] as Box,
    clean: vec(label, 1, 0),
    views: [vec(label, 2, 0)],
    pairs: [vec(label, 3, 9)],
  }));
  const plain = drawEpoch(bank, seededRandom(1), false);
  assert.deepEqual([...plain.labels].sort(), [0, 1, 2]);
  for (let row = 0; row < 3; row++) {
    const f = plain.features.subarray(row * 3, row * 3 + 3);
    assert.equal(f[2], 0, 'clean or augmented, never paired');
  }
  const paired = drawEpoch(bank, seededRandom(1), true);
  for (let row = 0; row < 3; row++) assert.ok(paired.features[row * 3 + 2] > 0.5, 'paired views');
});

test('presets match the original five processes; flags override; nonsense is refused', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((id) => {
      const p = PRESETS[id as 1];
      return [p.head, p.loss, p.samplePairing, p.epochs];
    }),
    [
      ['fc2', 'nll', false, 200],
      ['fc1', 'nll', false, 50],
      ['fc1', 'focal', false, 50],
      ['fc1', 'nll', false, 100],
      ['fc1', 'nll', true, 100],
    ],
  );
  const c = runConfig(5, 'data/x', { epochs: 3, head: 'fc2' });
  assert.deepEqual([c.head, c.loss, c.samplePairing, c.epochs, c.learningRate, c.weightDecay, c.batchSize], ['fc2', 'nll', true, 3, 0.003, 1e-5, 128]);
  assert.throws(() => runConfig(7 as 1, 'x'), /six training presets/);
  assert.throws(() => runConfig(1, 'x', { loss: 'hinge' as 'nll' }), /the loss must be nll or focal/);
});

/** Three well-separated people with noisy embeddings. */
function syntheticBank(seed: number): FeatureBank {
  const random = seededRandom(seed);
  const centre = [vec(1, 0, 0, 0, 0, 0, 0, 0), vec(0, 1, 0, 0, 0, 0, 0, 0), vec(0, 0, 1, 0, 0, 0, 0, 0)];
  const noisy = (label: number) => vec(...centre[label].map((c) => c + (random() - 0.5) * 0.8));
  const make = (n: number) => Array.from({ length: n }, (_, i) => ({ person: `p${i % 3}`, label: i % 3, embedding: noisy(i % 3) }));
  return {
    labels: ['p0', 'p1', 'p2'],
    train: make(60).map((s, i) => ({
      person: s.person,
      label: s.label,
      contentHash: String(i),
      file: '',
      box: [0, 0, 1, 1] as Box,
      clean: s.embedding,
      views: [noisy(s.label)],
      pairs: [],
    })),
    val: make(15),
    test: make(15),
    testSplit: 'synthetic',
    stats: { trainImages: 60, computed: 0, cached: 0, seconds: 0 },
  };
}

test('the trainer learns separable people and keeps the epoch with the lowest validation loss', async () => {
  for (const head of ['fc1', 'fc2'] as const) {
    const bank = syntheticBank(3);
    const epochs: number[] = [];
    const trained = await trainHead(
      bank,
      { ...runConfig(2, 'x'), head, epochs: 40, batchSize: 16, learningRate: 0.01 },
      { onEpoch: (e) => epochs.push(e.valLoss) },
    );
    assert.equal(trained.history.length, 40);
    assert.ok(trained.history.at(-1)!.valAccuracy >= 0.9, `${head} val accuracy ${trained.history.at(-1)!.valAccuracy}`);
    assert.ok(trained.history.at(-1)!.trainLoss < trained.history[0].trainLoss, 'train loss falls');
    assert.equal(trained.bestValLoss, Math.min(...epochs));
    assert.equal(trained.bestEpoch, epochs.indexOf(Math.min(...epochs)) + 1);
    // The returned weights are the best epoch's: re-evaluating gives the best validation loss.
    const x = tf.tensor2d(
      bank.val.flatMap((s) => [...s.embedding]),
      [bank.val.length, 8],
    );
    const y = tf.tensor1d(
      bank.val.map((s) => s.label),
      'int32',
    );
    const tfjsLoss = tf.tidy(() => nllLoss(tf.logSoftmax(trained.model.predict(x) as tf.Tensor2D), y).dataSync()[0]);
    assert.ok(Math.abs(tfjsLoss - trained.bestValLoss) < 1e-5, `${tfjsLoss} vs ${trained.bestValLoss}`);
    trained.model.dispose();
  }
});

test('same seed, same training; shouldStop ends it early', async () => {
  const a = await trainHead(syntheticBank(5), { ...runConfig(2, 'x'), epochs: 5, batchSize: 16 });
  const b = await trainHead(syntheticBank(5), { ...runConfig(2, 'x'), epochs: 5, batchSize: 16 });
  assert.deepEqual(
    a.history.map((e) => e.trainLoss),
    b.history.map((e) => e.trainLoss),
  );
  let calls = 0;
  const stopped = await trainHead(syntheticBank(5), { ...runConfig(2, 'x'), epochs: 50, batchSize: 16 }, { shouldStop: () => ++calls > 8 });
  assert.ok(stopped.stopped && stopped.history.length < 50);
  for (const t of [a, b, stopped]) t.model.dispose();
});

test('sample-pairing partners stay within blocks of at most 2,048 images (bounded crops in memory); up to that, as before', () => {
  assert.deepEqual(pairBlocks(1195), [[0, 1195]]);
  const blocks = pairBlocks(10319);
  assert.equal(blocks.length, 6);
  assert.ok(
    blocks.every(([a, z]) => z - a <= PAIR_BLOCK && z - a >= 1700),
    JSON.stringify(blocks),
  );
  assert.deepEqual(
    blocks.map(([a]) => a),
    [0, ...blocks.slice(0, -1).map(([, z]) => z)],
    'contiguous',
  );
  assert.equal(blocks.at(-1)?.[1], 10319);

  const hashes = Array.from({ length: 1195 }, (_, i) => `h${i}`);
  // The partners drawn over all images before blocks existed: a dataset within one block keeps its cached paired views.
  const before = (index: number) => {
    const random = seededRandom(viewSeed(hashes[index], 1000));
    return [0, 1].map(() => {
      const j = Math.floor(random() * (hashes.length - 1));
      return j >= index ? j + 1 : j;
    });
  };
  for (const i of [0, 17, 600, 1194]) assert.deepEqual(pairPartners(i, hashes, 2), before(i));

  const many = Array.from({ length: 10319 }, (_, i) => `g${i}`);
  for (const i of [0, 2047, 5000, 10318]) {
    const [a, z] = blocks.find(([x, y]) => i >= x && i < y)!;
    const partners = pairPartners(i, many, 4);
    assert.ok(
      partners.every((p) => p >= a && p < z && p !== i),
      `${i}: ${partners.join(', ')} within [${a}, ${z})`,
    );
  }
  assert.deepEqual(pairPartners(0, ['only'], 2), []);
});

test('preset 6 and the data: on a gallery split runs take its backbone, default to preset 6 and never flip views of a +flip backbone', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { gallerySplitBackbone, SPLIT_INFO_FILE } = await import('../src/engine/gallery/split-layout.js');
  const { defaultPreset, describePreset: describe } = await import('../src/engine/train/presets.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'celeb-split-'));
  try {
    assert.equal(gallerySplitBackbone(dir), undefined, 'an imported dataset is no gallery split');
    assert.equal(defaultPreset(false), 2);
    writeFileSync(path.join(dir, SPLIT_INFO_FILE), JSON.stringify({ made: 'celeb gallery split', backbone: 'faceres+faceapi+flip' }));
    const backbone = gallerySplitBackbone(dir);
    assert.equal(backbone, 'faceres+faceapi+flip');
    assert.equal(defaultPreset(backbone !== undefined), 6);
    const six = runConfig(6, dir, {}, backbone);
    assert.deepEqual(
      [
        six.head,
        six.init,
        six.margin,
        six.whitening,
        six.learningRate,
        six.epochs,
        six.backbone,
        six.augment.flipProbability,
        six.augment.views,
        six.augment.degrade,
      ],
      ['cosine', 'prototypes', 0.1, false, 1e-4, 10, 'faceres+faceapi+flip', 0, 0, 1],
    );
    assert.equal(describe(PRESETS[6]), 'imprinted cosine head + CosFace 0.1, 10 epochs');
    // An explicit backbone wins; a plain one keeps flipped views; the original presets keep their learning rate.
    const two = runConfig(2, dir, { backbone: 'faceres' }, backbone);
    assert.deepEqual([two.backbone, two.augment.flipProbability, two.learningRate, two.init], ['faceres', 0.5, 0.003, 'random']);
    assert.throws(() => runConfig(6, dir, { init: 'random' }), /starts from the prototypes/);
    assert.throws(() => runConfig(2, dir, { margin: 1 }), /margin/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
