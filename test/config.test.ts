import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadConfig, ConfigError } from '../src/config.js';
import { PACKAGE_MODEL_DIR } from '../src/engine/create.js';
import { ROOT } from './helpers/fixtures.js';
import { engineOptions } from '../src/wiring.js';
import { defaultOnnxThreads } from '../src/engine/run-options.js';

test('config defaults never depend on the working directory: the packaged model, the per-user data folder', () => {
  const config = loadConfig({}, 2, { platform: 'linux', home: '/home/ann' });
  assert.equal(config.dataDir, '/home/ann/.local/share/celeb-lookalike');
  assert.equal(config.dataDirFrom, 'platform default');
  assert.equal(config.modelDir, PACKAGE_MODEL_DIR);
  assert.equal(config.modelDir, path.join(ROOT, 'model'), 'the package folder, not <cwd>/model');
  assert.equal(config.dbPath, '/home/ann/.local/share/celeb-lookalike/celeb.db');
  assert.equal(config.backend, 'auto');
  assert.equal(config.onnxThreads, undefined, 'unset: the pool shares the cores among its workers');
  assert.equal(config.workers, 2);
  assert.equal(config.maxImageBytes, 20 * 1024 * 1024);
  assert.equal(config.maxImagePixels, 40_000_000);
});

test('config reads overrides and derives the database path from the data dir', () => {
  const config = loadConfig({ CELEB_DATA_DIR: '/tmp/d', CELEB_BACKEND: 'cpu', CELEB_WORKERS: '3', CELEB_MAX_IMAGE_MB: '0.5' }, 8);
  assert.equal(config.dbPath, '/tmp/d/celeb.db');
  assert.equal(config.backend, 'cpu');
  assert.equal(config.workers, 3);
  assert.equal(config.maxImageBytes, 512 * 1024);
});

test('config rejects invalid values with the variable name in the message', () => {
  assert.throws(
    () => loadConfig({ CELEB_BACKEND: 'gpu' }),
    (e: unknown) => e instanceof ConfigError && /CELEB_BACKEND/.test(e.message),
  );
  assert.throws(() => loadConfig({ CELEB_WORKERS: '1.5' }), /CELEB_WORKERS must be a whole number/);
  assert.throws(() => loadConfig({ CELEB_ONNX_THREADS: '0' }), /CELEB_ONNX_THREADS must be a positive number/);
  assert.throws(() => loadConfig({ CELEB_MAX_MEGAPIXELS: '-1' }), /CELEB_MAX_MEGAPIXELS must be a positive number/);
});

test('CELEB_BACKEND=onnx and CELEB_ONNX_THREADS are read and validated here', () => {
  const config = loadConfig({ CELEB_BACKEND: 'onnx', CELEB_ONNX_THREADS: '2' });
  assert.equal(config.backend, 'onnx');
  assert.equal(config.onnxThreads, 2);
  assert.throws(
    () => loadConfig({ CELEB_ONNX_THREADS: 'two' }),
    (e: unknown) => e instanceof ConfigError && /CELEB_ONNX_THREADS/.test(e.message),
  );
});

test('the CLI and the bots pass every runtime setting on to the engine and to training', () => {
  const config = loadConfig({ CELEB_BACKEND: 'onnx', CELEB_ONNX_THREADS: '2', CELEB_WORKERS: '3' }, 2);
  const options = engineOptions(config);
  assert.equal(options.backend, 'onnx');
  assert.equal(options.onnxThreads, 2);
  assert.equal(options.workers, 3);
  assert.equal(engineOptions(config, { workers: 1 }).workers, 1, 'overrides win');
});

test('unset, ONNX threads are the cores shared among the workers, at least one each', () => {
  assert.equal(defaultOnnxThreads(2, 1), 2);
  assert.equal(defaultOnnxThreads(2, 2), 1);
  assert.equal(defaultOnnxThreads(8, 3), 2);
  assert.equal(defaultOnnxThreads(1, 4), 1);
});
