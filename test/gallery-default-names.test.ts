// The shipped gallery (model/default) spells its people right: the misspellings of issue 18 are gone,
// every label is what the reviewed table and the casing rules make of it, and the old spellings
// still find the person (and their thumbnail).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Thumbnails } from '../src/bots/core/thumbnails.js';
import { GALLERY_THUMBNAIL_PX } from '../src/engine/gallery/build.js';
import { canonicalName } from '../src/engine/gallery/canonical-names.js';
import { readAliases, readGalleryPeople } from '../src/engine/model/people-file.js';
import { searchPeople } from '../src/engine/gallery/search.js';
import { readManifest } from '../src/engine/model/model-dir.js';
import { DEFAULT_MODEL } from './helpers/fixtures.js';
import { ISSUE_18_MISSPELLINGS as ISSUE_18 } from './helpers/misspellings.js';

test("model/default: issue 18's misspellings are gone and their right spellings are there, each with its 192 px thumbnail", async () => {
  const manifest = await readManifest(DEFAULT_MODEL);
  const labels = new Set(manifest.labels);
  assert.equal(labels.size, 1734);
  for (const [wrong, right] of Object.entries(ISSUE_18)) {
    assert.ok(!labels.has(wrong), `"${wrong}" is gone`);
    assert.ok(labels.has(right), `"${right}" is there`);
    const thumbnail = path.join(DEFAULT_MODEL, manifest.thumbnails[right]);
    const { width, height } = await sharp(thumbnail).metadata();
    assert.deepEqual([width, height], [GALLERY_THUMBNAIL_PX, GALLERY_THUMBNAIL_PX], right);
  }
  // The false friends stay who they are.
  for (const name of ['Eva Longoria', 'Joan Cusack', 'Kelly Rowan', 'Robert Pattinson']) assert.ok(labels.has(name), name);
  for (const name of ['Evan Longoria', 'John Cusack', 'Kelly Rowland', 'Robert Pattison']) assert.ok(!labels.has(name), name);
});

test('model/default is up to date with the reviewed table and the casing rules; every thumbnail is there and small', async () => {
  const manifest = await readManifest(DEFAULT_MODEL);
  const stale = manifest.labels.filter((name) => canonicalName(name).name !== name);
  assert.deepEqual(stale, [], 'rebuild model/default after changing name-fixes.ts');
  let bytes = 0;
  for (const name of manifest.labels) {
    const file = path.join(DEFAULT_MODEL, manifest.thumbnails[name]);
    assert.ok(existsSync(file), name);
    bytes += statSync(file).size;
  }
  assert.ok(bytes < 12e6, `thumbnails take ${(bytes / 1e6).toFixed(1)} MB`);
});

test('model/default: the old spellings are aliases, so search finds the person under both and answers with the right one', async () => {
  const manifest = await readManifest(DEFAULT_MODEL);
  const aliases = await readAliases(DEFAULT_MODEL, manifest);
  for (const [wrong, right] of Object.entries(ISSUE_18)) {
    for (const query of [wrong, right]) assert.deepEqual(searchPeople(manifest.labels, query, 1, aliases)[0], { name: right, exact: true, score: 1 }, query);
  }
  const people = await readGalleryPeople(DEFAULT_MODEL, manifest);
  assert.deepEqual(people.find((p) => p.name === 'Chris Pratt')?.aliases, ['Chris Patt']);
  assert.ok(
    people.every((p) => (p.aliases ?? []).every((a) => aliases[a] === p.name)),
    'each alias points to its person',
  );
});

test("a model without thumbnails (an older run's) borrows model/default's, under the old spelling too", async () => {
  const thumbnails = new Thumbnails(DEFAULT_MODEL);
  const run = { dir: '/nowhere', manifest: { thumbnails: {} } };
  const pratt = readFileSync(path.join(DEFAULT_MODEL, 'thumbnails', 'chris-pratt.jpg'));
  assert.deepEqual(await thumbnails.find(run, 'Chris Pratt'), pratt);
  assert.deepEqual(await thumbnails.find(run, 'Chris Patt'), pratt, 'a run trained on a split laid out before the rename');
  assert.equal(await thumbnails.find(run, 'Nobody Known'), null);
});
