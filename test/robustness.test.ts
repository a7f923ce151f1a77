import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { flipAgreement, summarise } from '../src/engine/eval/robustness.js';
import { perturbation, PERTURBATIONS } from '../src/engine/eval/perturbations.js';
import { readFixture } from './helpers/fixtures.js';

const quality = { sizePx: 100, sharpness: 300, brightness: 0.5 };
const hit = (name: string, pass = 'direct') => ({ found: true, name, pass, ms: 10, quality, warned: false });
const miss = { found: false, name: null, pass: null, ms: NaN, quality: null, warned: false };

test('the table counts no face as wrong and reports each row against the clean one', () => {
  const [clean, grey] = [perturbation('clean')!, perturbation('grey')!];
  const rows = summarise(
    [clean, grey],
    ['Ann', 'Bob'],
    new Map([
      ['clean', [hit('Ann'), hit('Bob')]],
      ['grey', [hit('Ann', 'padded'), miss]],
    ]),
  );
  assert.equal(rows[0].top1, 1);
  assert.equal(rows[1].top1, 0.5);
  assert.equal(rows[1].faceFound, 0.5);
  assert.equal(rows[1].relativeToClean, 0.5);
  assert.deepEqual(rows[1].passes, { padded: 1 });
});

test('flip agreement is over the photos where both the photo and its mirror image show a face', () => {
  assert.equal(flipAgreement([hit('A'), hit('B'), hit('C'), miss], [hit('A'), hit('X'), miss, hit('D')]), 0.5);
});

test('every perturbation turns a photo into a decodable photo of the stated kind', async () => {
  const photo = readFixture('faces', 'cgi-model-1.jpg');
  const { width = 0 } = await sharp(photo).metadata();
  for (const p of PERTURBATIONS) {
    const out = await p.apply(photo);
    const meta = await sharp(out).metadata();
    assert.ok(meta.width && meta.height, p.id);
    if (p.id === 'upscale-4000') assert.equal(Math.max(meta.width, meta.height), 4000);
    if (p.id === 'tiny-on-canvas') assert.equal(meta.width, 1024);
    if (p.id === 'small-64') assert.equal(meta.width, width, 'back at the original size');
  }
  const grey = await sharp(await perturbation('grey')!.apply(photo))
    .raw()
    .toBuffer({ resolveWithObject: true });
  assert.ok(grey.info.channels === 1 || grey.data.every((v, i) => i % 3 !== 0 || (v === grey.data[i + 1] && v === grey.data[i + 2])), 'grey has no colour');
});
