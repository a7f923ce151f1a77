// `npm ci` stays quiet and deliberate: every package of the lock file that has an install script
// has an allow/deny decision in package.json's allowScripts, the README's table states the same
// decision, and no project .npmrc key npm does not know (npm warns those stop working).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './helpers/fixtures.js';

interface Lock {
  packages: Record<string, { hasInstallScript?: boolean; version?: string }>;
}

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as Lock;

/** Package names (`node_modules/<name>`, the last one for nested paths) whose lock entry has an install script. */
const withScripts = [
  ...new Set(
    Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length))
      .filter(Boolean),
  ),
].sort();

test('every package with an install script has a decision in allowScripts, and nothing else does', () => {
  assert.ok(withScripts.length >= 3, `found ${withScripts.join(', ')}`);
  const decided = Object.keys(pkg.allowScripts ?? {}).map((key) => key.replace(/(.)@.*$/, '$1'));
  assert.deepEqual([...decided].sort(), withScripts);
  assert.equal(pkg.allowScripts?.['onnxruntime-node'], false, 'the CUDA download stays off');
  assert.equal(pkg.allowScripts?.['better-sqlite3'], true, 'the SQLite addon is built');
});

test('the README gives the same decision for each, with a reason', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  for (const name of withScripts) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\``));
    assert.ok(row, `README lists ${name}`);
    const cells = row.split(' | ');
    assert.equal(cells.length, 4, row);
    assert.equal(cells[2], pkg.allowScripts?.[name] ? 'allow' : 'deny', row);
    assert.ok(cells[3].length > 20, `a reason for ${name}`);
  }
});

test('npm reads the project configuration without an "Unknown project config" warning', async () => {
  // npm itself judges the real .npmrc (if any): a package option there, such as the old
  // onnxruntime-node-install=skip, is an unknown key that npm says will stop working.
  const { stderr } = await run('npm', ['pkg', 'get', 'name'], { cwd: ROOT });
  assert.doesNotMatch(stderr, /Unknown project config/);
});
