/**
 * Training on the gallery's own split, end to end on a tiny folder-per-person tree: `gallery
 * build` records its split, `gallery split` lays it out (hard links), `celeb train` on it is
 * measured on the gallery's test photos (same fingerprint) and shown beside the gallery on the
 * leaderboard; it replaces the gallery only when it scores higher there, and a run on other data
 * never does.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { celeb, jsonLines } from './helpers/cli.js';
import { face } from './helpers/fixtures.js';
import { tempDir } from './helpers/temp.js';

const tmp = tempDir('celeb-gsplit-');
const models = path.join(tmp, 'models');
const env = { CELEB_DB: path.join(tmp, 'celeb.db'), CELEB_DATA_DIR: tmp, CELEB_MODEL_DIR: models, CELEB_WORKERS: '2' };
const source = path.join(tmp, 'sources', 'alpha');
const layout = path.join(tmp, 'face_data');
const fast = ['--views', '1', '--epochs', '6', '--json'];
const SLOW_MS = 300_000;

/** Up to 8 different photos of one face: crops, mirror, exposure, small rotations, a smaller copy, grey. */
async function variants(file: string, count: number): Promise<Buffer[]> {
  const { width = 0, height = 0 } = await sharp(file).metadata();
  const crop = (l: number, t: number) =>
    sharp(file).extract({ left: Math.floor(width * l), top: Math.floor(height * t), width: Math.floor(width * 0.84), height: Math.floor(height * 0.84) });
  const all = [
    () => sharp(file).jpeg({ quality: 90 }).toBuffer(),
    () => sharp(file).flop().jpeg().toBuffer(),
    () => crop(0, 0).jpeg().toBuffer(),
    () => crop(0.15, 0.1).jpeg().toBuffer(),
    () => sharp(file).modulate({ brightness: 0.8 }).rotate(6, { background: '#000' }).jpeg().toBuffer(),
    () => sharp(file).modulate({ brightness: 1.15, saturation: 0.6 }).rotate(-6, { background: '#fff' }).jpeg().toBuffer(),
    () =>
      sharp(file)
        .resize(Math.round(width * 0.8))
        .jpeg({ quality: 80 })
        .toBuffer(),
    () => crop(0.08, 0.05).grayscale().jpeg().toBuffer(),
  ];
  return Promise.all(all.slice(0, count).map((make) => make()));
}

/** Ava (3 poses x 3), Ben and Cleo (8 each) give test and val photos; Dan (4) is only in train. */
const PEOPLE: Record<string, { faces: string[]; each: number }> = {
  Ava: { faces: ['cgi-model-5', 'cgi-model-6', 'cgi-model-7'], each: 3 },
  Ben: { faces: ['cgi-model-1'], each: 8 },
  Cleo: { faces: ['cgi-model-2'], each: 8 },
  Dan: { faces: ['cgi-model-3'], each: 4 },
};

before(async () => {
  for (const [person, { faces, each }] of Object.entries(PEOPLE)) {
    mkdirSync(path.join(source, person), { recursive: true });
    let n = 0;
    for (const f of faces)
      for (const bytes of await variants(face(f), each)) writeFileSync(path.join(source, person, `${String(++n).padStart(2, '0')}.jpg`), bytes);
  }
});

type Counts = { train: number; val: number; test: number };
type Built = {
  backbone: string;
  people: number;
  photos: number;
  testSplit: string;
  split: Counts & { seed: number; holdout: number; minPhotos: number };
  evaluation: { rank1: number };
};
type Split = {
  people: number;
  counts: { train: number; val: number; test: number };
  testSplit: string;
  linked: number;
  copied: number;
  answering: { same: boolean };
};
type Run = { runId: number; status: string; testAccuracy: number; promoted: boolean; promotion: string };
type Row = { kind: string; runId: number | null; testTop1: number; testSplit: string };

let built: Built;

const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.jpg'))
    .sort();

test('gallery build records its split; gallery split lays it out with hard links, refusing to overwrite without --force', { timeout: SLOW_MS }, async () => {
  const b = await celeb(['gallery', 'build', source, '--out', path.join(models, 'default'), '--report', path.join(tmp, 'report.json'), '--json'], env);
  assert.equal(b.code, 0, b.stderr);
  [built] = jsonLines(b.stdout) as Built[];
  assert.equal(built.people, 4);
  assert.match(built.testSplit, /^[0-9a-f]{16}$/);
  const manifest = JSON.parse(readFileSync(path.join(models, 'default', 'model.json'), 'utf8')) as {
    data: { testSplit: string };
    gallery: { split: Built['split'] };
  };
  assert.equal(manifest.data.testSplit, built.testSplit);
  assert.deepEqual(manifest.gallery.split, built.split);
  assert.deepEqual([built.split.seed, built.split.holdout, built.split.minPhotos], [42, 2, 8]);
  assert.equal(built.split.train + built.split.val + built.split.test, built.photos);
  assert.ok(built.split.test >= 4 && built.split.val === built.split.test, JSON.stringify(built.split));

  const s = await celeb(['gallery', 'split', source, '--json'], env);
  assert.equal(s.code, 0, s.stderr);
  const [split] = jsonLines(s.stdout) as Split[];
  assert.equal(split.testSplit, built.testSplit, 'the layout holds the test photos the gallery was measured on');
  assert.deepEqual(split.counts, { train: built.split.train, val: built.split.val, test: built.split.test });
  assert.equal(split.answering.same, true);
  assert.equal(split.linked + split.copied, built.photos);
  for (const name of ['train', 'val', 'test'] as const) assert.equal(files(path.join(layout, name)).length, split.counts[name], name);
  assert.deepEqual(readdirSync(path.join(layout, 'train')).sort(), ['Ava', 'Ben', 'Cleo', 'Dan'], 'everyone is a class');
  assert.deepEqual(readdirSync(path.join(layout, 'test')).includes('Dan'), false, 'Dan has too few photos for test or val');
  const one = files(path.join(layout, 'test'))[0];
  const original = path.join(source, path.dirname(one), path.basename(one).replace(/^alpha-/, ''));
  if (split.linked > 0) assert.equal(statSync(path.join(layout, 'test', one)).ino, statSync(original).ino, 'a hard link to the source photo');
  const info = JSON.parse(readFileSync(path.join(layout, 'gallery-split.json'), 'utf8')) as { testSplit: string };
  assert.equal(info.testSplit, built.testSplit);

  const again = await celeb(['gallery', 'split', source], env);
  assert.equal(again.code, 64);
  assert.match(again.stderr, /already exists and is not empty; pass --force/);
  const forced = await celeb(['gallery', 'split', source, '--force'], env);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /the same test photos as the answering model \(.*default, top-1 [\d.]+% on them\)/);
});

test('a run on the gallery split is measured on the gallery test photos and promoted only when it beats the gallery there', { timeout: SLOW_MS }, async () => {
  const first = await celeb(['train', '--run', '2', ...fast], env);
  assert.equal(first.code, 0, first.stderr);
  const [a] = jsonLines(first.stdout) as Run[];
  assert.equal(a.status, 'done');
  const galleryTop1 = built.evaluation.rank1;
  assert.equal(a.promoted, a.testAccuracy > galleryTop1);
  assert.match(a.promotion, / the shipped default model \([\d.]+%\) on the same test split/);

  const rows = JSON.parse((await celeb(['leaderboard', '--json'], env)).stdout) as Row[];
  const gallery = rows.find((r) => r.kind === 'gallery');
  assert.ok(gallery, 'the gallery is on the leaderboard');
  assert.equal(gallery.testTop1, galleryTop1);
  assert.equal(rows.find((r) => r.runId === a.runId)?.testSplit, built.testSplit, 'the run and the gallery share the fingerprint');
  const table = (await celeb(['leaderboard'], env)).stdout;
  assert.match(table, new RegExp(`gallery .* ${built.testSplit.slice(0, 8)}\\n`));
  assert.match(table, /\ngallery: .*default, prototypes of 4 people/);

  // The same gallery, had it measured 25% on those photos: a run on its split that scores higher replaces it.
  assert.equal((await celeb(['model', 'use', 'default'], env)).code, 0);
  const file = path.join(models, 'default', 'model.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { metrics: { testTop1: number; testTop3: number } };
  manifest.metrics = { testTop1: 0.25, testTop3: 0.5 };
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  const second = await celeb(['train', '--run', '3', ...fast], env);
  const [b] = jsonLines(second.stdout) as Run[];
  assert.equal(b.status, 'done', second.stderr);
  assert.ok(b.testAccuracy > 0.25, `run accuracy ${b.testAccuracy}`);
  assert.equal(b.promoted, true);
  assert.equal(
    b.promotion,
    `run ${b.runId} (${(b.testAccuracy * 100).toFixed(2)}%) beats the shipped default model (25.00%) by ${(b.testAccuracy * 100 - 25).toFixed(2)} points on the same test split`,
  );
});

test(
  'preset 6 on the gallery split: a gallery model that starts from the prototypes, promoted when it beats the gallery row and refused when it misses',
  { timeout: SLOW_MS },
  async () => {
    const file = path.join(models, 'default', 'model.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { metrics: { testTop1: number; testTop3: number } };
    const setGallery = (top1: number) => writeFileSync(file, JSON.stringify({ ...manifest, metrics: { testTop1: top1, testTop3: top1 } }, null, 2));
    try {
      setGallery(1);
      assert.equal((await celeb(['model', 'use', 'default'], env)).code, 0);
      const missed = await celeb(['train', '--run', '6', '--epochs', '3', '--json'], env);
      const [m] = jsonLines(missed.stdout) as Run[];
      assert.equal(m.status, 'done', missed.stderr);
      assert.equal(m.promoted, false);
      // The tiny split is easy (the run may reach 100% too): a tie is refused like a miss.
      assert.match(
        m.promotion,
        /^run \d+ \([\d.]+%\) (misses the shipped default model \(100\.00%\) by [\d.]+ points on the same test split|does not beat the shipped default model \(100\.00%\) on the same test split; a tie keeps the current model)$/,
      );
      // Its model is a gallery model: prototypes on the split's backbone, a similarity scale, thumbnails.
      const run = JSON.parse(readFileSync(path.join(models, 'runs', `run-${m.runId}`, 'model.json'), 'utf8')) as {
        backbone: string;
        head: { kind: string; file: string };
        similarity?: unknown;
        thumbnails: Record<string, string>;
      };
      assert.deepEqual([run.head.kind, run.head.file, run.backbone], ['centroid', 'prototypes.f16', built.backbone]);
      assert.ok(run.similarity, 'a "% similar" scale refitted on validation');
      assert.equal(Object.keys(run.thumbnails).length, 4);

      setGallery(0.25);
      const won = await celeb(['train', '--run', '6', '--epochs', '3', '--json'], env);
      const [w] = jsonLines(won.stdout) as Run[];
      assert.equal(w.status, 'done', won.stderr);
      assert.deepEqual([w.promoted, w.testAccuracy], [true, m.testAccuracy], 'promoted, and seeded: the same accuracy as the first run');
      assert.match(w.promotion, /beats the shipped default model \(25\.00%\) by [\d.]+ points on the same test split$/);
      const answer = await celeb(
        ['which', path.join(source, readdirSync(source)[0], readdirSync(path.join(source, readdirSync(source)[0]))[0]), '--json'],
        env,
      );
      assert.equal((JSON.parse(answer.stdout) as { model: string }).model, `run-${w.runId}`, 'photos are answered by the promoted run');
    } finally {
      writeFileSync(file, JSON.stringify(manifest, null, 2));
      await celeb(['model', 'use', 'default'], env);
    }
  },
);

test('a run on other data (the same photos imported with another split) never replaces the gallery', { timeout: SLOW_MS }, async () => {
  assert.equal((await celeb(['model', 'use', 'default'], env)).code, 0);
  const other = path.join(tmp, 'other_data');
  const imported = await celeb(['data', 'import', source, '--out', other, '--split', '50,25,25', '--seed', '9'], env);
  assert.equal(imported.code, 0, imported.stderr);
  const r = await celeb(['train', '--run', '5', '--data', other, ...fast], env); // preset 5: sample pairing through the feature bank too
  const [c] = jsonLines(r.stdout) as Run[];
  assert.equal(c.status, 'done', r.stderr);
  assert.equal(c.promoted, false);
  assert.match(
    c.promotion,
    /^trained on other data \(the same 4 people, another test split\) than the answering model \(the shipped default model, 4 people\)$/,
  );
  const rows = JSON.parse((await celeb(['leaderboard', '--json'], env)).stdout) as Row[];
  assert.notEqual(rows.find((x) => x.runId === c.runId)?.testSplit, built.testSplit);
});
