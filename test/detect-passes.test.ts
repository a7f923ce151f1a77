import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toPhotoBox } from '../src/engine/detect/face-crops.js';
import { DETECTION_PASSES, equalise, greyWorld, pad, upscale, type PassImage } from '../src/engine/detect/passes.js';
import type { DecodedImage } from '../src/engine/image/decode.js';

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): PassImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  return { data, width, height, offsetX: 0, offsetY: 0, scale: 1 };
}

const px = (img: PassImage, x: number, y: number) => [...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];

test('padding adds a grey border of a quarter of the long side and keeps the pixels', () => {
  const img = image(8, 4, (x, y) => [x * 10, y * 10, 200]);
  const padded = pad(img);
  assert.equal(padded.width, 8 + 2 * 2);
  assert.equal(padded.height, 4 + 2 * 2);
  assert.deepEqual(px(padded, 0, 0), [128, 128, 128]);
  assert.deepEqual(px(padded, 2 + 3, 2 + 1), [30, 10, 200]);
  assert.equal(padded.offsetX, 2);
});

test('equalising stretches a dim photo to the full range with one gain for every channel', () => {
  const dim = image(10, 10, (x) => [x * 8, x * 4, x * 2]); // at most 72: a dark room
  const out = equalise(dim);
  const max = Math.max(...out.data);
  assert.ok(max >= 250, `brightest value ${max}`);
  const [r, g] = px(out, 9, 0);
  assert.ok(Math.abs(r / g - 2) < 0.1, `the colour balance is kept: ${r}/${g}`);
  assert.deepEqual(px(out, 0, 0), [0, 0, 0]);
});

test('grey-world balance gives the three channels the same mean', () => {
  const cast = image(6, 6, (x, y) => [60 + x, 120 + y, 200]);
  const out = greyWorld(cast);
  const means = [0, 1, 2].map((c) => out.data.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0) / 36);
  assert.ok(Math.max(...means) - Math.min(...means) < 2, `channel means ${means.map((m) => m.toFixed(1)).join(', ')}`);
});

test('upscaling keeps a flat colour flat and records the scale', () => {
  const out = upscale(
    image(3, 2, () => [50, 100, 150]),
    2.5,
  );
  assert.equal(out.width, 8);
  assert.equal(out.height, 5);
  assert.deepEqual(px(out, 7, 4), [50, 100, 150]);
  assert.equal(out.scale, 2.5);
});

test('a box found in a padded, upscaled pass maps back to the photo, clipped to it', () => {
  const decoded: DecodedImage = { data: new Uint8Array(0), width: 100, height: 50, format: 'jpeg', originalWidth: 200, originalHeight: 100 };
  const pass = pad(
    upscale(
      image(100, 50, () => [0, 0, 0]),
      2,
    ),
  ); // 200x100 after upscaling, border 50
  // The decoded photo's (10, 5)-(30, 25) is (20, 10)-(60, 50) upscaled, (70, 60)-(110, 100) padded.
  assert.deepEqual(toPhotoBox([70, 60, 40, 40], pass, decoded), [20, 10, 40, 40]);
  // A box reaching into the border is clipped to the photo.
  assert.deepEqual(toPhotoBox([30, 40, 60, 60], pass, decoded), [0, 0, 40, 50]);
});

test('the passes are ordered by cost and only the last lowers the threshold, within a bound', () => {
  assert.deepEqual(
    DETECTION_PASSES.map((p) => p.id),
    ['direct', 'padded', 'equalised', 'grey-world', 'upscaled', 'low-threshold'],
  );
  assert.ok(DETECTION_PASSES.slice(0, -1).every((p) => p.minConfidence === undefined));
  assert.ok(DETECTION_PASSES.at(-1)!.minConfidence! >= 0.3);
});
