import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { evaluateRobustness, flipAgreement, summarise } from '../src/engine/eval/robustness.js';
import { perturbation, PERTURBATIONS } from '../src/engine/eval/perturbations.js';
import { shrinkSideForFace } from '../src/engine/image/shrink.js';
import { LookalikeEngine } from '../src/engine/lookalike.js';
import { CELEBRITY_17_MODEL, face, readFixture, solidJpeg } from './helpers/fixtures.js';

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
    const out = await p.apply(photo, { faceSizePx: 200 });
    const meta = await sharp(out).metadata();
    assert.ok(meta.width && meta.height, p.id);
    if (p.id === 'upscale-4000') assert.equal(Math.max(meta.width, meta.height), 4000);
    if (p.id === 'tiny-on-canvas') assert.equal(meta.width, 1024);
    if (p.id === 'small-64' || p.relativeToFace) assert.equal(meta.width, width, `${p.id}: back at the original size`);
  }
  const grey = await sharp(await perturbation('grey')!.apply(photo))
    .raw()
    .toBuffer({ resolveWithObject: true });
  assert.ok(grey.info.channels === 1 || grey.data.every((v, i) => i % 3 !== 0 || (v === grey.data[i + 1] && v === grey.data[i + 2])), 'grey has no colour');
});

test('a face-N condition shrinks the photo by the face, not by the photo', async () => {
  assert.equal(shrinkSideForFace(600, 300, 32), 64, 'a face half the photo: the photo goes to 64 px');
  assert.equal(shrinkSideForFace(600, 100, 32), 192, 'a face a sixth of it: 192 px');
  assert.equal(shrinkSideForFace(600, 30, 32), null, 'a face already under 32 px is left as it is');
  await assert.rejects(perturbation('face-32')!.apply(readFixture('faces', 'cgi-model-1.jpg')), /needs the face size/);
});

test('face-32 photos show the engine a face with 32 px of detail at its size as sent; a photo without a face in the first place is counted as not found', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'robust-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'blank.jpg'), await solidJpeg());
  const files = [
    // Not cgi-model-1: at 32 px its face is no longer found (the old detector "found" it as a box beside the face, at y 0).
    ...['cgi-model-3', 'cgi-model-2', 'ai-face'].map((name) => ({ file: face(name), person: name })),
    { file: path.join(dir, 'blank.jpg'), person: 'nobody' },
  ];
  const engine = await LookalikeEngine.open(CELEBRITY_17_MODEL, { workers: 1 });
  t.after(() => engine.close());
  const report = await evaluateRobustness({ engine, files, perturbations: [perturbation('clean')!, perturbation('face-32')!] });
  const [clean, face32] = report.rows;
  assert.equal(clean.faceFound, 0.75);
  assert.equal(face32.faceFound, 0.75, 'every face shrunk to 32 px is still found; the blank photo is not perturbed');
  assert.ok(clean.quality.sizePx.median > 100, `the fixtures' faces are large (${clean.quality.sizePx.median} px)`);
  const ratio = face32.quality.sizePx.median / clean.quality.sizePx.median;
  assert.ok(ratio > 0.5 && ratio < 1.5, `scaled back up, the face box keeps about its size (${ratio.toFixed(2)}x)`);
  const sharpness = [clean.quality.sharpness.median, face32.quality.sharpness.median];
  assert.ok(sharpness[1] < sharpness[0] / 4, `but its detail is gone: sharpness ${sharpness.map((v) => v.toFixed(0)).join(' -> ')}`);
});
