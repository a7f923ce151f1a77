import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Backbone } from '../src/engine/backbones/backbone.js';
import { faceApiGraph } from '../src/engine/backbones/faceapi-graph.js';
import { resolveBackbone } from '../src/engine/backbones/registry.js';
import type { FaceDetector } from '../src/engine/detect/detector.js';
import { detectFaceCrops } from '../src/engine/detect/face-crops.js';
import { OnnxFaceDetector } from '../src/engine/detect/onnx/onnx-detector.js';
import { decodeImage } from '../src/engine/image/decode.js';
import type { FacePixels } from '../src/engine/image/face-pixels.js';
import { dot } from '../src/engine/math.js';
import { DEFAULT_DETECTOR_OPTIONS } from '../src/engine/runtime/human-models.js';
import { type Int8Calibration } from '../src/engine/runtime/onnx/calibrate.js';
import { readGraphSource } from '../src/engine/runtime/onnx/cache.js';
import { CONVERTER_VERSION, convertSourceToGraph } from '../src/engine/runtime/onnx/convert.js';
import { quantisedActivations } from '../src/engine/runtime/onnx/quantize.js';
import { celeb } from './helpers/cli.js';
import { face, fixture } from './helpers/fixtures.js';
import { tempDir } from './helpers/temp.js';

const cacheDir = tempDir('celeb-int8-cache-');
const ONNX = { onnx: true, onnxThreads: 1, onnxCacheDir: cacheDir };
let detector: FaceDetector;
const backbones = new Map<string, Backbone>();
/** Every face of the fixtures (the group photo's too). */
const crops: FacePixels[] = [];

const IDS = ['faceres+flip', 'faceres8+flip', 'faceapi+flip', 'faceapi8+flip', 'faceres+faceapi+flip', 'faceres8+faceapi8+flip'];

before(async () => {
  detector = await OnnxFaceDetector.create({ ...DEFAULT_DETECTOR_OPTIONS, threads: 1, cacheDir });
  for (const id of IDS) backbones.set(id, await Backbone.load(resolveBackbone(id), ONNX));
  for (const name of readdirSync(fixture('faces')).filter((f) => f.endsWith('.jpg'))) {
    const found = await detectFaceCrops(detector, await decodeImage(readFileSync(fixture('faces', name))));
    crops.push(...found.crops.map((c) => c.pixels));
  }
});

after(async () => {
  for (const b of backbones.values()) b.dispose();
  await detector.dispose();
});

/** Per fixture face, the cosine between two backbones' embeddings; sorted. */
async function agreement(floatId: string, int8Id: string): Promise<number[]> {
  const [a, b] = await Promise.all([backbones.get(floatId)!.embed(crops), backbones.get(int8Id)!.embed(crops)]);
  return a.map((v, i) => dot(v, b[i])).sort((x, y) => x - y);
}

test('faceres8 and faceapi8 run on onnxruntime from int8 conversions: about a quarter of the float models on disk', () => {
  const size = (prefix: string) => {
    const file = readdirSync(cacheDir).find((f) => f.startsWith(`${prefix}-`) && /-[0-9a-f]{16}\.onnx$/.test(f));
    assert.ok(file, `${prefix} converted into the cache`);
    return statSync(path.join(cacheDir, file)).size;
  };
  for (const [int8, float] of [
    ['faceres8+flip', 'faceres-int8'],
    ['faceapi8+flip', 'faceapi-recognition-int8'],
  ]) {
    assert.equal(backbones.get(int8)?.runtime, 'onnx');
    assert.equal(backbones.get(int8)?.onnxFallback, null);
    const ratio = size(float) / size(float.replace('-int8', ''));
    assert.ok(ratio > 0.2 && ratio < 0.35, `${int8}: int8 weights and no float copies left: ${ratio.toFixed(3)} of the float model`);
  }
});

test('int8 and float embeddings agree: the shipped pair above 0.99 on every fixture face (the issue asks 0.99)', async () => {
  assert.ok(crops.length >= 20, `fixture faces: ${crops.length}`);
  const both = await agreement('faceres+faceapi+flip', 'faceres8+faceapi8+flip');
  assert.ok(both[0] > 0.99, `worst cosine ${both[0].toFixed(5)}`);
  // Each part's median (measured here about 0.997 and 0.9997); a broken calibration (ranges off by 10x) gives under 0.9.
  const median = (v: number[]) => v[v.length >> 1];
  assert.ok(median(await agreement('faceres+flip', 'faceres8+flip')) > 0.99);
  assert.ok(median(await agreement('faceapi+flip', 'faceapi8+flip')) > 0.999);
});

test("the shipped calibrations are this converter's, and cover every activation the quantiser reads but the float ones", async () => {
  for (const [id, floatConvs] of [
    ['faceres8', 3],
    ['faceapi8', 0],
  ] as const) {
    const spec = resolveBackbone(id);
    assert.ok(spec.int8);
    assert.deepEqual({ ...spec.int8, calibration: path.basename(spec.int8.calibration) }, { calibration: `${id}.json`, floatConvs });
    const calibration = JSON.parse(readFileSync(spec.int8.calibration, 'utf8')) as Int8Calibration;
    assert.equal(calibration.converter, CONVERTER_VERSION, 'calibrated for this converter version (run `celeb backbone calibrate` after bumping it)');
    const source = spec.format === 'faceapi' ? await faceApiGraph(spec.modelPath) : await readGraphSource(spec.modelPath);
    const { graph } = convertSourceToGraph(source, [spec.output]);
    const convInputs = graph.nodes.filter((n) => n.op === 'Conv').map((n) => n.inputs[0]);
    assert.deepEqual(calibration.float, convInputs.slice(0, floatConvs));
    const wanted = quantisedActivations(graph);
    assert.ok(wanted.length > 20, `${id}'s quantised activations: ${wanted.length}`);
    assert.deepEqual(
      wanted.filter((t) => !(t in calibration.ranges) && !calibration.float.includes(t)),
      [],
    );
    for (const [name, [lo, hi]] of Object.entries(calibration.ranges)) assert.ok(lo <= 0 && hi > 0 && hi < 1e4, `${id} ${name}: [${lo}, ${hi}]`);
  }
});

test('celeb backbone calibrate: ranges from a photo tree, written where asked; a float backbone is refused', async () => {
  const tree = tempDir('celeb-calibrate-tree-');
  for (const [person, names] of [
    ['Model One', ['cgi-model-1', 'cgi-model-2']],
    ['Model Three', ['cgi-model-3', 'cgi-model-5', 'group-1']],
  ] as const) {
    mkdirSync(path.join(tree, person));
    for (const n of names) copyFileSync(face(n), path.join(tree, person, `${n}.jpg`));
  }
  const out = path.join(tempDir('celeb-calibrate-out-'), 'faceres8.json');
  const run = await celeb(['backbone', 'calibrate', tree, '--backbone', 'faceres8', '--faces', '3', '--out', out, '--json']);
  assert.equal(run.code, 0, run.stderr);
  // The group photo has several faces: calibration takes one-face photos only.
  const summary = JSON.parse(run.stdout) as { backbone: string; faces: number; tensors: number; out: string; forgottenFeatures: number };
  // Written elsewhere than the backbone's own file: the cached embeddings stay valid.
  assert.deepEqual({ ...summary, tensors: 0 }, { backbone: 'faceres8', faces: 3, tensors: 0, out, forgottenFeatures: 0 });
  const written = JSON.parse(readFileSync(out, 'utf8')) as Int8Calibration;
  assert.equal(written.converter, CONVERTER_VERSION);
  assert.equal(written.float.length, 3, 'its first 3 convolutions stay float');
  assert.equal(summary.tensors, 24, "faceres's 27 convolutions read 27 activations");
  assert.equal(Object.keys(written.ranges).length, summary.tensors);
  assert.match(written.inputs, /^3 one-face photos of celeb-calibrate-tree-/);

  const refused = await celeb(['backbone', 'calibrate', tree, '--backbone', 'faceapi', '--out', out]);
  assert.equal(refused.code, 65);
  assert.match(refused.stderr, /faceapi is not an int8 backbone \(faceres8, faceapi8 are\)/);
});
