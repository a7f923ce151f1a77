import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { Backbone } from '../src/engine/backbones/backbone.js';
import { concatenateEmbeddings } from '../src/engine/backbones/concat.js';
import { CONCATENATED_BACKBONES, resolveBackbone, UnknownBackboneError } from '../src/engine/backbones/registry.js';
import { detectFaceCrops } from '../src/engine/detect/face-crops.js';
import { cachedFeatures } from '../src/engine/extract/composed-cache.js';
import { decodeImage, DEFAULT_IMAGE_LIMITS } from '../src/engine/image/decode.js';
import { dot } from '../src/engine/math.js';
import { selectBackend } from '../src/engine/runtime/backend.js';
import { DEFAULT_DETECTOR_OPTIONS, loadHuman } from '../src/engine/runtime/human.js';
import type { FaceDetector } from '../src/engine/detect/detector.js';
import { HumanDetector } from '../src/engine/detect/human-detector.js';
import type { FacePixels } from '../src/engine/image/face-pixels.js';
import { DEFAULT_ONNX_CACHE_DIR } from '../src/engine/runtime/onnx/cache.js';
import { openDatabase, putFeatures } from '../src/store/index.js';
import { readFixture, ROOT } from './helpers/fixtures.js';
import { tempDir } from './helpers/temp.js';

const ONNX = { onnx: true, onnxThreads: 1, onnxCacheDir: DEFAULT_ONNX_CACHE_DIR };
let detector: FaceDetector;
let faceapi: Backbone;

/** The largest face of a photo, aligned. */
async function largestFace(bytes: Uint8Array): Promise<FacePixels> {
  const { crops } = await detectFaceCrops(detector, await decodeImage(bytes, DEFAULT_IMAGE_LIMITS));
  assert.ok(crops.length > 0, 'a face');
  return crops[0].pixels;
}

async function embedPhoto(backbone: Backbone, bytes: Uint8Array): Promise<Float32Array> {
  return (await backbone.embed([await largestFace(bytes)]))[0];
}

before(async () => {
  const backend = await selectBackend('wasm');
  detector = new HumanDetector(await loadHuman(backend), backend.name, DEFAULT_DETECTOR_OPTIONS.minConfidence);
  faceapi = await Backbone.load(resolveBackbone('faceapi'), ONNX);
});

after(() => faceapi.dispose());

test('faceapi: the weights come from @vladmandic/face-api in node_modules, and it runs on onnxruntime', () => {
  const spec = resolveBackbone('faceapi');
  assert.equal(
    path.relative(path.join(ROOT, 'node_modules', '@vladmandic', 'face-api', 'model'), spec.modelPath),
    'face_recognition_model-weights_manifest.json',
  );
  assert.deepEqual([spec.format, spec.inputSize, spec.dim], ['faceapi', 150, 128]);
  assert.equal(faceapi.runtime, 'onnx');
  assert.equal(faceapi.onnxFallback, null);
});

test("faceapi: a 128-d unit vector, the same as face-api's own FaceRecognitionNet on the same crop", async () => {
  // face-api's Node build for the wasm backend, on this process's tfjs: the reference implementation.
  const require = createRequire(import.meta.url);
  const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as {
    FaceRecognitionNet: new () => { loadFromDisk(dir: string): Promise<void>; computeFaceDescriptor(x: tf.Tensor3D): Promise<Float32Array>; dispose(): void };
  };
  const net = new api.FaceRecognitionNet();
  await net.loadFromDisk(path.dirname(resolveBackbone('faceapi').modelPath));
  const crop = await largestFace(readFixture('faces', 'cgi-model-1.jpg'));
  // The region and size ours sees (the aligned crop less its margin, 150 px), in face-api's 0..255 input.
  const m = resolveBackbone('faceapi').preprocess.cropMargin ?? 0;
  const input = tf.tidy(() =>
    tf.squeeze<tf.Tensor3D>(
      tf.mul(tf.image.cropAndResize(tf.tensor4d(crop.data, [1, crop.height, crop.width, 3]), [[m, m, 1 - m, 1 - m]], [0], [150, 150]), 255),
    ),
  );
  const [ours] = await faceapi.embed([crop]);
  const theirs = await net.computeFaceDescriptor(input);
  input.dispose();
  net.dispose();
  assert.equal(ours.length, 128);
  assert.ok(Math.abs(dot(ours, ours) - 1) < 1e-5, 'L2-normalised');
  const cosine = dot(ours, theirs) / Math.sqrt(dot(theirs, theirs));
  assert.ok(cosine > 0.9999, `cosine with face-api's own net ${cosine}`);
});

test('faceapi: the same face re-encoded (JPEG quality 90) or mirror-averaged stays > 0.99; different people are further apart', async () => {
  const photo = readFixture('faces', 'cgi-model-1.jpg');
  const a = await embedPhoto(faceapi, photo);
  const reencoded = dot(a, await embedPhoto(faceapi, await sharp(photo).jpeg({ quality: 90 }).toBuffer()));
  assert.ok(reencoded > 0.99, `same face re-encoded: cosine ${reencoded}`);
  const flip = await Backbone.load(resolveBackbone('faceapi+flip'), ONNX);
  try {
    const mirrored = dot(a, await embedPhoto(flip, photo));
    assert.ok(mirrored > 0.99, `the mirror-free embedding vs the mirror-averaged one: cosine ${mirrored}`);
  } finally {
    flip.dispose();
  }
  // face-api's cosines sit high (its descriptors are not centred): different people still read 0.88-0.94 here.
  for (const other of ['cgi-model-2', 'cgi-model-3', 'cgi-model-8']) {
    const c = dot(a, await embedPhoto(faceapi, readFixture('faces', `${other}.jpg`)));
    assert.ok(c < 0.96 && c < reencoded - 0.04, `cgi-model-1 vs ${other}: cosine ${c}, re-encode ${reencoded}`);
  }
});

test('faceres+faceapi: 1152-d unit vector, its parts joined with their weights; +flip flips each part', async () => {
  assert.ok(CONCATENATED_BACKBONES.includes('faceres+faceapi'));
  const spec = resolveBackbone('faceres+faceapi');
  assert.deepEqual([spec.format, spec.dim, spec.inputSize], ['concat', 1152, 224]);
  assert.deepEqual(
    resolveBackbone('faceres+faceapi@0.5+flip').parts?.map((p) => [p.spec.id, p.weight]),
    [
      ['faceres+flip', 1],
      ['faceapi+flip', 0.5],
    ],
  );
  assert.throws(() => resolveBackbone('faceres+faceapi@-1'), UnknownBackboneError);
  assert.throws(() => resolveBackbone('faceres+nonet'), UnknownBackboneError);

  const [joined, faceres] = [await Backbone.load(spec, ONNX), await Backbone.load(resolveBackbone('faceres'), ONNX)];
  const crop = await largestFace(readFixture('faces', 'cgi-model-5.jpg'));
  const before = tf.memory().numTensors;
  try {
    const [e] = await joined.embed([crop]);
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    assert.equal(e.length, 1152);
    assert.ok(Math.abs(dot(e, e) - 1) < 1e-5, 'unit norm');
    const parts = [(await faceres.embed([crop]))[0], (await faceapi.embed([crop]))[0]];
    assert.ok(dot(e, concatenateEmbeddings(parts, [1, 1])) > 0.99999);
    // Equal weights: the cosine of two concatenations is the mean of the parts' cosines.
    const other = await largestFace(readFixture('faces', 'cgi-model-6.jpg'));
    const [f] = await joined.embed([other]);
    const otherParts = [(await faceres.embed([other]))[0], (await faceapi.embed([other]))[0]];
    assert.ok(Math.abs(dot(e, f) - (dot(parts[0], otherParts[0]) + dot(parts[1], otherParts[1])) / 2) < 1e-4);

    // The feature cache composes a concatenation from its parts' cached entries: no run needed.
    const db = openDatabase(path.join(tempDir('celeb-concat-'), 'cache.db'));
    putFeatures(db, [
      { contentHash: 'h1', backbone: 'faceres', view: 'clean', vector: parts[0], box: [1, 2, 3, 4] },
      { contentHash: 'h1', backbone: 'faceapi', view: 'clean', vector: parts[1], box: [1, 2, 3, 4] },
      { contentHash: 'h2', backbone: 'faceres', view: 'clean', vector: null, box: null },
      { contentHash: 'h2', backbone: 'faceapi', view: 'clean', vector: null, box: null },
      { contentHash: 'h3', backbone: 'faceres', view: 'clean', vector: parts[0], box: [1, 2, 3, 4] },
    ]);
    const cached = cachedFeatures(db, 'faceres+faceapi', 'clean', ['h1', 'h2', 'h3']);
    db.close();
    assert.ok(dot(cached.get('h1')!.vector!, e) > 0.99999);
    assert.deepEqual(cached.get('h1')!.box, [1, 2, 3, 4]);
    assert.equal(cached.get('h2')!.vector, null, 'no face in the parts, no face in the whole');
    assert.equal(cached.has('h3'), false, 'one part missing: embed it');
  } finally {
    joined.dispose();
    faceres.dispose();
  }
});
