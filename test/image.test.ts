import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { decodeImage, DEFAULT_IMAGE_LIMITS, sniffFormat } from '../src/engine/image/decode.js';
import { InputError, type InputErrorCode } from '../src/base/errors.js';
import { bombPng, readFixture, textFile, tiff, truncatedJpeg } from './helpers/fixtures.js';

async function rejectsWith(promise: Promise<unknown>, code: InputErrorCode): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof InputError, `expected InputError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.ok(error.message.length > 10 && !error.message.includes('    at '), 'a sentence, not a stack trace');
    return error;
  }
  assert.fail(`expected ${code}`);
}

test('a JPEG decodes to upright RGB with its original size', async () => {
  const image = await decodeImage(readFixture('faces', 'cgi-model-5.jpg'));
  assert.equal(image.format, 'jpeg');
  assert.equal(image.data.length, image.width * image.height * 3);
  assert.deepEqual([image.originalWidth, image.originalHeight], [480, 640]);
});

test('EXIF orientation is applied: a portrait-stored photo tagged "rotate 90" comes out landscape', async () => {
  const bytes = readFixture('exif-orientation-6.jpg');
  const raw = await sharp(bytes).metadata();
  assert.deepEqual([raw.width, raw.height, raw.orientation], [360, 640, 6]);
  const image = await decodeImage(bytes);
  assert.deepEqual([image.width, image.height], [640, 360]);
  // The upright pixels match the un-rotated source (mean absolute difference of a few levels).
  const reference = await sharp(readFixture('faces', 'cgi-model-1.jpg')).raw().toBuffer();
  let diff = 0;
  for (let i = 0; i < reference.length; i++) diff += Math.abs(reference[i] - image.data[i]);
  assert.ok(diff / reference.length < 6, `mean difference ${diff / reference.length}`);
});

test('PNG with alpha, WebP and the first frame of a GIF are accepted as RGB', async () => {
  const rgba = await sharp({ create: { width: 50, height: 40, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } } })
    .png()
    .toBuffer();
  const png = await decodeImage(rgba);
  assert.equal(png.data.length, 50 * 40 * 3, 'alpha dropped');
  // Half-transparent red flattened onto white is pink; dropping alpha without flattening would give pure red.
  assert.equal(png.data[0], 255);
  assert.ok(png.data[1] > 100 && png.data[2] > 100, `pink, got ${[...png.data.subarray(0, 3)].join(',')}`);
  const webp = await decodeImage(await sharp(readFixture('faces', 'ai-face.jpg')).webp().toBuffer());
  assert.equal(webp.format, 'webp');
  const gif = await decodeImage(await sharp(readFixture('faces', 'ai-face.jpg')).gif().toBuffer());
  assert.deepEqual([gif.format, gif.width, gif.height], ['gif', 256, 256]);
});

test('large photos are downscaled to maxSide but boxes keep the original size', async () => {
  const big = await sharp(readFixture('faces', 'group-1.jpg')).resize(2400).jpeg().toBuffer();
  const image = await decodeImage(big, { ...DEFAULT_IMAGE_LIMITS, maxSide: 800 });
  assert.equal(Math.max(image.width, image.height), 800);
  assert.equal(image.originalWidth, 2400);
});

test('grayscale input becomes three channels', async () => {
  const gray = await sharp(readFixture('faces', 'ai-face.jpg')).grayscale().jpeg().toBuffer();
  const image = await decodeImage(gray);
  assert.equal(image.data.length, image.width * image.height * 3);
});

test('not_an_image: a text file named .jpg, and an empty file', async () => {
  await rejectsWith(decodeImage(textFile()), 'not_an_image');
  await rejectsWith(decodeImage(new Uint8Array()), 'not_an_image');
});

test('unsupported_format: TIFF and SVG are images we do not take', async () => {
  await rejectsWith(decodeImage(await tiff()), 'unsupported_format');
  await rejectsWith(decodeImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')), 'unsupported_format');
  assert.equal(sniffFormat(Buffer.from('<?xml version="1.0"?><svg/>')), 'other-image');
});

test('corrupt: a truncated JPEG and a PNG with a broken body', async () => {
  await rejectsWith(decodeImage(truncatedJpeg()), 'corrupt');
  const png = await sharp(readFixture('faces', 'ai-face.jpg')).png().toBuffer();
  const broken = Buffer.from(png);
  broken.fill(0x41, 100, 400);
  await rejectsWith(decodeImage(broken), 'corrupt');
});

test('too_large: a file over the byte limit, and a decompression bomb refused from its header', async () => {
  const bytes = readFixture('faces', 'cgi-model-1.jpg');
  const err = await rejectsWith(decodeImage(bytes, { ...DEFAULT_IMAGE_LIMITS, maxBytes: 10_000 }), 'too_large');
  assert.match(err.message, /the limit is/);
  const bomb = await bombPng();
  assert.ok(bomb.length < 1_000_000, `the bomb is small on disk (${bomb.length} bytes)`);
  const bombError = await rejectsWith(decodeImage(bomb), 'too_large');
  assert.match(bombError.message, /7000x7000/, 'refused from the header, before decoding');
});
