import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXIT_STATUS } from '../src/cli/exit-codes.js';
import { CelebError, deserializeError, ERROR_CODES, INPUT_ERROR_CODES, InputError, isCelebError, isInputError, serializeError } from '../src/base/errors.js';
import { EmbedderPool } from '../src/engine/extract/pool.js';
import { UnknownBackboneError } from '../src/engine/backbones/registry.js';
import { ConfigError } from '../src/config.js';

test('every code survives the trip across a thread boundary with its class and message', () => {
  for (const code of ERROR_CODES) {
    const original = INPUT_ERROR_CODES.includes(code as never) ? new InputError(code as never, `photo: ${code}`) : new CelebError(code, `system: ${code}`);
    const copy = deserializeError(structuredClone(serializeError(original)));
    assert.ok(isCelebError(copy), code);
    assert.equal(copy.code, code);
    assert.equal(copy.message, original.message);
    assert.equal(isInputError(copy), INPUT_ERROR_CODES.includes(code as never), `${code} is a photo error only if it is an input code`);
  }
  const plain = deserializeError(serializeError(new TypeError('boom')));
  assert.equal(plain.name, 'TypeError');
  assert.ok(!isCelebError(plain), 'a bug stays a bug');
});

test('the purpose-made error classes carry their code', () => {
  assert.equal(new UnknownBackboneError('x').code, 'backbone');
  assert.equal(new ConfigError('x').code, 'config');
  assert.ok(new UnknownBackboneError('x') instanceof CelebError);
});

test('every code has an exit status, and photo codes share one', () => {
  for (const code of ERROR_CODES) assert.equal(typeof EXIT_STATUS[code], 'number', code);
  assert.deepEqual(new Set(INPUT_ERROR_CODES.map((c) => EXIT_STATUS[c])), new Set([2]));
});

test('an unknown backbone thrown inside a worker thread arrives as a CelebError with code backbone', { timeout: 60_000 }, async () => {
  await assert.rejects(EmbedderPool.start({ workers: 1, backend: 'wasm', backbone: 'no-such-backbone' }), (error: unknown) => {
    assert.ok(isCelebError(error), `got ${String(error)}`);
    assert.equal(error.code, 'backbone');
    assert.match(error.message, /Unknown backbone "no-such-backbone"/);
    return true;
  });
});
