// A photo's answer for gallery models: the "% similar" wording, and the strip of the top matches' thumbnails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import sharp from 'sharp';
import { photoReply } from '../src/bots/core/recognize.js';
import { STRIP_GAP, STRIP_HEIGHT, thumbnailStrip } from '../src/bots/core/strip.js';
import { plain } from '../src/bots/core/text.js';
import { manyFacesText, singleFaceText } from '../src/bots/core/texts/recognition.js';
import { Thumbnails } from '../src/bots/core/thumbnails.js';
import { prediction } from './helpers/bots-core.js';
import { DEFAULT_MODEL } from './helpers/fixtures.js';

const jpeg = (width: number, height: number, colour = '#3366aa') =>
  sharp({ create: { width, height, channels: 3, background: colour } })
    .jpeg()
    .toBuffer();

/** A prediction whose matches carry similarities, as a gallery model answers. */
function galleryPrediction(names: string[][]) {
  const p = prediction(names);
  for (const face of p.faces) face.matches.forEach((m, k) => (m.similarity = [0.834, 0.71, 0.695][k]));
  return p;
}

test('with similarity the answer says "% similar" for the best match and plain percentages for the runners-up', () => {
  const one = galleryPrediction([['Tom Hanks', 'Will Smith', 'Brad Pitt']]);
  assert.equal(plain(singleFaceText(one.faces[0])), 'You look most like Tom Hanks (83% similar), then Will Smith (71%), Brad Pitt (70%)');
  const alone = galleryPrediction([['Tom Hanks']]);
  assert.equal(plain(singleFaceText(alone.faces[0])), 'You look most like Tom Hanks (83% similar)');
  const two = galleryPrediction([
    ['A', 'B'],
    ['C', 'D'],
  ]);
  assert.equal(
    plain(manyFacesText(two.faces, 2)),
    'I see 2 faces, numbered on the picture:\n1. A (83% similar), then B (71%)\n2. C (83% similar), then D (71%)',
  );
  const softmax = prediction([['Tom Hanks', 'Will Smith']]);
  assert.equal(plain(singleFaceText(softmax.faces[0])), 'You look most like Tom Hanks (87%). Also: Will Smith 6%', 'no similarity: the confidence wording');
});

test('the strip puts thumbnails side by side, each at most 96 px tall, with a gap; unreadable ones are left out', async () => {
  const strip = await thumbnailStrip([await jpeg(160, 160), await jpeg(120, 80), Buffer.from('not an image'), await jpeg(50, 60)]);
  assert.ok(strip);
  const meta = await sharp(strip).metadata();
  // 160x160 -> 96x96; 120x80 -> 96 tall would enlarge it, so it stays 120x80; 50x60 stays.
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 96 + 120 + 50 + 2 * STRIP_GAP, STRIP_HEIGHT]);
  assert.equal(await thumbnailStrip([Buffer.from('junk')]), null);
  assert.equal(await thumbnailStrip([]), null);
});

test('a one-face answer sends the strip of the top three thumbnails, or the one thumbnail there is', async () => {
  const model = {
    dir: DEFAULT_MODEL,
    manifest: { thumbnails: { 'Tom Hanks': 'thumbnails/tom-hanks.jpg', 'Will Smith': 'thumbnails/will-smith.jpg', 'Brad Pitt': 'thumbnails/brad-pitt.jpg' } },
  };
  const options = { thumbnails: new Thumbnails(path.join('/nowhere')), maxImagePixels: 1e7 };
  const photo = await jpeg(400, 300);
  const three = await photoReply(photo, prediction([['Tom Hanks', 'Will Smith', 'Brad Pitt']]), model, options);
  assert.equal(three.picture?.filename, 'lookalikes.jpg');
  const meta = await sharp(three.picture.bytes).metadata();
  assert.equal(meta.height, STRIP_HEIGHT);
  assert.ok(meta.width > 3 * 60 && meta.width <= 3 * 200 + 2 * STRIP_GAP, `width ${meta.width}`);
  const onlyOne = await photoReply(photo, prediction([['Tom Hanks', 'Nobody', 'No One']]), model, options);
  assert.equal(onlyOne.picture?.filename, 'tom-hanks.jpg');
  const none = await photoReply(photo, prediction([['Nobody', 'No One']]), model, options);
  assert.equal(none.picture, null);
});
