import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, megabytes, percent } from '../src/base/format.js';

test('megabytes: binary MB, one decimal, no trailing ".0"', () => {
  assert.equal(megabytes(20 * 1024 * 1024), '20 MB');
  assert.equal(megabytes(25.3 * 1024 * 1024), '25.3 MB');
  assert.equal(megabytes(0.01 * 1024 * 1024), '0 MB');
});

test('percent: digits after the point, "-" for nothing measured', () => {
  assert.equal(percent(0.9723), '97.2%');
  assert.equal(percent(0.9723, 2), '97.23%');
  assert.equal(percent(1, 2), '100.00%');
  assert.equal(percent(null), '-');
  assert.equal(percent(Number.NaN), '-');
});

test('formatDuration: seconds, minutes, hours', () => {
  assert.equal(formatDuration(5.84), '5.8s');
  assert.equal(formatDuration(292), '4m52s');
  assert.equal(formatDuration(7300), '2h01m');
  assert.equal(formatDuration(null), '-');
});
