/**
 * The gallery split (pure): the same test photos as `gallery eval` held out before it existed,
 * val from the same people, every person in train; its layout plan; and the shipped gallery as a
 * leaderboard row that runs on its split are shown beside and promoted against (real SQLite,
 * real model directories).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { testSplitFingerprint } from '../src/engine/dataset/test-split.js';
import { evaluateGallery, type EvalPerson } from '../src/engine/gallery/evaluate.js';
import { galleryResultOf, recordGallery } from '../src/engine/gallery/leaderboard-row.js';
import { DEFAULT_SPLIT, gallerySplit, gallerySplitFingerprint, splitPhotos, type GallerySplitRules } from '../src/engine/gallery/split.js';
import { planSplitLayout } from '../src/engine/gallery/split-layout.js';
import { CentroidHead } from '../src/engine/heads/centroid.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelManifest } from '../src/engine/model/manifest.js';
import { writeModelDir } from '../src/engine/model/model-dir.js';
import { formatLeaderboard, SPLIT_NOTE } from '../src/report/table.js';
import { promoteIfBetter } from '../src/engine/train/promotion.js';
import { l2normalise, seededRandom, shuffle } from '../src/engine/math.js';
import { createRun, finishRun, getActiveModel, leaderboard, markRunning, openDatabase, saveResult, type Database } from '../src/store/index.js';
import { tempDir } from './helpers/temp.js';

/** `gallery eval`'s selection as it was written before the split existed: the reference the split must reproduce. */
function evalHoldout(counts: readonly number[], rules: GallerySplitRules): Set<number>[] {
  const random = seededRandom(rules.seed);
  const small = !counts.some((n) => n >= rules.minPhotos);
  const [minPhotos, holdout] = small ? [3, 1] : [rules.minPhotos, rules.holdout];
  return counts.map((n) => (n >= minPhotos ? new Set(shuffle([...Array(n).keys()], random).slice(0, holdout)) : new Set<number>()));
}

const indicesOf = (assignment: string[], split: string) => assignment.flatMap((s, i) => (s === split ? [i] : []));

test('gallery split: the test photos are the ones gallery eval held out; val from the same people; few-photo people only in train', () => {
  const random = seededRandom(5);
  const counts = Array.from({ length: 300 }, () => 1 + Math.floor(random() * 12));
  const split = gallerySplit(counts);
  assert.deepEqual(split, gallerySplit(counts), 'deterministic');
  assert.notDeepEqual(gallerySplit(counts, { ...DEFAULT_SPLIT, seed: 7 }).assignment, split.assignment, 'the seed matters');
  const reference = evalHoldout(counts, DEFAULT_SPLIT);
  assert.equal(split.small, false);
  counts.forEach((n, p) => {
    const a = split.assignment[p];
    assert.equal(a.length, n, 'one split per photo, so no photo is in two');
    assert.deepEqual(
      indicesOf(a, 'test'),
      [...reference[p]].sort((x, y) => x - y),
      `person ${p}: the eval's held-out photos`,
    );
    const expected = n >= 8 ? 2 : 0;
    assert.equal(indicesOf(a, 'test').length, expected);
    assert.equal(indicesOf(a, 'val').length, expected, 'val: as many as test, from the same people');
    assert.equal(indicesOf(a, 'train').length, n - 2 * expected, 'the rest trains; a person with < 8 photos is only in train');
  });
  const total = counts.reduce((s, n) => s + n, 0);
  assert.equal(split.counts.train + split.counts.val + split.counts.test, total);
});

test('gallery split: a small gallery (no one with 8 photos) holds out 1 test and 1 val photo of everyone with 3', () => {
  const counts = [3, 5, 2, 1, 7, 4];
  const split = gallerySplit(counts);
  assert.equal(split.small, true);
  const reference = evalHoldout(counts, DEFAULT_SPLIT);
  counts.forEach((n, p) => {
    const a = split.assignment[p];
    assert.deepEqual(indicesOf(a, 'test'), [...reference[p]]);
    assert.equal(indicesOf(a, 'val').length, n >= 3 ? 1 : 0);
    assert.ok(indicesOf(a, 'train').length >= 1, 'everyone keeps a training photo');
  });
});

test('gallery eval measures on the split: its queries are the test photos, per source', () => {
  const random = seededRandom(3);
  const people: EvalPerson[] = Array.from({ length: 40 }, (_, p) => {
    const centre = l2normalise(Float32Array.from({ length: 32 }, () => random() * 2 - 1));
    const photos = Array.from({ length: p % 3 === 0 ? 9 : 5 }, (_, i) => ({
      source: i % 2 ? 'odd' : 'even',
      embedding: l2normalise(centre.map((x) => x + (random() - 0.5) * 0.2)),
    }));
    return { name: `P${p}`, photos };
  });
  const e = evaluateGallery(people);
  const split = gallerySplit(people.map((p) => p.photos.length));
  assert.equal(e.queries, split.counts.test);
  const bySource: Record<string, number> = {};
  people.forEach((person, p) =>
    split.assignment[p].forEach((s, i) => s === 'test' && (bySource[person.photos[i].source] = (bySource[person.photos[i].source] ?? 0) + 1)),
  );
  assert.deepEqual(Object.fromEntries(Object.entries(e.perSource).map(([s, v]) => [s, v.queries])), bySource);
});

test('split photos: the fingerprint is the one a run on the layout computes; the layout plan names files uniquely and refuses hidden folders', () => {
  const people = [
    {
      name: 'Ada Lovelace',
      photos: ['a', 'b', 'c'].map((h, i) => ({ source: i === 2 ? 'pins' : 'cfp', file: `/src/${i === 2 ? 'pins' : 'cfp'}/Ada/1.jpg`, contentHash: h })),
    },
    { name: 'Alan Turing', photos: ['d', 'e', 'f'].map((h, i) => ({ source: 'cfp', file: `/src/cfp/Alan/${i}.jpg`, contentHash: h })) },
  ];
  const split = gallerySplit([3, 3]);
  const photos = splitPhotos(people, split);
  const test = photos.filter((p) => p.split === 'test');
  assert.equal(test.length, 2);
  assert.equal(gallerySplitFingerprint(photos), testSplitFingerprint(test.map((p) => ({ person: p.person, contentHash: p.contentHash }))));
  const plan = planSplitLayout(photos);
  assert.equal(plan.people, 2);
  assert.deepEqual(plan.counts, split.counts);
  assert.deepEqual(new Set(plan.moves.map((m) => m.to.split('/')[0])), new Set(['train', 'val', 'test']));
  // Two sources' (or two merged folders') photos with the same file name, in one folder: both kept, named apart.
  const same = { person: 'Ada Lovelace', source: 'cfp', split: 'train' as const };
  const named = planSplitLayout([
    { ...same, file: '/src/cfp/Ada/1.jpg', contentHash: 'a' },
    { ...same, file: '/src/cfp/Ada Lovelace/1.jpg', contentHash: 'b' },
    { ...same, source: 'pins', file: '/src/pins/Ada/1.jpg', contentHash: 'c' },
  ]);
  assert.deepEqual(
    named.moves.map((m) => m.to),
    ['train/Ada Lovelace/cfp-1.jpg', 'train/Ada Lovelace/cfp-1-2.jpg', 'train/Ada Lovelace/pins-1.jpg'],
  );
  assert.throws(() => planSplitLayout([{ ...photos[0], person: '.hidden' }]), /cannot be a folder name/);
});

// ---- The gallery as a leaderboard row, and promotion against it (real SQLite, real model directories) ----

const tmp = tempDir('celeb-gallery-split-');
const PEOPLE = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'];
const FINGERPRINT = 'gallerysplit0001';

async function writeGallery(dir: string, testTop1: number, split = true): Promise<void> {
  const head = new CentroidHead(
    PEOPLE,
    PEOPLE.map((_, i) => l2normalise(Float32Array.from({ length: 8 }, (_, k) => (k === i ? 1 : 0.1)))),
  );
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    created: '2026-01-02T03:04:05.000Z',
    backbone: 'faceres+flip',
    dim: 8,
    head: { kind: 'centroid', file: 'prototypes.f16', dtype: 'float16' },
    labels: PEOPLE,
    temperature: 0.05,
    thumbnails: {},
    data: { source: 'gallery: a, b', images: { train: 30, val: 0, test: 6 }, perPerson: {}, ...(split ? { testSplit: FINGERPRINT } : {}) },
    metrics: { testTop1, testTop3: 1 },
    gallery: { people: 'people.json', sources: {}, ...(split ? { split: { seed: 42, holdout: 2, minPhotos: 8, train: 18, val: 6, test: 6 } } : {}) },
  };
  await writeModelDir(dir, manifest, { 'prototypes.f16': head.toBytes('float16'), 'people.json': '[]' });
}

function finishedRun(db: Database, testTop1: number, testSplit: string): number {
  const id = createRun(db, { preset: 2, config: {}, backbone: 'faceres', backend: 'wasm', head: 'fc1', loss: 'nll', samplePairing: false, epochs: 5 });
  markRunning(db, id);
  finishRun(db, id, { seconds: 1, modelPath: path.join(tmp, `run-${id}`), bestEpoch: 3, bestValLoss: 0.2 });
  const matrix = PEOPLE.map((_, i) => PEOPLE.map((__, j) => (i === j ? 2 : 0)));
  saveResult(db, id, {
    testTop1,
    testTop3: 1,
    perPerson: {},
    confusion: { labels: PEOPLE, matrix },
    temperature: 1,
    eceBefore: null,
    eceAfter: null,
    testSplit,
  });
  return id;
}

const offer = (db: Database, runId: number, testTop1: number, testSplit: string, defaultDir: string) =>
  promoteIfBetter(db, { runId, modelPath: path.join(tmp, `run-${runId}`), testTop1, labels: [...PEOPLE].reverse(), testSplit }, defaultDir);

test('the gallery is a leaderboard row beside the runs on its split; a rebuilt gallery replaces its row', async (t) => {
  const db = openDatabase(path.join(tmp, 'board.db'));
  t.after(() => db.close());
  const dir = path.join(tmp, 'models', 'default');
  await writeGallery(dir, 0.75);
  const runOnSplit = finishedRun(db, 0.8, FINGERPRINT);
  const runElsewhere = finishedRun(db, 0.95, 'otherdata0000001');
  const recorded = await recordGallery(db, dir);
  assert.equal(recorded?.testSplit, FINGERPRINT);
  let rows = leaderboard(db);
  assert.deepEqual(
    rows.map((r) => [r.kind, r.runId, r.testTop1, r.testSplit]),
    [
      ['run', runElsewhere, 0.95, 'otherdata0000001'],
      ['run', runOnSplit, 0.8, FINGERPRINT],
      ['gallery', null, 0.75, FINGERPRINT],
    ],
  );
  const gallery = rows[2];
  assert.equal(gallery.model, path.resolve(dir));
  assert.match(
    gallery.description ?? '',
    /prototypes of 3 people .* no training: the 6 test photos of its split .* built without those photos \(the shipped prototypes use every photo\)/,
  );
  const table = formatLeaderboard(rows);
  assert.match(table, /\nsplit$|split\n/m, 'a split column');
  assert.match(table, new RegExp(`#${runOnSplit} .* ${FINGERPRINT.slice(0, 8)}\\n`));
  assert.match(table, new RegExp(`gallery +- +centroid +- +- +- +- +- +75\\.00% +100\\.00% .* ${FINGERPRINT.slice(0, 8)}`));
  assert.ok(table.includes(`\ngallery: ${gallery.description}`));
  assert.ok(table.endsWith(SPLIT_NOTE), 'rows on different splits: the note says they do not compare');

  await writeGallery(dir, 0.85);
  await recordGallery(db, dir);
  rows = leaderboard(db);
  assert.equal(rows.filter((r) => r.kind === 'gallery').length, 1, 'one row per gallery directory');
  assert.deepEqual(
    rows.map((r) => r.kind),
    ['run', 'gallery', 'run'],
  );

  const old = path.join(tmp, 'models', 'old-gallery');
  await writeGallery(old, 0.9, false);
  assert.equal(await recordGallery(db, old), null, 'a gallery without a recorded split has nothing to compare on');
  assert.equal(await recordGallery(db, path.join(tmp, 'nowhere')), null);
});

test('promotion against the shipped gallery: a run on its split that beats it is promoted; one that does not, or one on other data, is not', async (t) => {
  const dir = path.join(tmp, 'promo', 'default');
  await writeGallery(dir, 0.8);
  const fresh = (name: string) => {
    const db = openDatabase(path.join(tmp, `${name}.db`));
    t.after(() => db.close());
    return db;
  };

  const better = fresh('better');
  const b = finishedRun(better, 0.9, FINGERPRINT);
  const promoted = await offer(better, b, 0.9, FINGERPRINT, dir);
  assert.deepEqual(promoted, { promoted: true, reason: `run ${b} (90.00%) beats the shipped default model (80.00%) by 10.00 points on the same test split` });
  assert.equal(getActiveModel(better)?.runId, b);

  const tie = fresh('tie');
  const tr = finishedRun(tie, 0.8, FINGERPRINT);
  const kept = await offer(tie, tr, 0.8, FINGERPRINT, dir);
  assert.equal(kept.promoted, false);
  assert.match(kept.reason, /does not beat the shipped default model \(80\.00%\) on the same test split; a tie keeps the current model$/);
  const worse = finishedRun(tie, 0.7, FINGERPRINT);
  assert.equal((await offer(tie, worse, 0.7, FINGERPRINT, dir)).promoted, false);
  assert.equal(getActiveModel(tie), null, 'the shipped gallery still answers');

  const other = fresh('other');
  const o = finishedRun(other, 1, 'otherdata0000001');
  const refused = await offer(other, o, 1, 'otherdata0000001', dir);
  assert.deepEqual(refused, {
    promoted: false,
    reason: 'trained on other data (the same 3 people, another test split) than the answering model (the shipped default model, 3 people)',
  });
  assert.equal(getActiveModel(other), null);
});

test('galleryResultOf: only a gallery with a recorded split makes a row', () => {
  const manifest = {
    data: { testSplit: 'x', source: '', images: { train: 1, val: 0, test: 1 }, perPerson: {} },
    metrics: { testTop1: 0.5, testTop3: 0.6 },
    labels: ['a', 'b'],
    head: { kind: 'centroid', file: 'c' },
    backbone: 'faceres',
    created: '2026-01-01T00:00:00.000Z',
  } as unknown as ModelManifest; // only the fields the row reads
  assert.equal(galleryResultOf('/m', manifest), null, 'no gallery section: a centroid model, not a gallery');
  const withSplit = { ...manifest, gallery: { people: 'p', sources: {}, split: { seed: 1, holdout: 2, minPhotos: 8, train: 5, val: 1, test: 1 } } };
  assert.equal(galleryResultOf('/m', withSplit)?.testPhotos, 1);
});
