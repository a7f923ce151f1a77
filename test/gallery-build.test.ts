/**
 * `celeb gallery build|info|search` end to end on two tiny folder-per-person trees made from the
 * fixtures: name merging across sources, a misspelt name renamed (and still found under it),
 * cleaning (no face, several faces), the float16 model written and loaded back, answers with a
 * similarity, 192 px thumbnails, and a second build served from the cache.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { GALLERY_THUMBNAIL_PX } from '../src/engine/gallery/build.js';
import { celeb, jsonLines } from './helpers/cli.js';
import { face, fixture, solidJpeg } from './helpers/fixtures.js';
import { tempDir } from './helpers/temp.js';

const tmp = tempDir('celeb-gallery-');
const env = { CELEB_DB: path.join(tmp, 'celeb.db'), CELEB_DATA_DIR: tmp, CELEB_WORKERS: '2' };

/** A few different photos of one face: the original, smaller, brighter, and cropped. */
async function variants(source: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const image = sharp(readFileSync(source));
  const { width = 0, height = 0 } = await image.metadata();
  copyFileSync(source, path.join(dir, '1.jpg'));
  await sharp(readFileSync(source))
    .resize(Math.round(width * 0.8))
    .jpeg({ quality: 85 })
    .toFile(path.join(dir, '2.jpg'));
  await sharp(readFileSync(source)).modulate({ brightness: 1.15 }).jpeg({ quality: 90 }).toFile(path.join(dir, '3.jpg'));
  await sharp(readFileSync(source))
    .extract({ left: Math.round(width * 0.05), top: 0, width: Math.round(width * 0.9), height })
    .jpeg({ quality: 90 })
    .toFile(path.join(dir, '4.jpg'));
}

test('gallery build merges sources, cleans, writes a float16 model that answers; info and search read it', { timeout: 300_000 }, async () => {
  const alpha = path.join(tmp, 'alpha');
  const beta = path.join(tmp, 'beta');
  await variants(face('cgi-model-1'), path.join(alpha, 'pins_Model_One'));
  await variants(face('cgi-model-2'), path.join(alpha, 'Model Two'));
  // A misspelt folder: the build shows the reviewed table's spelling and keeps the old one searchable.
  await variants(face('cgi-model-6'), path.join(alpha, 'mathew_mcconaughey'));
  writeFileSync(path.join(alpha, 'Model Two', 'blank.jpg'), await solidJpeg('#777777', 320, 240));
  mkdirSync(path.join(alpha, 'Crowd'));
  copyFileSync(fixture('faces', 'group-1.jpg'), path.join(alpha, 'Crowd', 'group.jpg'));
  mkdirSync(path.join(beta, 'model one'), { recursive: true });
  await sharp(readFileSync(face('cgi-model-1')))
    .flop()
    .jpeg({ quality: 90 })
    .toFile(path.join(beta, 'model one', 'mirrored.jpg'));

  const out = path.join(tmp, 'model');
  const report = path.join(tmp, 'report.json');
  const r = await celeb(['gallery', 'build', alpha, beta, '--out', out, '--report', report, '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const [built] = jsonLines(r.stdout) as {
    people: number;
    perSource: Record<string, { people: number; photos: number }>;
    prepared: {
      dropped: Record<string, number>;
      emptyPeople: string[];
      extraction: { embedded: number; cached: number };
      twins: { photos: number; found: number; cached: number };
      renamed: { from: string; to: string; rule: string }[];
    };
  }[];
  assert.equal(built.people, 3);
  const kept = Object.values(built.perSource).reduce((n, s) => n + s.photos, 0);
  assert.equal(built.prepared.twins.photos, kept, 'every kept photo gets a small-face twin');
  assert.ok(built.prepared.twins.found >= kept / 2, `most twins still show a face (${built.prepared.twins.found} of ${kept})`);
  assert.equal(built.prepared.twins.cached, 0);
  assert.deepEqual(built.perSource.beta, { people: 1, photos: 1 }, '"model one" of beta merged into "Model One" of alpha');
  assert.equal(built.prepared.dropped.no_face, 1);
  assert.equal(built.prepared.dropped.several_faces, 1);
  assert.deepEqual(built.prepared.emptyPeople, ['Crowd']);
  assert.deepEqual(built.prepared.renamed, [{ from: 'Mathew Mcconaughey', to: 'Matthew McConaughey', rule: 'table' }]);
  const written = JSON.parse(readFileSync(report, 'utf8')) as { droppedPhotos: { person: string; reason: string }[] };
  assert.ok(written.droppedPhotos.some((d) => d.person === 'Model Two' && d.reason === 'no_face'));

  const manifest = JSON.parse(readFileSync(path.join(out, 'model.json'), 'utf8')) as {
    labels: string[];
    head: { dtype: string; file: string };
    similarity: { anchors: number[][] };
    thumbnails: Record<string, string>;
  };
  assert.deepEqual(manifest.labels, ['Matthew McConaughey', 'Model One', 'Model Two'], 'in the order of the keys, which a rename does not change');
  const people = JSON.parse(readFileSync(path.join(out, 'people.json'), 'utf8')) as { name: string; aliases?: string[] }[];
  assert.deepEqual(people[0], { name: 'Matthew McConaughey', aliases: ['Mathew Mcconaughey'], sources: { alpha: 4 }, photos: 4 });
  assert.equal(manifest.head.dtype, 'float16');
  assert.equal(readFileSync(path.join(out, manifest.head.file)).length, 3 * 1152 * 2, '3 people x 1152 dims (faceres 1024 + faceapi 128) x 2 bytes');
  assert.ok(manifest.similarity.anchors.length >= 2);
  for (const rel of Object.values(manifest.thumbnails)) {
    const { width = 0, height = 0 } = await sharp(path.join(out, rel)).metadata();
    assert.deepEqual([width, height], [GALLERY_THUMBNAIL_PX, GALLERY_THUMBNAIL_PX], rel);
  }

  const which = await celeb(['which', face('cgi-model-2'), '--model', out, '--json'], env);
  assert.equal(which.code, 0, which.stderr);
  const [answer] = jsonLines(which.stdout) as { faces: { matches: { name: string; similarity: number }[] }[] }[];
  assert.equal(answer.faces[0].matches[0].name, 'Model Two');
  assert.ok(answer.faces[0].matches[0].similarity > answer.faces[0].matches[1].similarity);

  const info = await celeb(['gallery', 'info', '--model', out, '--json'], env);
  assert.equal(info.code, 0, info.stderr);
  assert.equal((jsonLines(info.stdout)[0] as { people: number }).people, 3);
  const found = await celeb(['gallery', 'search', 'model one', '--model', out], env);
  assert.equal(found.code, 0, found.stderr);
  assert.match(found.stdout, /^yes: Model One, 5 photos \(alpha 4, beta 1\)/);
  const old = await celeb(['gallery', 'search', 'mathew mcconaughey', '--model', out], env);
  assert.equal(old.code, 0, old.stderr);
  assert.match(old.stdout, /^yes: Matthew McConaughey \(also written Mathew Mcconaughey\), 4 photos \(alpha 4\)/);
  const missing = await celeb(['gallery', 'search', 'Tom Hanks', '--model', out], env);
  assert.equal(missing.code, 1);

  // Interrupted or repeated: every photo comes from the feature cache the second time. The summary lists the renames.
  const again = await celeb(['gallery', 'build', alpha, beta, '--out', out, '--report', report], env);
  assert.equal(again.code, 0, again.stderr);
  const cached = /embeddings: 0 computed, (\d+) from cache/.exec(again.stdout);
  assert.ok(cached && Number(cached[1]) >= 15, again.stdout);
  assert.match(again.stdout, /small-face twins: \d+ of \d+ show a face \(0 computed\)/, 'the twins too');
  assert.match(
    again.stdout,
    /renamed 1 person \(1 by the reviewed table, 0 by the casing rules\); the old spellings stay searchable:\n {4}Mathew Mcconaughey -> Matthew McConaughey\n/,
  );
});
