// The promotion rule (pure): same test split or no promotion; ties keep the current model;
// old models without a fingerprint are compared by their people; a pinned model stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answeringModel, decidePromotion, type AnsweringModel, type CandidateModel } from '../src/engine/train/promotion-rule.js';
import type { ModelManifest } from '../src/engine/model/manifest.js';

const SEVENTEEN = Array.from({ length: 17 }, (_, i) => `Person ${i + 1}`);
const FIVE = ['Ava', 'Ben', 'Cleo', 'Dan', 'Eve'];

const run = (over: Partial<CandidateModel> = {}): CandidateModel => ({ runId: 12, testTop1: 0.9, labels: SEVENTEEN, testSplit: 'split-a', ...over });
const shipped = (over: Partial<AnsweringModel> = {}): AnsweringModel => ({
  runId: null,
  isDefault: true,
  pinned: false,
  testTop1: 0.85,
  labels: [...SEVENTEEN].reverse(), // order does not matter, only who
  testSplit: 'split-a',
  ...over,
});

test('same test split: promoted only when strictly more accurate; a tie keeps the current model', () => {
  const better = decidePromotion(run({ testTop1: 0.9 }), shipped());
  assert.deepEqual(better, { promoted: true, reason: 'run 12 (90.00%) beats the shipped default model (85.00%) by 5.00 points on the same test split' });
  const worse = decidePromotion(run({ testTop1: 0.8 }), shipped());
  assert.deepEqual(worse, { promoted: false, reason: 'run 12 (80.00%) misses the shipped default model (85.00%) by 5.00 points on the same test split' });
  const tie = decidePromotion(run({ testTop1: 0.85 }), shipped());
  assert.equal(tie.promoted, false);
  assert.match(tie.reason, /a tie keeps the current model$/);
  const againstRun = decidePromotion(run(), shipped({ isDefault: false, runId: 3, testTop1: 0.95 }));
  assert.match(againstRun.reason, /^run 12 \(90\.00%\) misses run 3's model \(95\.00%\)/);
});

test('another test split, even with the same people and a much higher accuracy: not promoted', () => {
  const d = decidePromotion(run({ testTop1: 1, testSplit: 'split-b' }), shipped());
  assert.deepEqual(d, {
    promoted: false,
    reason: 'trained on other data (the same 17 people, another test split) than the answering model (the shipped default model, 17 people)',
  });
});

test('other people (a 5-person run against a 1,632-person gallery): not promoted, whatever the accuracies', () => {
  const gallery = shipped({ labels: Array.from({ length: 1632 }, (_, i) => `p${i}`), testSplit: 'gallery', testTop1: 0.4 });
  const d = decidePromotion(run({ labels: FIVE, testTop1: 1, testSplit: 'tiny' }), gallery);
  assert.deepEqual(d, {
    promoted: false,
    reason: 'trained on other data (5 people, another test split) than the answering model (the shipped default model, 1,632 people)',
  });
});

test('an old answering model without a fingerprint: compared by its people', () => {
  const old = shipped({ testSplit: null });
  const same = decidePromotion(run({ testTop1: 0.9 }), old);
  assert.deepEqual(same, { promoted: true, reason: 'run 12 (90.00%) beats the shipped default model (85.00%) by 5.00 points on the same people' });
  assert.equal(decidePromotion(run({ testTop1: 0.85 }), old).promoted, false, 'a tie keeps it');
  const other = decidePromotion(run({ labels: FIVE, testTop1: 1 }), old);
  assert.deepEqual(other, { promoted: false, reason: 'trained on other data (5 people) than the answering model (the shipped default model, 17 people)' });
});

test('a pinned model is never replaced; nor is a run offered against itself', () => {
  const pinned = shipped({ isDefault: false, runId: 3, pinned: true, testTop1: 0.1 });
  assert.deepEqual(decidePromotion(run({ testTop1: 1 }), pinned), { promoted: false, reason: "the answering model (run 3's model) is pinned" });
  assert.equal(decidePromotion(run(), shipped({ isDefault: false, runId: 12 })).promoted, false);
});

test('no answering model at all, or one of unknown accuracy or data', () => {
  assert.deepEqual(decidePromotion(run(), null), { promoted: true, reason: 'run 12 (90.00%) is the first model to answer photos' });
  const unknownAccuracy = decidePromotion(run(), shipped({ isDefault: false, runId: 3, testTop1: null }));
  assert.deepEqual(unknownAccuracy, { promoted: true, reason: "run 12 (90.00%) replaces run 3's model, whose test accuracy is unknown" });
  // The active run's directory is gone: only the stored accuracy is known.
  const unknownData = decidePromotion(run({ labels: FIVE }), shipped({ isDefault: false, runId: 3, labels: null, testSplit: null, testTop1: 0.95 }));
  assert.equal(unknownData.promoted, false);
  assert.match(unknownData.reason, /its data is unknown/);
});

test('answeringModel: the active row wins over the default; accuracy from the row, data from the manifest', () => {
  const manifest = { labels: FIVE, metrics: { testTop1: 0.7, testTop3: 0.9 }, data: { testSplit: 'x' } } as unknown as ModelManifest; // only these fields are read
  assert.equal(answeringModel(null, null), null);
  assert.deepEqual(answeringModel(null, manifest), { runId: null, isDefault: true, pinned: false, testTop1: 0.7, labels: FIVE, testSplit: 'x' });
  const active = { runId: 4, modelPath: 'm', testAccuracy: 0.8, pinned: true, updatedAt: '' };
  assert.deepEqual(answeringModel(active, manifest), { runId: 4, isDefault: false, pinned: true, testTop1: 0.8, labels: FIVE, testSplit: 'x' });
  assert.deepEqual(answeringModel(active, null), { runId: 4, isDefault: false, pinned: true, testTop1: 0.8, labels: null, testSplit: null });
});
