import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { FaceEmbedder } from '../src/engine/extract/face-embedder.js';
import { dot } from '../src/engine/math.js';
import { readFixture, noiseJpeg, solidJpeg } from './helpers/fixtures.js';

let embedder: FaceEmbedder;
before(async () => {
  embedder = await FaceEmbedder.create({ backbone: 'faceres', backend: 'wasm' });
});
after(() => embedder.dispose());

async function embedding(name: string): Promise<Float32Array> {
  const result = await embedder.embedImage(readFixture('faces', `${name}.jpg`));
  assert.equal(result.faces.length, 1, `${name}: one face`);
  return result.faces[0].embedding;
}

test('runs on the wasm backend and yields 1024-d unit-length embeddings', async () => {
  assert.equal(embedder.runtime.tfjs?.name, 'wasm');
  assert.equal(embedder.runtime.embedding, 'wasm');
  const e = await embedding('cgi-model-1');
  assert.equal(e.length, 1024);
  assert.ok(Math.abs(dot(e, e) - 1) < 1e-4);
});

test('the same person in two poses is closer than two different people', async () => {
  const [a1, a2, a3] = await Promise.all(['cgi-model-5', 'cgi-model-6', 'cgi-model-7'].map(embedding));
  const others = [];
  for (const name of ['cgi-model-1', 'cgi-model-2', 'cgi-model-3', 'cgi-model-8', 'cgi-model-10']) others.push(await embedding(name));
  const same = [dot(a1, a2), dot(a1, a3), dot(a2, a3)];
  const different = others.flatMap((o) => [dot(a1, o), dot(a2, o), dot(a3, o)]);
  assert.ok(
    Math.min(...same) > Math.max(...different),
    `same ${same.map((x) => x.toFixed(2)).join(', ')} vs different max ${Math.max(...different).toFixed(2)}`,
  );
  assert.ok(Math.min(...same) > 0.7, 'same-person similarity is high');
});

test('a group photo gives every face, largest first, with boxes inside the photo', async () => {
  const result = await embedder.embedImage(readFixture('faces', 'group-1.jpg'), { maxFaces: 4 });
  assert.ok(result.detectedFaces >= 8, `found ${result.detectedFaces} faces`);
  assert.equal(result.faces.length, 4);
  const areas = result.faces.map((f) => f.box[2] * f.box[3]);
  assert.deepEqual(
    areas,
    [...areas].sort((a, b) => b - a),
  );
  for (const {
    box: [x, y, w, h],
  } of result.faces)
    assert.ok(x >= 0 && y >= 0 && x + w <= result.width + 1 && y + h <= result.height + 1);
});

test('boxes of an EXIF-rotated photo are in upright coordinates', async () => {
  const rotated = await embedder.embedImage(readFixture('exif-orientation-6.jpg'));
  const upright = await embedder.embedImage(readFixture('faces', 'cgi-model-1.jpg'));
  assert.deepEqual([rotated.width, rotated.height], [640, 360]);
  rotated.faces[0].box.forEach((v, i) =>
    assert.ok(Math.abs(v - upright.faces[0].box[i]) <= 4, `box ${rotated.faces[0].box.join(',')} vs ${upright.faces[0].box.join(',')}`),
  );
  assert.ok(dot(rotated.faces[0].embedding, upright.faces[0].embedding) > 0.95);
});

test('no face in a solid colour or in noise: an empty list, not an error', async () => {
  for (const bytes of [await solidJpeg(), await noiseJpeg()]) {
    const result = await embedder.embedImage(bytes);
    assert.equal(result.faces.length, 0);
    assert.equal(result.detectedFaces, 0);
  }
});

test('assumeCrop embeds the whole image without detection', async () => {
  const crop = await embedder.embedImage(readFixture('faces', 'ai-face.jpg'), { assumeCrop: true });
  assert.equal(crop.faces.length, 1);
  assert.deepEqual(crop.faces[0].box, [0, 0, 256, 256]);
  const detected = await embedder.embedImage(readFixture('faces', 'ai-face.jpg'));
  assert.ok(dot(crop.faces[0].embedding, detected.faces[0].embedding) > 0.6, 'same face either way');
});

test('tfjs memory does not grow over repeated predictions', async () => {
  const bytes = readFixture('faces', 'group-1.jpg');
  await embedder.embedImage(bytes); // warm-up allocates kernels' persistent tensors once
  const before = tf.memory().numTensors;
  for (let i = 0; i < 8; i++) {
    await embedder.embedImage(bytes, { maxFaces: 2 });
    await embedder.embedImage(await solidJpeg('#000000')).catch(() => undefined);
  }
  assert.equal(tf.memory().numTensors, before);
});
