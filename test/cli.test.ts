import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyModelDir } from '../src/engine/model/model-dir.js';
import { celeb, jsonLines } from './helpers/cli.js';
import { DEFAULT_MODEL, face, fixture, solidJpeg, textFile, tiff, truncatedJpeg } from './helpers/fixtures.js';
import { tempDir } from './helpers/temp.js';

const tmp = tempDir('celeb-cli-');
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
  assert.match(r.stdout, /1\. at \d+,\d+ \d+x\d+: looks most like .+ \(\d+% similar\)\. Also: /);
  assert.match(r.stdout, /smaller faces not shown/);
});

test('every bad input gives exit code 2 and its error code as JSON; good images still answer', async () => {
  const files: Record<string, Uint8Array> = {
    'text.jpg': textFile(),
    'truncated.jpg': truncatedJpeg(),
    'blank.jpg': await solidJpeg(),
    'image.tiff': await tiff(),
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

test('a missing file in a batch is an error of that image only; the others are answered and the exit status is 2', async () => {
  const missing = path.join(tmp, 'missing.jpg');
  const r = await celeb(['which', face('ai-face'), missing, face('cgi-model-1'), '--json'], env);
  assert.equal(r.code, 2, r.stderr);
  const lines = jsonLines(r.stdout) as { image: string; faces?: unknown[]; error?: { code: string; message: string } }[];
  assert.equal(lines.length, 3);
  assert.equal(lines[0].faces?.length, 1);
  assert.deepEqual(lines[1].error?.code, 'not_found');
  assert.match(lines[1].error?.message ?? '', /missing\.jpg/);
  assert.equal(lines[2].faces?.length, 1);
  const text = await celeb(['which', missing], env);
  assert.equal(text.code, 2);
  assert.match(text.stderr, /missing\.jpg: There is no file at .* \(not_found\)/);
});

/** One line on stderr, no stack trace. */
function assertOneLine(stderr: string, pattern: RegExp): void {
  assert.match(stderr, pattern);
  assert.doesNotMatch(stderr, /\n\s+at /, `a message, not a stack trace:\n${stderr}`);
}

test('usage mistakes exit 64 and name the flag; bad configuration exits 78', async () => {
  const flag = await celeb(['which', '--nope', face('ai-face')], env);
  assert.equal(flag.code, 64);
  assertOneLine(flag.stderr, /^celeb: unknown option --nope; see `celeb which --help`\n$/);
  const split = await celeb(['data', 'import', tmp, '--split', '1,2'], env);
  assert.equal(split.code, 64, split.stderr);
  assertOneLine(split.stderr, /^celeb: --split: a split is three numbers/);
  const head = await celeb(['train', '--run', '2', '--head', 'fc9'], env);
  assert.equal(head.code, 64, head.stderr);
  assertOneLine(head.stderr, /^celeb: --head must be fc1 or fc2, got "fc9"/);
  const weight = await celeb(['gallery', 'eval', tmp, '--twin-weight', 'half'], env);
  assert.equal(weight.code, 64, weight.stderr);
  assertOneLine(weight.stderr, /^celeb: --twin-weight must be a number from 0 to 10, got "half"/);
  const config = await celeb(['info'], { ...env, CELEB_BACKEND: 'quantum' });
  assert.equal(config.code, 78);
  assertOneLine(config.stderr, /CELEB_BACKEND must be one of auto, .*got "quantum"/);
});

test('a model whose backbone is misspelt is one line and exit 65, before any worker starts', async () => {
  const model = path.join(tmp, 'misspelt');
  await copyModelDir(DEFAULT_MODEL, model);
  const manifest = JSON.parse(readFileSync(path.join(model, 'model.json'), 'utf8')) as { backbone: string };
  writeFileSync(path.join(model, 'model.json'), JSON.stringify({ ...manifest, backbone: 'facers' }));
  const r = await celeb(['which', '--model', model, face('ai-face')], env);
  assert.equal(r.code, 65, r.stderr);
  assertOneLine(r.stderr, /^celeb: Unknown backbone "facers"/);
});

test('a runtime that is not installed is one line and exit 69', async () => {
  const r = await celeb(['info'], { ...env, CELEB_BACKEND: 'tensorflow' });
  assert.equal(r.code, 69, r.stderr);
  assertOneLine(r.stderr, /^celeb: CELEB_BACKEND=tensorflow, but neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed/);
});

test('info reports the runtime per stage, the onnxruntime version, the default model and versions', async () => {
  const r = await celeb(['info', '--json'], { ...env, CELEB_BACKEND: 'auto' });
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout) as {
    backend: { name: string };
    runtime: { detection: string; embedding: string; tfjs: string; onnxruntime: string | null };
    model: { manifest?: { labels: string[] } };
    versions: Record<string, string>;
  };
  assert.ok(['wasm', 'tensorflow'].includes(info.backend.name));
  assert.equal(info.runtime.detection, 'onnx');
  assert.equal(info.runtime.tfjs, info.backend.name);
  assert.equal(info.runtime.embedding, 'onnx');
  assert.match(info.runtime.onnxruntime ?? '', /^\d+\.\d+\.\d+$/);
  assert.equal(info.versions['onnxruntime-node'], info.runtime.onnxruntime);
  assert.ok((info.model.manifest?.labels.length ?? 0) >= 1500, 'the shipped gallery');
  assert.match(info.versions['@vladmandic/human'], /^\d+\.\d+\.\d+$/);
});
