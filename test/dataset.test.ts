import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { celeb, jsonLines } from './helpers/cli.js';
import { face } from './helpers/fixtures.js';
import { makeTinyDataset, type TinyDataset } from './helpers/tiny-dataset.js';
import { tempDir } from './helpers/temp.js';

const tmp = tempDir('celeb-data-');
const env = { CELEB_DB: path.join(tmp, 'celeb.db'), CELEB_DATA_DIR: tmp, CELEB_MODEL_DIR: path.join(tmp, 'models') };
const out = path.join(tmp, 'face_data');
let data: TinyDataset;
let report: {
  people: number;
  images: number;
  counts: Record<string, number>;
  exactDuplicates: { file: string }[];
  noFace: string[];
  unusable: { file: string; code: string }[];
  perPerson: Record<string, Record<string, number>>;
  extraction: { cached: number; embedded: number };
};

const filesIn = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? filesIn(path.join(dir, n)) : [path.join(dir, n)]));

before(async () => {
  data = await makeTinyDataset(tmp);
  const r = await celeb(['data', 'import', data.dir, '--split', '60,20,20', '--seed', '7', '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  report = JSON.parse(r.stdout) as typeof report;
});

test('import writes the ImageFolder layout and accounts for every file', () => {
  assert.equal(report.people, 5);
  for (const split of ['train', 'val', 'test']) assert.ok(existsSync(path.join(out, split)));
  const written = filesIn(out);
  assert.equal(written.length, report.images);
  assert.equal(report.counts.train + report.counts.val + report.counts.test, report.images);
  const source = filesIn(data.dir).length;
  assert.equal(report.images + report.exactDuplicates.length + report.noFace.length + report.unusable.length, source, 'nothing silently lost');
  for (const person of data.people) assert.ok(report.perPerson[person].train > 0 && report.perPerson[person].test > 0, `${person} in train and test`);
});

test('exact duplicates are removed, faceless and non-image files are reported', () => {
  assert.deepEqual(
    report.exactDuplicates.map((d) => d.file),
    [data.duplicate],
  );
  assert.deepEqual(report.noFace, [data.noFace]);
  assert.deepEqual(
    report.unusable.map((u) => [u.file, u.code]),
    [[data.notAnImage, 'not_an_image']],
  );
});

test('the split is reproducible and import refuses to overwrite without --force', async () => {
  const again = await celeb(['data', 'import', data.dir, '--split', '60,20,20', '--seed', '7', '--json'], env);
  assert.equal(again.code, 64, 'refusing to overwrite is a usage matter: the flag allows it');
  assert.match(again.stderr, /^celeb: .* already exists and is not empty; pass --force/);
  assert.doesNotMatch(again.stderr, / {4}at /, 'a message, not a stack trace');
  const before = filesIn(out)
    .map((f) => path.relative(out, f))
    .sort();
  const forced = await celeb(['data', 'import', data.dir, '--split', '60,20,20', '--seed', '7', '--json', '--force'], env);
  assert.equal(forced.code, 0, forced.stderr);
  assert.deepEqual(
    filesIn(out)
      .map((f) => path.relative(out, f))
      .sort(),
    before,
    'same seed, same split',
  );
  const second = JSON.parse(forced.stdout) as typeof report;
  // Only the unusable file goes to the workers again (failures are not cached); every embedding, and the "no face" answer, comes from SQLite.
  assert.equal(second.extraction.embedded, 1);
  assert.equal(second.extraction.cached, report.images + report.exactDuplicates.length + report.noFace.length);
});

test('index builds a centroid model that recognises held-out photos', async () => {
  const modelDir = path.join(tmp, 'models', 'tiny');
  const confusion = path.join(tmp, 'confusion.json');
  const r = await celeb(['index', '--out', modelDir, '--json', '--confusion', confusion], env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 1, '--json is one compact line');
  const index = JSON.parse(r.stdout) as {
    people: number;
    testTop1: number;
    temperature: number;
    extraction: { embedded: number };
    counts: { train: number };
    twins: { photos: number; found: number };
    test?: unknown;
    confusion?: unknown;
  };
  assert.equal(index.test, undefined);
  assert.equal(index.confusion, undefined, 'the people x people matrix goes to --confusion, not to stdout');
  const matrix = JSON.parse(readFileSync(confusion, 'utf8')) as { labels: string[]; matrix: number[][] };
  assert.equal(matrix.labels.length, 5);
  assert.equal(matrix.matrix.length, 5);
  assert.equal(index.people, 5);
  assert.ok(index.testTop1 >= 0.8, `test top-1 ${index.testTop1}`);
  assert.equal(index.extraction.embedded, 0, 'features reused from import');
  assert.equal(index.twins.photos, index.counts.train, 'every training photo gets a small-face twin');
  assert.ok(index.twins.found > 0 && index.twins.found <= index.twins.photos);
  assert.ok(readdirSync(path.join(modelDir, 'thumbnails')).length === 5);
  for (const t of readdirSync(path.join(modelDir, 'thumbnails'))) assert.ok(statSync(path.join(modelDir, 'thumbnails', t)).size < 20_000);
  // A photo of Ava the index never saw (a fresh pose variant is not in the dataset: use the original file).
  const which = await celeb(['which', '--json', '--model', modelDir, face('cgi-model-6')], env);
  assert.equal(which.code, 0, which.stderr);
  const [answer] = jsonLines(which.stdout) as { faces: { matches: { name: string }[] }[] }[];
  assert.equal(answer.faces[0].matches[0].name, 'Ava');
});

test('eval robustness prints the table for a folder of people, with flip agreement for strangers', async () => {
  const modelDir = path.join(tmp, 'models', 'tiny');
  const strangers = path.join(tmp, 'strangers');
  mkdirSync(strangers, { recursive: true });
  copyFileSync(face('cgi-model-10'), path.join(strangers, 'stranger.jpg'));
  const r = await celeb(['eval', 'robustness', path.join(out, 'test'), '--model', modelDir, '--per-person', '1', '--strangers', strangers, '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    images: number;
    rows: { id: string; top1: number; faceFound: number; images: number }[];
    flipAgreementKnown: number;
    flipAgreementStrangers: number;
  };
  assert.equal(report.images, 5);
  assert.equal(report.rows.length, 14);
  assert.equal(report.rows.find((row) => row.id === 'face-32')?.images, 5, 'the face-relative rows run on every photo');
  assert.equal(report.rows.find((row) => row.id === 'clean')?.faceFound, 1);
  assert.ok(report.rows.find((row) => row.id === 'clean')!.top1 >= 0.8);
  assert.ok(report.flipAgreementKnown >= 0 && report.flipAgreementKnown <= 1);
  assert.ok(report.flipAgreementStrangers === 0 || report.flipAgreementStrangers === 1, 'one stranger: agrees or not');
});
