import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { detectFaceCrops } from '../src/engine/detect/face-crops.js';
import { HumanDetector } from '../src/engine/detect/human-detector.js';
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
 * The ONNX detector is no longer a port of Human's glue: it detects in the photo and its mirror
 * image and averages (mirror-symmetric by construction), asks the mesh only about doubtful faces,
 * and samples in continuous coordinates. So its boxes and crops are close to Human's, not equal.
 * Bounds, measured on the fixtures (all six passes): boxes overlap Human's by IoU 0.75 at worst.
 */
const MIN_BOX_IOU = 0.6;

const iou = (a: readonly number[], b: readonly number[]) => {
  const w = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  return (w * h) / (a[2] * a[3] + b[2] * b[3] - w * h);
};

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

/** How many of `faces` have a twin among `others` (IoU at least MIN_BOX_IOU). */
const twinned = (faces: readonly { box: readonly number[] }[], others: readonly { box: readonly number[] }[]) =>
  faces.filter((f) => others.some((o) => iou(f.box, o.box) >= MIN_BOX_IOU)).length;

test('ONNX detection finds the faces Human finds, in the same places, over every fixture and every detection pass', async () => {
  const counts = { human: 0, onnx: 0, humanTwinned: 0, onnxTwinned: 0 };
  for (const [file, image] of photos) {
    for (const pass of DETECTION_PASSES) {
      const pixels = pass.prepare(fromDecoded(image));
      const [theirs, ours] = [await human.detect(pixels, pass.minConfidence), await onnx.detect(pixels, pass.minConfidence)];
      if (pass.id === 'direct') assert.ok(ours.length > 0, `${file}: every fixture shows a face as it is`);
      counts.human += theirs.length;
      counts.onnx += ours.length;
      counts.humanTwinned += twinned(theirs, ours);
      counts.onnxTwinned += twinned(ours, theirs);
      for (const o of ours) assert.ok(o.score > 0.3 && o.score <= 1 && o.pixels.width === 192, `${file} ${pass.id}: score ${o.score}`);
    }
  }
  console.log(JSON.stringify(counts));
  // Measured: 131 of 149 and 131 of 141. The rest are faces at the threshold in the fallback passes
  // and the crowd of group-1, where each finds a few faces the other misses and Human's mesh-centred
  // boxes slip off some small faces (checked by eye: ours sit on the faces).
  assert.ok(counts.human > 60 && counts.humanTwinned / counts.human >= 0.85, `Human's faces found by ONNX: ${JSON.stringify(counts)}`);
  assert.ok(counts.onnxTwinned / counts.onnx >= 0.85, `ONNX's faces found by Human: ${JSON.stringify(counts)}`);
});

test('the whole-photo path (passes, tiles) finds the same faces on ONNX as on Human', async () => {
  for (const [file, image] of photos) {
    const [theirs, ours] = [await detectFaceCrops(human, image), await detectFaceCrops(onnx, image)];
    assert.equal(ours.pass, theirs.pass, file);
    assert.equal(ours.tiled, theirs.tiled, file);
    // In a crowd (group-1: 13 faces) each finds a few faces the other misses (see above).
    const slack = theirs.tiled ? 3 : 0;
    assert.ok(twinned(theirs.crops, ours.crops) >= theirs.crops.length - slack, `${file}: Human's faces found by ONNX`);
    assert.ok(twinned(ours.crops, theirs.crops) >= ours.crops.length - slack, `${file}: ONNX's faces found by Human`);
  }
});

test('faceless photos give no face on ONNX, through every pass', async () => {
  for (const [name, bytes] of Object.entries(await facelessPhotos())) {
    const found = await detectFaceCrops(onnx, await decodeImage(bytes, DEFAULT_IMAGE_LIMITS));
    assert.equal(found.crops.length, 0, name);
  }
});

test('a thread that answers on ONNX never loads tfjs or Human: the whole photo path in a fresh process', () => {
  const script = `
    import { createRequire } from 'node:module';
    import { readFileSync } from 'node:fs';
    const { FaceEmbedder } = await import(${JSON.stringify(new URL('../src/engine/extract/face-embedder.js', import.meta.url).href)});
    const embedder = await FaceEmbedder.create({ backbone: 'faceres+faceapi+flip', backend: 'onnx' });
    const result = await embedder.embedImage(readFileSync(${JSON.stringify(fixture('faces', 'group-3.jpg'))}));
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => /tfjs|vladmandic/.test(k));
    console.log(JSON.stringify({ faces: result.faces.length, tfjs: embedder.runtime.tfjs, loaded }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const report = JSON.parse(out.trim().split('\n').pop()!) as { faces: number; tfjs: unknown; loaded: string[] };
  assert.equal(report.faces, 4);
  assert.equal(report.tfjs, null);
  assert.deepEqual(report.loaded, []);
});

test('the same top-1 through the whole engine, ONNX detection + embedding vs wasm, wherever the answer is clear', async () => {
  const pools = [await EmbedderPool.start({ workers: 1, backend: 'onnx' }), await EmbedderPool.start({ workers: 1, backend: 'wasm' })];
  try {
    const [a, b] = await Promise.all(pools.map((pool) => LookalikeEngine.open(CELEBRITY_17_MODEL, { pool })));
    assert.equal(a.runtime.detector, 'onnx');
    assert.equal(b.runtime.detector, 'wasm');
    let clear = 0;
    for (const [file] of photos) {
      const [pa, pb] = [await a.which(readFixture('faces', file)), await b.which(readFixture('faces', file))];
      // A stranger between two of 17 people may tip either way with crops a pixel apart; a clear answer may not.
      pb.faces.forEach((face, i) => {
        const [first, second] = face.matches;
        const twin = pa.faces.find((f) => iou(f.box, face.box) >= MIN_BOX_IOU); // none for a few faces of the crowd (see above)
        if (!twin || first.confidence - second.confidence <= 0.5) return;
        assert.equal(twin.matches[0].name, first.name, `${file} face ${i}`);
        clear++;
      });
    }
    assert.ok(clear >= 5, `${clear} clear answers compared`); // 7 when written
    await Promise.all([a.close(), b.close()]);
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
});
