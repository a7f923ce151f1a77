import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { celeb, jsonLines } from './helpers/cli.js';
import { face, fixture, solidJpeg, textFile, tiff, truncatedJpeg } from './helpers/fixtures.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'celeb-cli-'));
const env = { CELEB_DB: path.join(tmp, 'celeb.db'), CELEB_WORKERS: '2' };

test('which --json prints the documented shape for the shipped default model', async () => {
  const r = await celeb(['which', face('ai-face'), '--json', '--top', '2'], env);
  assert.equal(r.code, 0, r.stderr);
  const [out] = jsonLines(r.stdout) as { model: string; faces: { box: number[]; matches: { name: string; confidence: number }[] }[] }[];
  assert.equal(out.model, 'default');
  assert.equal(out.faces.length, 1);
  assert.equal(out.faces[0].box.length, 4);
  assert.equal(out.faces[0].matches.length, 2);
  assert.equal(typeof out.faces[0].matches[0].name, 'string');
  assert.ok(out.faces[0].matches[0].confidence >= out.faces[0].matches[1].confidence);
});

test('which in text mode names the best match and the runners-up', async () => {
  const r = await celeb(['which', fixture('faces', 'group-1.jpg'), '--max-faces', '2'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /2 faces/);
  assert.match(r.stdout, /1\. at \d+,\d+ \d+x\d+: looks most like .+ \(\d+\.\d%\)\. Also: /);
  assert.match(r.stdout, /smaller faces not shown/);
});

test('every bad input gives exit code 2 and its error code as JSON; good images still answer', async () => {
  const files: Record<string, Uint8Array> = {
    'text.jpg': textFile(), 'truncated.jpg': truncatedJpeg(), 'blank.jpg': await solidJpeg(), 'image.tiff': await tiff(),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(tmp, name), bytes);
  const r = await celeb(['which', '--json', ...Object.keys(files).map((n) => path.join(tmp, n)), face('ai-face')], env);
  assert.equal(r.code, 2);
  const codes = jsonLines(r.stdout).map((o) => (o.error as { code?: string } | undefined)?.code ?? 'ok');
  assert.deepEqual(codes, ['not_an_image', 'corrupt', 'no_face', 'unsupported_format', 'ok']);
  for (const o of jsonLines(r.stdout)) if (o.error) assert.equal(typeof (o.error as { message: unknown }).message, 'string');
});

test('too_large follows CELEB_MAX_IMAGE_MB', async () => {
  const r = await celeb(['which', '--json', face('cgi-model-1')], { ...env, CELEB_MAX_IMAGE_MB: '0.01' });
  assert.equal(r.code, 2);
  assert.equal((jsonLines(r.stdout)[0].error as { code: string }).code, 'too_large');
});

test('usage errors and bad configuration exit 64 with a clear message', async () => {
  const missing = await celeb(['which', path.join(tmp, 'does-not-exist.jpg')], env);
  assert.equal(missing.code, 64);
  assert.match(missing.stderr, /Cannot read .*does-not-exist\.jpg/);
  const flag = await celeb(['which', '--nope', face('ai-face')], env);
  assert.equal(flag.code, 64);
  assert.match(flag.stderr, /Usage: celeb which/);
  const config = await celeb(['info'], { ...env, CELEB_BACKEND: 'quantum' });
  assert.equal(config.code, 64);
  assert.match(config.stderr, /CELEB_BACKEND must be one of auto, onnx, tensorflow, wasm, cpu/);
});

test('info reports the runtime per stage, the onnxruntime version, the default model and versions', async () => {
  const r = await celeb(['info', '--json'], { ...env, CELEB_BACKEND: 'auto' });
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout) as {
    backend: { name: string }; runtime: { detection: string; embedding: string; onnxruntime: string | null };
    model: { manifest?: { labels: string[] } }; versions: Record<string, string>;
  };
  assert.ok(['wasm', 'tensorflow'].includes(info.backend.name));
  assert.equal(info.runtime.detection, info.backend.name);
  assert.equal(info.runtime.embedding, 'onnx');
  assert.match(info.runtime.onnxruntime ?? '', /^\d+\.\d+\.\d+$/);
  assert.equal(info.versions['onnxruntime-node'], info.runtime.onnxruntime);
  assert.equal(info.model.manifest?.labels.length, 17);
  assert.match(info.versions['@vladmandic/human'], /^\d+\.\d+\.\d+$/);
});
