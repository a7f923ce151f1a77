// Where things live: the data directory per platform, the overrides, and one model decision
// shared by the CLI, the bots and createEngine().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { platformDataDir } from '../src/config/paths.js';
import { chooseModelDir, PACKAGE_MODEL_DIR } from '../src/engine/create.js';
import { engineOptions, onnxCacheDir } from '../src/wiring.js';

test('the per-user data folder follows each platform', () => {
  assert.equal(platformDataDir('linux', {}, '/home/ann'), '/home/ann/.local/share/celeb-lookalike');
  assert.equal(platformDataDir('linux', { XDG_DATA_HOME: '/srv/xdg' }, '/home/ann'), '/srv/xdg/celeb-lookalike');
  assert.equal(
    platformDataDir('linux', { XDG_DATA_HOME: 'relative/xdg' }, '/home/ann'),
    '/home/ann/.local/share/celeb-lookalike',
    'the XDG spec ignores relative paths',
  );
  assert.equal(platformDataDir('freebsd', {}, '/home/ann'), '/home/ann/.local/share/celeb-lookalike');
  assert.equal(platformDataDir('darwin', { XDG_DATA_HOME: '/x' }, '/Users/ann'), '/Users/ann/Library/Application Support/celeb-lookalike');
  assert.equal(
    platformDataDir('win32', { LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }, 'C:\\Users\\ann'),
    'C:\\Users\\ann\\AppData\\Local\\celeb-lookalike',
  );
  assert.equal(platformDataDir('win32', {}, 'C:\\Users\\ann'), 'C:\\Users\\ann\\AppData\\Local\\celeb-lookalike');
});

test('everything the program writes sits in the one data directory', () => {
  const config = loadConfig({ CELEB_DATA_DIR: '/srv/celeb' }, 2, { platform: 'linux', home: '/home/ann' });
  assert.equal(config.dataDirFrom, 'CELEB_DATA_DIR');
  assert.deepEqual(config.paths, {
    db: '/srv/celeb/celeb.db',
    cache: '/srv/celeb/cache',
    datasets: '/srv/celeb/face_data',
    sources: '/srv/celeb/sources',
    downloads: '/srv/celeb/downloads',
    models: '/srv/celeb/models',
  });
  assert.equal(onnxCacheDir(config), '/srv/celeb/cache/onnx');
  assert.equal(engineOptions(config).onnxCacheDir, '/srv/celeb/cache/onnx');
});

test('the explicit variables still win: CELEB_DB, CELEB_CACHE_DIR, CELEB_MODEL_DIR', () => {
  const config = loadConfig({ CELEB_DATA_DIR: '/srv/celeb', CELEB_DB: '/var/db/c.db', CELEB_CACHE_DIR: '/tmp/cc', CELEB_MODEL_DIR: '/opt/models' }, 2);
  assert.equal(config.dbPath, '/var/db/c.db');
  assert.equal(config.paths.db, '/var/db/c.db');
  assert.equal(config.paths.cache, '/tmp/cc');
  assert.equal(config.modelDir, '/opt/models');
  assert.equal(config.paths.datasets, '/srv/celeb/face_data');
});

test('the CLI, the bots and createEngine() pick the same model: the packaged default', () => {
  const config = loadConfig({ CELEB_DATA_DIR: '/nonexistent/celeb' }, 2);
  // No database yet (a first start): the shipped default, found from the package, not from the working directory.
  assert.equal(chooseModelDir(engineOptions(config)), path.join(PACKAGE_MODEL_DIR, 'default'));
  assert.equal(chooseModelDir({}), path.join(PACKAGE_MODEL_DIR, 'default'));
});
