import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignGroups, nearDuplicateGroups, parseSplitRatios } from '../src/engine/dataset/split.js';
import { l2normalise } from '../src/engine/math.js';
import { testSplitFingerprint } from '../src/engine/dataset/test-split.js';

test('split ratios parse and normalise; nonsense is refused', () => {
  assert.deepEqual(parseSplitRatios('70,15,15'), { train: 0.7, val: 0.15, test: 0.15 });
  assert.deepEqual(parseSplitRatios('2, 1, 1'), { train: 0.5, val: 0.25, test: 0.25 });
  assert.throws(() => parseSplitRatios('70,30'), /three numbers/);
  assert.throws(() => parseSplitRatios('70,30,0'), /three numbers/);
});

test('100 single images split 70/15/15 exactly, deterministically per seed', () => {
  const sizes = new Array(100).fill(1);
  const a = assignGroups(sizes, parseSplitRatios('70,15,15'), 42);
  const count = (s: string[]) => ({
    train: s.filter((x) => x === 'train').length,
    val: s.filter((x) => x === 'val').length,
    test: s.filter((x) => x === 'test').length,
  });
  assert.deepEqual(count(a), { train: 70, val: 15, test: 15 });
  assert.deepEqual(assignGroups(sizes, parseSplitRatios('70,15,15'), 42), a, 'same seed, same split');
  assert.notDeepEqual(assignGroups(sizes, parseSplitRatios('70,15,15'), 43), a, 'another seed, another split');
});

test('a person with three photos still gets a test photo', () => {
  const s = assignGroups([1, 1, 1], parseSplitRatios('70,15,15'), 1);
  assert.ok(s.includes('test') && s.includes('train'));
});

test('near-identical embeddings are grouped transitively; distinct ones are not', () => {
  const base = [1, 0, 0, 0];
  const e = [
    l2normalise(Float32Array.from(base)),
    l2normalise(Float32Array.from([1, 0.1, 0, 0])), // cos 0.995 to 0
    l2normalise(Float32Array.from([1, 0.2, 0.05, 0])), // cos 0.995 to 1, 0.979 to 0: joins via 1
    l2normalise(Float32Array.from([0, 1, 0, 0])),
  ];
  const groups = nearDuplicateGroups(e, 0.98)
    .map((g) => g.sort())
    .sort((a, b) => a[0] - b[0]);
  assert.deepEqual(groups, [[0, 1, 2], [3]]);
});

test('test-split fingerprint: order-free, 16 hex chars, changes with a photo or a person', () => {
  const a = [
    { person: 'Ava', contentHash: 'h1' },
    { person: 'Ben', contentHash: 'h2' },
  ];
  const fp = testSplitFingerprint(a);
  assert.match(fp, /^[0-9a-f]{16}$/);
  assert.equal(testSplitFingerprint([...a].reverse()), fp);
  assert.notEqual(testSplitFingerprint([a[0], { person: 'Ben', contentHash: 'h3' }]), fp);
  assert.notEqual(testSplitFingerprint([a[0], { person: 'Cleo', contentHash: 'h2' }]), fp);
  assert.notEqual(testSplitFingerprint([a[0]]), fp);
});
