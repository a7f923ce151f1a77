import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { Backbone } from '../src/engine/backbones/backbone.js';
import { BUILT_IN_BACKBONES, resolveBackbone } from '../src/engine/backbones/registry.js';
import { detectFaceCrops } from '../src/engine/detect/face-crops.js';
import { FaceEmbedder } from '../src/engine/extract/face-embedder.js';
import { EmbedderPool } from '../src/engine/extract/pool.js';
import { plannedRuntimeLabel, runtimeLabel } from '../src/engine/runtime/runtime.js';
import { decodeImage, DEFAULT_IMAGE_LIMITS } from '../src/engine/image/decode.js';
import { dot } from '../src/engine/math.js';
import { selectBackend } from '../src/engine/runtime/backend.js';
import { DEFAULT_DETECTOR_OPTIONS, loadHuman } from '../src/engine/runtime/human.js';
import { HumanDetector } from '../src/engine/detect/human-detector.js';
import type { FacePixels } from '../src/engine/image/face-pixels.js';
import { DEFAULT_ONNX_CACHE_DIR } from '../src/engine/runtime/onnx/cache.js';
import { fixture, readFixture } from './helpers/fixtures.js';

const ONNX = { onnx: true, onnxThreads: 1, onnxCacheDir: DEFAULT_ONNX_CACHE_DIR };
let crops: FacePixels[] = [];

before(async () => {
  // Every face of every fixture photo, detected once: the backbones are what is compared.
  const backend = await selectBackend('wasm');
  const human = new HumanDetector(await loadHuman(backend), backend.name, DEFAULT_DETECTOR_OPTIONS.minConfidence);
  for (const file of readdirSync(fixture('faces')).sort()) {
    const image = await decodeImage(readFixture('faces', file), DEFAULT_IMAGE_LIMITS);
    crops.push(...(await detectFaceCrops(human, image)).crops.map((c) => c.pixels));
  }
});

after(() => {
  crops = [];
});

for (const id of BUILT_IN_BACKBONES) {
  // An int8 network runs in float on tfjs: the two agree as int8 and float do (int8-backbones.test.ts).
  const bound = resolveBackbone(id).int8 ? 0.98 : 0.9999;
  test(`${id}: ONNX and tfjs embeddings agree to cosine > ${bound} on every fixture face`, async () => {
    assert.ok(crops.length >= 10, `only ${crops.length} faces in the fixtures`);
    const spec = resolveBackbone(id);
    const [onnx, tfjs] = [await Backbone.load(spec, ONNX), await Backbone.load(spec)];
    assert.equal(onnx.runtime, 'onnx');
    assert.equal(tfjs.runtime, 'tfjs');
    try {
      // Batches of 4: the ONNX graph has a symbolic batch dimension, like the tfjs one.
      for (let i = 0; i < crops.length; i += 4) {
        const batch = crops.slice(i, i + 4);
        const [a, b] = [await onnx.embed(batch), await tfjs.embed(batch)];
        a.forEach((e, k) => {
          const cosine = dot(e, b[k]);
          assert.ok(cosine > bound, `${id} face ${i + k}: cosine ${cosine}`);
        });
      }
    } finally {
      onnx.dispose();
      tfjs.dispose();
    }
  });
}

test('FaceEmbedder reports the runtime per stage: onnx runs detection and embedding on ONNX (tfjs wasm for crops); wasm for tfjs only', async () => {
  const [onnx, wasm] = [await FaceEmbedder.create({ backend: 'onnx' }), await FaceEmbedder.create({ backend: 'wasm' })];
  assert.equal(onnx.runtime.embedding, 'onnx');
  assert.equal(onnx.runtime.tfjs, null, 'ONNX alone: tfjs not loaded for answering');
  assert.equal(wasm.runtime.tfjs?.name, 'wasm');
  assert.equal(onnx.runtime.detector, 'onnx');
  assert.equal(wasm.runtime.detector, 'wasm');
  assert.match(onnx.runtime.onnxruntime ?? '', /^1\.\d+/);
  assert.equal(wasm.runtime.embedding, 'wasm');
  assert.equal(wasm.runtime.onnxruntime, null);

  const photo = readFixture('faces', 'cgi-model-1.jpg');
  const [a, b] = [await onnx.embedImage(photo), await wasm.embedImage(photo)];
  // The ONNX detector is mirror-symmetric and Human is not (detect/onnx/symmetric.ts): the same face, a crop a few pixels apart.
  const [[ax, ay, aw, ah], [bx, by, bw, bh]] = [a.faces[0].box, b.faces[0].box];
  const inter = Math.max(0, Math.min(ax + aw, bx + bw) - Math.max(ax, bx)) * Math.max(0, Math.min(ay + ah, by + bh) - Math.max(ay, by));
  const iou = inter / (aw * ah + bw * bh - inter);
  const cosine = dot(a.faces[0].embedding, b.faces[0].embedding);
  assert.ok(iou > 0.8 && cosine > 0.95, `box IoU ${iou}, embedding cosine ${cosine}`); // 0.87 and 0.963 when written

  // No tensor leaks on the ONNX path either (its input tensor is read and disposed).
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) await onnx.embedImage(photo, { views: [{ flip: true, rotation: 5, erase: null }] });
  assert.equal(tf.memory().numTensors, before);
  onnx.dispose();
  wasm.dispose();
});

test('auto: worker threads detect and embed on ONNX (one session each) and report onnx, the label training runs record', async () => {
  assert.equal(plannedRuntimeLabel('auto'), 'onnx');
  assert.equal(plannedRuntimeLabel('wasm'), 'wasm');
  const pool = await EmbedderPool.start({ workers: 2, backend: 'auto', onnxThreads: 1 });
  try {
    assert.equal(pool.runtime.embedding, 'onnx');
    assert.equal(runtimeLabel(pool.runtime), 'onnx');
    assert.equal(pool.runtime.tfjs, null);
    const photos = ['cgi-model-2.jpg', 'cgi-model-3.jpg'].map((f) => readFixture('faces', f));
    const results = await Promise.all(photos.map((p) => pool.embed(p)));
    for (const r of results) assert.equal(r.faces[0].embedding.length, 1024);
  } finally {
    await pool.close();
  }
});
