import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { selectBackend } from '../src/engine/runtime/backend.js';
import { DEFAULT_AUGMENT, recipesFor, recipeView, sampleErase, sampleRecipe } from '../src/engine/augment/recipe.js';
import { applyRecipe, erase, horizontalFlip, pairAverage, resize, rotate } from '../src/engine/augment/transforms.js';
import { seededRandom } from '../src/engine/math.js';
import { preprocessInto } from '../src/engine/backbones/network-input.js';
import { face } from './helpers/fixtures.js';

let photo: tf.Tensor4D; // a real face photo, 0..1
before(async () => {
  await selectBackend('wasm');
  const { data, info } = await sharp(face('ai-face')).resize(64, 64).raw().toBuffer({ resolveWithObject: true });
  photo = tf.tidy(() => tf.div(tf.tensor4d(new Uint8Array(data), [1, info.height, info.width, 3], 'int32'), 255));
});

const pixels = (t: tf.Tensor4D) => t.arraySync()[0];

test('resize gives the backbone input size', () => {
  const r = resize(photo, 224);
  assert.deepEqual(r.shape, [1, 224, 224, 3]);
  r.dispose();
});

test('horizontal flip mirrors every row of a real photo', () => {
  const flipped = pixels(horizontalFlip(photo));
  const original = pixels(photo);
  for (const y of [0, 20, 63]) for (const x of [0, 10, 63]) assert.deepEqual(flipped[y][x], original[y][63 - x]);
});

test('rotation turns counter-clockwise and fills the corners with black', () => {
  // A bright square in the top-left quadrant moves to the bottom-left after +90°.
  const marker = tf.tidy(() =>
    tf.pad(tf.ones<tf.Rank.R4>([1, 16, 16, 3]), [
      [0, 0],
      [8, 40],
      [8, 40],
      [0, 0],
    ]),
  );
  const turned = pixels(rotate(marker, 90));
  assert.equal(turned[16][16][0], 0, 'top-left emptied');
  assert.equal(turned[64 - 1 - 16][16][0], 1, 'bottom-left now bright');
  const tilted = pixels(rotate(photo, 10));
  assert.deepEqual(tilted[0][0], [0, 0, 0], 'a corner rotated in from outside is black');
  assert.notDeepEqual(tilted[32][10], pixels(photo)[32][10], 'pixels moved');
  assert.deepEqual(
    tilted[32][32].map((v) => Math.round(v * 100)),
    pixels(photo)[32][32].map((v) => Math.round(v * 100)),
    'the centre stays',
  );
});

test('erasing zeroes exactly the box and leaves the rest', () => {
  const out = pixels(erase(photo, { x: 0.25, y: 0.5, w: 0.25, h: 0.25 }));
  const original = pixels(photo);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const inside = x >= 16 && x < 32 && y >= 32 && y < 48;
      assert.deepEqual(out[y][x], inside ? [0, 0, 0] : original[y][x], `pixel ${x},${y}`);
    }
  }
});

test('sample pairing is the pixel average of two photos', () => {
  const other = tf.tidy(() => tf.reverse(photo, 1));
  const mixed = pairAverage(photo, other).dataSync();
  const a = photo.dataSync();
  const b = other.dataSync();
  for (let i = 0; i < a.length; i += 97) assert.ok(Math.abs(mixed[i] - (a[i] + b[i]) / 2) < 1e-6);
});

test('normalisation follows the backbone: (pixel - mean) / std per channel, optional BGR', () => {
  const pixel = { data: Float32Array.of(0.2, 0.4, 0.6), width: 1, height: 1 };
  const preprocessCrop = (face: typeof pixel, p: Parameters<typeof preprocessInto>[1]) => {
    const out = new Float32Array(3);
    preprocessInto(face, p, out, 0);
    return { dataSync: () => out };
  };
  const faceres = preprocessCrop(pixel, { mean: 0, std: 1, channelOrder: 'rgb' }).dataSync();
  assert.deepEqual(
    [...faceres].map((v) => Math.round(v)),
    [51, 102, 153],
  );
  const minusOneToOne = preprocessCrop(pixel, { mean: 127.5, std: 127.5, channelOrder: 'rgb' }).dataSync();
  [0.2, 0.4, 0.6].forEach((p, i) => assert.ok(Math.abs(minusOneToOne[i] - (p * 255 - 127.5) / 127.5) < 1e-5));
  const caffe = preprocessCrop(pixel, { mean: [103.939, 116.779, 123.68], std: 1, channelOrder: 'bgr' }).dataSync();
  assert.ok(Math.abs(caffe[0] - (153 - 103.939)) < 1e-3, 'blue first, minus the blue mean');
  assert.ok(Math.abs(caffe[2] - (51 - 123.68)) < 1e-3);
});

test('recipes: torchvision ranges and rates over many draws', () => {
  const random = seededRandom(1);
  const draws = Array.from({ length: 4000 }, () => sampleRecipe(random));
  const flips = draws.filter((d) => d.flip).length / draws.length;
  const erased = draws.filter((d) => d.erase);
  assert.ok(Math.abs(flips - 0.5) < 0.04, `flip rate ${flips}`);
  assert.ok(draws.every((d) => Math.abs(d.rotation) <= 10));
  assert.ok(Math.abs(erased.length / draws.length - 0.5) < 0.04, `erase rate ${erased.length / draws.length}`);
  for (const { erase: e } of erased) {
    assert.ok(e!.w * e!.h >= 0.02 - 1e-9 && e!.w * e!.h <= 0.33 + 1e-9, 'area');
    assert.ok(e!.h / e!.w >= 0.3 - 1e-9 && e!.h / e!.w <= 3.3 + 1e-9, 'aspect');
    assert.ok(e!.x >= 0 && e!.y >= 0 && e!.x + e!.w <= 1 && e!.y + e!.h <= 1, 'inside the crop');
  }
  assert.equal(sampleErase(seededRandom(2), { ...DEFAULT_AUGMENT.erase, probability: 0 }), null);
});

test('the same image always gets the same views; another image other views', () => {
  const a = recipesFor('0123abcd' + 'f'.repeat(56)).map(recipeView);
  assert.deepEqual(recipesFor('0123abcd' + 'f'.repeat(56)).map(recipeView), a);
  assert.notDeepEqual(recipesFor('9999abcd' + 'f'.repeat(56)).map(recipeView), a);
  assert.equal(new Set(a).size, DEFAULT_AUGMENT.views, 'K distinct views');
});

test('applying a recipe on a real crop leaks no tensors', () => {
  const before = tf.memory().numTensors;
  for (const r of recipesFor('abcdef01' + '0'.repeat(56))) applyRecipe(photo, r, 112).dispose();
  assert.equal(tf.memory().numTensors, before);
});
