import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { detectFaceCrops } from '../src/engine/augment/face-crop.js';
import { HumanDetector, type RawFace } from '../src/engine/detect/detector.js';
import { OnnxFaceDetector } from '../src/engine/detect/onnx/onnx-detector.js';
import { DETECTION_PASSES, fromDecoded } from '../src/engine/detect/passes.js';
import { EmbedderPool } from '../src/engine/extract/pool.js';
import { decodeImage, DEFAULT_IMAGE_LIMITS, type DecodedImage } from '../src/engine/image/decode.js';
import { LookalikeEngine } from '../src/engine/lookalike.js';
import { selectBackend } from '../src/engine/runtime/backend.js';
import { DEFAULT_DETECTOR_OPTIONS, loadHuman } from '../src/engine/runtime/human.js';
import { DEFAULT_ONNX_CACHE_DIR } from '../src/engine/runtime/onnx/cache.js';
import { facelessPhotos } from './helpers/faceless.js';
import { CELEBRITY_17_MODEL, fixture, readFixture } from './helpers/fixtures.js';

/**
 * Bound on the aligned crops' mean absolute difference, in 8-bit levels. Both sample the same
 * pixels with the same arithmetic (ours in float64 loops, Human's in float32 tfjs kernels), so
 * only rounding differs, plus onnxruntime vs tfjs network outputs (about 1e-5) that can move a
 * box corner or the roll by a hair. Measured on the fixtures (125 faces, all six passes): at
 * most 0.006 of a level. Half a level is far below what the backbone can see (JPEG noise is
 * several levels) and about 80 times the measured worst, so the bound only fails on a real
 * divergence (a shifted box, a different roll), not on rounding.
 */
const MAX_CROP_MAD = 0.5 / 255;

let human: HumanDetector;
let onnx: OnnxFaceDetector;
const photos: [string, DecodedImage][] = [];

before(async () => {
  const backend = await selectBackend('wasm');
  human = new HumanDetector(await loadHuman(backend), backend.name, DEFAULT_DETECTOR_OPTIONS.minConfidence);
  onnx = await OnnxFaceDetector.create({ ...DEFAULT_DETECTOR_OPTIONS, threads: 1, cacheDir: DEFAULT_ONNX_CACHE_DIR });
  for (const file of readdirSync(fixture('faces')).sort()) photos.push([file, await decodeImage(readFixture('faces', file), DEFAULT_IMAGE_LIMITS)]);
});

after(async () => {
  await onnx.dispose();
});

const byPlace = (faces: RawFace[]) => [...faces].sort((a, b) => a.box[0] - b.box[0] || a.box[1] - b.box[1]);
const meanAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b))).dataSync()[0]);

test('ONNX detection matches Human on every fixture and every detection pass: faces, boxes (2 px), scores, crops', async () => {
  let worst = 0;
  let compared = 0;
  for (const [file, image] of photos) {
    for (const pass of DETECTION_PASSES) {
      const pixels = pass.prepare(fromDecoded(image));
      const [theirs, ours] = [byPlace(await human.detect(pixels, pass.minConfidence)), byPlace(await onnx.detect(pixels, pass.minConfidence))];
      try {
        const where = `${file} ${pass.id}`;
        assert.equal(ours.length, theirs.length, `${where}: face count`);
        if (pass.id === 'direct') assert.ok(ours.length > 0, `${where}: every fixture shows a face as it is`);
        compared += ours.length;
        ours.forEach((o, i) => {
          const t = theirs[i];
          o.box.forEach((v, k) => assert.ok(Math.abs(v - t.box[k]) <= 2, `${where}: box ${o.box.join(',')} vs ${t.box.join(',')}`));
          assert.ok(Math.abs(o.score - t.score) <= 0.01, `${where}: score ${o.score} vs ${t.score}`);
          assert.deepEqual(o.tensor.shape, t.tensor.shape);
          const mad = meanAbsDiff(o.tensor, t.tensor);
          worst = Math.max(worst, mad);
          assert.ok(mad <= MAX_CROP_MAD, `${where}: crop differs by ${(mad * 255).toFixed(3)} levels`);
        });
      } finally {
        [...theirs, ...ours].forEach((f) => f.tensor.dispose());
      }
    }
  }
  assert.ok(compared > 60, `${compared} faces compared`);
  console.log(`${compared} faces compared; worst crop mean abs difference: ${(worst * 255).toFixed(4)} / 255`);
});

test('the whole-photo path (passes, tiles) finds the same faces on ONNX as on Human', async () => {
  for (const [file, image] of photos) {
    const [theirs, ours] = [await detectFaceCrops(human, image), await detectFaceCrops(onnx, image)];
    try {
      assert.equal(ours.pass, theirs.pass, file);
      assert.equal(ours.tiled, theirs.tiled, file);
      assert.equal(ours.crops.length, theirs.crops.length, file);
      ours.crops.forEach((c, i) =>
        c.box.forEach((v, k) => assert.ok(Math.abs(v - theirs.crops[i].box[k]) <= 2, `${file}: ${c.box.join(',')} vs ${theirs.crops[i].box.join(',')}`)),
      );
    } finally {
      [...theirs.crops, ...ours.crops].forEach((c) => c.tensor.dispose());
    }
  }
});

test('faceless photos give no face on ONNX, through every pass', async () => {
  for (const [name, bytes] of Object.entries(await facelessPhotos())) {
    const found = await detectFaceCrops(onnx, await decodeImage(bytes, DEFAULT_IMAGE_LIMITS));
    found.crops.forEach((c) => c.tensor.dispose());
    assert.equal(found.crops.length, 0, name);
  }
});

test('ONNX detection leaks no tensors over repeated photos', async () => {
  const group = photos.find(([f]) => f.startsWith('group'))![1];
  const once = async () => (await detectFaceCrops(onnx, group)).crops.forEach((c) => c.tensor.dispose());
  await once();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) await once();
  assert.equal(tf.memory().numTensors, before);
});

test('the same top-1 for every face of every fixture through the whole engine: ONNX detection + embedding vs wasm', async () => {
  const pools = [await EmbedderPool.start({ workers: 1, backend: 'onnx' }), await EmbedderPool.start({ workers: 1, backend: 'wasm' })];
  try {
    const [a, b] = await Promise.all(pools.map((pool) => LookalikeEngine.open(CELEBRITY_17_MODEL, { pool })));
    assert.equal(a.runtime.detector, 'onnx');
    assert.equal(b.runtime.detector, 'wasm');
    for (const [file] of photos) {
      const [pa, pb] = [await a.which(readFixture('faces', file)), await b.which(readFixture('faces', file))];
      assert.equal(pa.faces.length, pb.faces.length, file);
      pa.faces.forEach((f, i) => assert.equal(f.matches[0].name, pb.faces[i].matches[0].name, `${file} face ${i}`));
    }
    await Promise.all([a.close(), b.close()]);
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
});
