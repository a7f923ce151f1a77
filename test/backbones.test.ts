import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Backbone } from '../src/engine/backbones/backbone.js';
import { BUILT_IN_BACKBONES, resolveBackbone, UnknownBackboneError } from '../src/engine/backbones/registry.js';
import { FaceEmbedder } from '../src/engine/extract/face-embedder.js';
import { selectBackend } from '../src/engine/runtime/backend.js';
import { dot } from '../src/engine/math.js';
import { readFixture, ROOT } from './helpers/fixtures.js';
import { tempDir } from './helpers/temp.js';
import { pixelsOf } from './helpers/face-pixels.js';

const SHARED_MOBILENET = path.resolve(ROOT, '..', 'shared', 'backbones', 'imagenet-mobilenet-v1-0.75', 'model.json');

before(async () => {
  await selectBackend('wasm');
});

/** A small random conv net saved as a tfjs layers model, standing in for an ImageNet network. */
async function saveTinyCnn(dir: string): Promise<string> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [32, 32, 3],
        filters: 8,
        kernelSize: 3,
        strides: 2,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        name: 'conv',
      }),
      tf.layers.globalAveragePooling2d({ name: 'features' }),
      tf.layers.dense({ units: 10, activation: 'softmax', name: 'classes' }),
    ],
  });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      writeFileSync(path.join(dir, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
      writeFileSync(
        path.join(dir, 'model.json'),
        JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  return path.join(dir, 'model.json');
}

test('every built-in backbone resolves to a model file shipped by npm', () => {
  for (const id of BUILT_IN_BACKBONES) assert.ok(existsSync(resolveBackbone(id).modelPath), id);
  assert.throws(() => resolveBackbone('resnet9000'), UnknownBackboneError);
});

test('custom:<model.json> runs a layers model up to the named layer, as backbone.json says', async () => {
  const dir = tempDir('celeb-custom-');
  const modelJson = await saveTinyCnn(dir);
  assert.throws(() => resolveBackbone(`custom:${modelJson}`), /missing .*backbone\.json/);
  writeFileSync(path.join(dir, 'backbone.json'), JSON.stringify({ inputSize: 32, output: 'features', dim: 8, preprocess: { mean: 127.5, std: 127.5 } }));
  const spec = resolveBackbone(`custom:${modelJson}`);
  assert.deepEqual([spec.format, spec.inputSize, spec.dim, spec.preprocess.channelOrder], ['layers', 32, 8, 'rgb']);
  const backbone = await Backbone.load(spec);
  const crop = tf.tidy(() =>
    tf.div<tf.Tensor4D>(
      tf.tensor4d(
        new Uint8Array(64 * 64 * 3).map((_, i) => i % 251),
        [1, 64, 64, 3],
        'int32',
      ),
      255,
    ),
  );
  const [e] = await backbone.embed([pixelsOf(crop)]);
  assert.equal(e.length, 8);
  assert.ok(Math.abs(dot(e, e) - 1) < 1e-5, 'L2-normalised');
  // cropMargin cuts the crop's border before resizing: the same face gives another feature.
  const tight = await Backbone.load({ ...spec, preprocess: { ...spec.preprocess, cropMargin: 0.25 } });
  const [t] = await tight.embed([pixelsOf(crop)]);
  assert.equal(t.length, 8);
  assert.ok(dot(e, t) < 0.99999, 'a different input region');
  crop.dispose();
  backbone.dispose();
  tight.dispose();
});

test('a missing required field in backbone.json is named', async () => {
  const dir = tempDir('celeb-custom-');
  const modelJson = await saveTinyCnn(dir);
  writeFileSync(path.join(dir, 'backbone.json'), JSON.stringify({ inputSize: 32, dim: 8 }));
  assert.throws(() => resolveBackbone(`custom:${modelJson}`), /"output" is required/);
});

test(
  'shared: the ImageNet MobileNet from ../shared plugs in as a custom backbone (skipped without ../shared)',
  { skip: !existsSync(SHARED_MOBILENET) },
  async () => {
    // ../shared is read-only: write backbone.json beside a copy of model.json that points at the shared weights.
    const dir = tempDir('celeb-mobilenet-');
    const json = JSON.parse(readFileSync(SHARED_MOBILENET, 'utf8')) as { weightsManifest: { paths: string[] }[] };
    for (const group of json.weightsManifest) group.paths = group.paths.map((p) => path.relative(dir, path.join(path.dirname(SHARED_MOBILENET), p)));
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(
      path.join(dir, 'backbone.json'),
      JSON.stringify({ inputSize: 224, output: 'global_average_pooling2d_1', dim: 768, preprocess: { mean: 127.5, std: 127.5 } }),
    );
    const embedder = await FaceEmbedder.create({ backbone: `custom:${path.join(dir, 'model.json')}`, backend: 'wasm' });
    const result = await embedder.embedImage(readFixture('faces', 'cgi-model-1.jpg'));
    assert.equal(result.faces[0].embedding.length, 768);
    embedder.dispose();
  },
);
