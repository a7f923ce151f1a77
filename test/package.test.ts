/**
 * The package as another Node project sees it: imported by its name through package.json's
 * `exports`, typed through its declarations, answering a fixture with the shipped model.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { face, ROOT } from './helpers/fixtures.js';

const run = promisify(execFile);
const project = mkdtempSync(path.join(os.tmpdir(), 'celeb-consumer-'));
after(() => rmSync(project, { recursive: true, force: true }));

// A consumer project with the package linked in, as `npm install ../celeb-lookalike` would do.
mkdirSync(path.join(project, 'node_modules'));
symlinkSync(ROOT, path.join(project, 'node_modules', 'celeb-lookalike'), 'dir');
writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));

const CONSUMER = `
import { createEngine, isInputError } from 'celeb-lookalike';

const engine = await createEngine({ workers: 1 });
try {
  const answer = await engine.which(process.argv[2]);
  let missing = null;
  try {
    await engine.which('does-not-exist.jpg');
  } catch (error) {
    missing = isInputError(error) ? error.code : String(error);
  }
  console.log(JSON.stringify({ model: answer.model, best: answer.faces[0].matches[0], faces: answer.faces.length, missing, workers: engine.workers }));
} finally {
  await engine.close();
}
`;

test('another project imports createEngine by the package name and recognises a fixture', { timeout: 120_000 }, async () => {
  writeFileSync(path.join(project, 'main.mjs'), CONSUMER);
  const { stdout } = await run(process.execPath, ['main.mjs', face('ai-face')], { cwd: project });
  const out = JSON.parse(stdout) as {
    model: string;
    best: { name: string; confidence: number; similarity: number };
    faces: number;
    missing: string;
    workers: number;
  };
  assert.equal(out.model, 'default');
  assert.equal(out.faces, 1);
  assert.equal(typeof out.best.name, 'string');
  assert.ok(out.best.confidence > 0 && out.best.confidence <= 1);
  assert.ok(out.best.similarity > 0 && out.best.similarity < 1, 'the shipped gallery says how similar');
  assert.equal(out.missing, 'not_found');
  assert.equal(out.workers, 1);
});

test('the package type declarations type-check a TypeScript consumer', { timeout: 120_000 }, async () => {
  writeFileSync(
    path.join(project, 'typed.ts'),
    `
import { createEngine, CelebError, type Prediction, type RecognitionOptions, type ErrorCode } from 'celeb-lookalike';
const options: RecognitionOptions = { top: 3, maxFaces: 1 };
export async function best(file: string): Promise<string> {
  const engine = await createEngine({ workers: 1, backend: 'auto' });
  try {
    const p: Prediction = await engine.which(file, options);
    return p.faces[0].matches[0].name;
  } catch (error) {
    const code: ErrorCode | null = error instanceof CelebError ? error.code : null;
    return code ?? 'unknown';
  } finally {
    await engine.close();
  }
}
`,
  );
  writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: true, types: [] },
      files: ['typed.ts'],
    }),
  );
  await run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: project });
});
