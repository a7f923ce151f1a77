/**
 * Mirror invariance by construction (detect/onnx/symmetric.ts, sampling.ts `alignedCrop`): the
 * crop of a mirrored photo is the mirror of the photo's crop, so one detection gives both and a
 * `+flip` embedding is the same for a photo and its mirror image. Pure parts first, then the real
 * ONNX detector and the shipped gallery on the fixtures (and on ../shared's synthetic strangers
 * when present).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { alignedCrop, resizeCentred, type Rgb } from '../src/engine/detect/onnx/sampling.js';
import { symmetricFaces, unmirrorFace } from '../src/engine/detect/onnx/symmetric.js';
import type { DetectBox } from '../src/engine/detect/onnx/blazeface-decode.js';
import { OnnxFaceDetector } from '../src/engine/detect/onnx/onnx-detector.js';
import { mirrorImage } from '../src/engine/detect/mirror.js';
import { DETECTION_PASSES, fromDecoded } from '../src/engine/detect/passes.js';
import { decodeImage, DEFAULT_IMAGE_LIMITS } from '../src/engine/image/decode.js';
import { DEFAULT_ONNX_CACHE_DIR } from '../src/engine/runtime/onnx/cache.js';
import { EmbedderPool } from '../src/engine/extract/pool.js';
import { LookalikeEngine } from '../src/engine/lookalike.js';
import { dot } from '../src/engine/math.js';
import { DEFAULT_MODEL, GALLERY_BACKBONE, ROOT, fixture, readFixture } from './helpers/fixtures.js';

/** A photo flipped left-right, losslessly. */
const flop = (bytes: Uint8Array) => sharp(bytes).flop().png().toBuffer();

/** size x size x 3 values flipped left-right. */
function flipCrop(data: Float32Array, size: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) out[(y * size + size - 1 - x) * 3 + c] = data[(y * size + x) * 3 + c];
  return out;
}

const meanAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

function noiseImage(width: number, height: number, seed: number): Rgb {
  let state = seed;
  const data = Uint8Array.from({ length: width * height * 3 }, () => (state = (state * 1103515245 + 12345) % 2 ** 31) % 256);
  return { data, width, height };
}

test('alignedCrop: the crop of a mirrored image at the mirrored alignment is the mirrored crop, also past the edges', () => {
  const image = noiseImage(97, 61, 3);
  const mirrored = mirrorImage({ ...image, originalWidth: image.width, originalHeight: image.height, format: 'png' });
  for (const [centre, side, angle] of [
    [[40.3, 30.7], 50, 0],
    [[10, 12], 70.5, 0.37],
    [[90.2, 55], 33, -1.1],
  ] as const) {
    const crop = alignedCrop(image, { centre: [centre[0], centre[1]], side, angle }, 48);
    const theirs = alignedCrop(mirrored, { centre: [image.width - centre[0], centre[1]], side, angle: -angle }, 48);
    assert.ok(meanAbsDiff(flipCrop(crop, 48), theirs) < 1e-9, `alignment ${String(centre)} ${side} ${angle}`);
    assert.ok(crop.some((v) => v > 0));
  }
});

test('resizeCentred: the detector input of a mirrored image is the mirrored input, and is also written mirrored on request', () => {
  const image = noiseImage(131, 77, 5);
  const mirrored = mirrorImage({ ...image, originalWidth: image.width, originalHeight: image.height, format: 'png' });
  const flipped = new Float32Array(64 * 64 * 3);
  const input = resizeCentred(image, 64, 1 / 127.5, -1, flipped);
  assert.ok(meanAbsDiff(flipCrop(input, 64), flipped) === 0);
  assert.ok(meanAbsDiff(resizeCentred(mirrored, 64, 1 / 127.5, -1), flipped) < 1e-6);
});

const face = (x: number, y: number, w: number, confidence: number): DetectBox => ({
  startPoint: [x, y],
  endPoint: [x + w, y + w],
  landmarks: [
    [x + 0.3 * w, y + 0.4 * w],
    [x + 0.7 * w, y + 0.42 * w],
    [x + 0.5 * w, y + 0.6 * w],
    [x + 0.52 * w, y + 0.8 * w],
    [x, y + 0.5 * w],
    [x + w, y + 0.5 * w],
  ],
  confidence,
});

test('symmetricFaces: swapping the two runs (what mirroring the photo does) gives the mirrored faces', () => {
  const width = 200;
  const direct = [face(20, 30, 40, 0.9), face(120, 40, 30, 0.7)];
  const inMirror = [face(width - 62, 31, 41, 0.8), face(5, 5, 10, 0.6)]; // the first is the first face, seen in the mirror
  const faces = symmetricFaces(
    direct,
    inMirror.map((f) => unmirrorFace(f, width)),
  );
  const ofMirror = symmetricFaces(
    inMirror,
    direct.map((f) => unmirrorFace(f, width)),
  );
  assert.equal(faces.length, 3, 'the pair, plus a face each run found alone');
  const mirroredBack = ofMirror.map((f) => unmirrorFace(f, width));
  for (const f of faces) {
    const twin = mirroredBack.find((m) => Math.abs(m.startPoint[0] - f.startPoint[0]) < 1e-9 && Math.abs(m.startPoint[1] - f.startPoint[1]) < 1e-9);
    assert.ok(twin, `face at ${String(f.startPoint)} has its mirror`);
    f.landmarks.forEach((p, k) => assert.ok(Math.abs(p[0] - twin.landmarks[k][0]) < 1e-9 && Math.abs(p[1] - twin.landmarks[k][1]) < 1e-9));
    assert.ok(Math.abs(f.confidence - twin.confidence) < 1e-12);
  }
});

let detector: OnnxFaceDetector;
before(async () => {
  detector = await OnnxFaceDetector.create({ maxFaces: 50, minConfidence: 0.5, threads: 1, cacheDir: DEFAULT_ONNX_CACHE_DIR });
});
after(() => detector.dispose());

test('the ONNX detector on a mirrored photo: the same faces, mirrored boxes, and crops that are the mirrored crops (within 1/255)', async () => {
  const files = readdirSync(fixture('faces')).sort();
  let faces = 0;
  let worst = 0;
  for (const file of files) {
    const bytes = readFixture('faces', file);
    const [image, mirrored] = [await decodeImage(bytes, DEFAULT_IMAGE_LIMITS), await decodeImage(await flop(bytes), DEFAULT_IMAGE_LIMITS)];
    for (const pass of DETECTION_PASSES.filter((p) => p.id === 'direct' || p.id === 'equalised')) {
      const [ours, theirs] = [await detector.detect(pass.prepare(fromDecoded(image))), await detector.detect(pass.prepare(fromDecoded(mirrored)))];
      assert.equal(theirs.length, ours.length, `${file} ${pass.id}: face count`);
      const width = pass.prepare(fromDecoded(image)).width;
      for (const f of ours) {
        const twin = theirs.find((t) => Math.abs(width - t.box[0] - t.box[2] - f.box[0]) <= 2 && Math.abs(t.box[1] - f.box[1]) <= 2);
        assert.ok(twin, `${file} ${pass.id}: face at ${String(f.box)} has a mirrored twin`);
        const mad = meanAbsDiff(flipCrop(f.pixels.data, f.pixels.width), twin.pixels.data);
        worst = Math.max(worst, mad);
        assert.ok(mad <= 1 / 255, `${file} ${pass.id}: crops differ by ${(mad * 255).toFixed(4)} levels`);
        faces++;
      }
    }
  }
  assert.ok(faces > 40, `${faces} faces compared`);
  console.log(`${faces} faces; worst crop mean abs difference ${(worst * 255).toFixed(5)} / 255`);
});

/** The fixtures' one-face photos, and the synthetic strangers of ../shared/samples when present. */
function strangerPhotos(): [string, Buffer][] {
  const photos: [string, Buffer][] = readdirSync(fixture('faces'))
    .filter((f) => !f.startsWith('group'))
    .map((f) => [f, readFixture('faces', f)]);
  const shared = path.join(ROOT, '..', 'shared', 'samples');
  if (existsSync(shared))
    for (const f of readdirSync(shared).filter((f) => /\.(jpe?g|png)$/i.test(f))) photos.push([`shared/${f}`, readFileSync(path.join(shared, f))]);
  return photos;
}

test(
  'the shipped gallery on ONNX: a photo and its mirror image get the same top-1 (100%) and embeddings with cosine above 0.999',
  { timeout: 300_000 },
  async () => {
    const pool = await EmbedderPool.start({ workers: 1, backend: 'onnx', backbone: GALLERY_BACKBONE });
    const engine = await LookalikeEngine.open(DEFAULT_MODEL, { pool });
    try {
      let lowest = 1;
      const photos = strangerPhotos();
      for (const [name, bytes] of photos) {
        const [a, b] = [await pool.embed(bytes, { maxFaces: 1 }), await pool.embed(await flop(bytes), { maxFaces: 1 })];
        assert.equal(b.faces.length, a.faces.length, `${name}: face found in both`);
        if (a.faces.length === 0) continue;
        const cosine = dot(a.faces[0].embedding, b.faces[0].embedding);
        lowest = Math.min(lowest, cosine);
        assert.ok(cosine > 0.999, `${name}: cosine ${cosine}`);
        const [pa, pb] = [await engine.which(bytes, { maxFaces: 1 }), await engine.which(await flop(bytes), { maxFaces: 1 })];
        assert.equal(pb.faces[0].matches[0].name, pa.faces[0].matches[0].name, `${name}: top-1`);
      }
      console.log(`${photos.length} photos; lowest cosine between a photo and its mirror: ${lowest.toFixed(6)}`);
    } finally {
      await engine.close();
      await pool.close();
    }
  },
);
