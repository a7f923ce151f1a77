import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { CentroidHead } from '../src/engine/heads/centroid.js';
import { evaluateScores } from '../src/engine/heads/evaluate.js';
import { expectedCalibrationError, fitTemperature, nll, topKAccuracy } from '../src/engine/heads/metrics.js';
import { rankMatches } from '../src/engine/lookalike.js';
import { l2normalise, softmax } from '../src/engine/math.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelManifest } from '../src/engine/model/manifest.js';
import { loadModel, writeModelDir } from '../src/engine/model/model-dir.js';
import { tempDir } from './helpers/temp.js';

const v = (...xs: number[]) => l2normalise(Float32Array.from(xs));

test('softmax with temperature matches hand-computed values', () => {
  const p = softmax([1, 2, 3]);
  const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
  const z = e[0] + e[1] + e[2];
  p.forEach((x, i) => assert.ok(Math.abs(x - e[i] / z) < 1e-12));
  const sharp = softmax([1, 2, 3], 0.5);
  assert.ok(Math.abs(sharp[2] - Math.exp(6) / (Math.exp(2) + Math.exp(4) + Math.exp(6))) < 1e-12);
  assert.deepEqual([...softmax([1000, 1000])], [0.5, 0.5], 'stable for large scores');
});

test('top-k accuracy, NLL and ECE on a small hand-made set', () => {
  const samples = [
    { scores: [3, 1, 0], label: 0 }, // right
    { scores: [0, 2, 1], label: 2 }, // second
    { scores: [1, 0, 2], label: 1 }, // third
  ];
  assert.equal(topKAccuracy(samples, 1), 1 / 3);
  assert.equal(topKAccuracy(samples, 2), 2 / 3);
  assert.equal(topKAccuracy(samples, 3), 1);
  const expectedNll = -(Math.log(softmax([3, 1, 0])[0]) + Math.log(softmax([0, 2, 1])[2]) + Math.log(softmax([1, 0, 2])[1])) / 3;
  assert.ok(Math.abs(nll(samples, 1) - expectedNll) < 1e-12);
  // Each bin holds only right or only wrong samples here, so ECE = mean |correct - confidence|.
  const conf = samples.map((s) => Math.max(...softmax(s.scores)));
  const expectedEce = (Math.abs(1 - conf[0]) + conf[1] + conf[2]) / 3;
  assert.ok(Math.abs(expectedCalibrationError(samples, 1, 15) - expectedEce) < 1e-12);
});

test('temperature scaling finds the analytic NLL minimum and respects its lower bound', () => {
  // Over-confident scores: right 70% of the time but with huge margins.
  const samples = Array.from({ length: 100 }, (_, i) => ({ scores: i % 10 < 7 ? [10, 0] : [10, 0], label: i % 10 < 7 ? 0 : 1 }));
  const t = fitTemperature(samples);
  // Analytic optimum: p(right) = 0.7 = sigmoid(10 / T) -> T = 10 / ln(7/3).
  assert.ok(Math.abs(t - 10 / Math.log(7 / 3)) < 0.01, `T = ${t}`);
  assert.ok(expectedCalibrationError(samples, t) < expectedCalibrationError(samples, 1));
  assert.ok(Math.abs(fitTemperature(samples, 20) - 20) < 1e-6, 'respects the lower bound');
});

test('centroid head: means per person, scores are cosine similarities, bytes round-trip', async () => {
  const head = CentroidHead.fit([
    { person: 'b', embedding: v(0, 1, 0) },
    { person: 'a', embedding: v(1, 0, 0) },
    { person: 'a', embedding: v(1, 1, 0) },
  ]);
  assert.deepEqual(head.labels, ['a', 'b']);
  const [scores] = await head.scores([v(1, 0, 0)]);
  assert.ok(Math.abs(scores[0] - Math.cos(Math.PI / 8)) < 1e-6, `${scores[0]}`);
  assert.ok(Math.abs(scores[1]) < 1e-6);
  const copy = CentroidHead.fromBytes(head.labels, head.toBytes());
  assert.deepEqual(copy.centroids, head.centroids);
});

test('rankMatches: calibrated confidences, best first, top k', () => {
  const m = rankMatches([0.2, 0.9, 0.5], ['x', 'y', 'z'], 0.1, 2);
  assert.deepEqual(
    m.map((x) => x.name),
    ['y', 'z'],
  );
  assert.ok(Math.abs(m[0].confidence - softmax([0.2, 0.9, 0.5], 0.1)[1]) < 1e-12);
});

test('evaluation: per-person accuracy and confusion matrix', () => {
  const e = evaluateScores(
    ['a', 'b'],
    [
      { scores: [1, 0], label: 0 },
      { scores: [0, 1], label: 0 },
      { scores: [0, 1], label: 1 },
    ],
  );
  assert.deepEqual(e.confusion.matrix, [
    [1, 1],
    [0, 1],
  ]);
  assert.deepEqual(e.perPerson, { a: 0.5, b: 1 });
  assert.equal(e.top1, 2 / 3);
});

test('model directories are written atomically and validated on load', async () => {
  const dir = path.join(tempDir('celeb-model-'), 'm');
  const head = CentroidHead.fit([
    { person: 'a', embedding: v(1, 0) },
    { person: 'b', embedding: v(0, 1) },
  ]);
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    created: new Date().toISOString(),
    backbone: 'faceres',
    dim: 2,
    head: { kind: 'centroid', file: 'centroids.bin' },
    labels: ['a', 'b'],
    temperature: 0.05,
    thumbnails: {},
    data: { source: 'x', images: { train: 2, val: 0, test: 0 }, perPerson: {} },
    metrics: null,
  };
  await writeModelDir(dir, manifest, { 'centroids.bin': head.toBytes() });
  await writeModelDir(dir, { ...manifest, temperature: 0.1 }, { 'centroids.bin': head.toBytes() }); // replace in place
  const loaded = await loadModel(dir);
  assert.equal(loaded.manifest.temperature, 0.1);
  assert.deepEqual(readdirSync(path.dirname(dir)), ['m'], 'no temp or old directories left behind');
  await writeModelDir(dir, { ...manifest, labels: ['only-one'] }, {});
  await assert.rejects(loadModel(dir), /at least two people/);
});
