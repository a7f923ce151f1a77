// `celeb db backup`: a consistent copy of the live database (WAL included) made while another
// process has it open, without touching the live file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createRun, getRun, markRunning, openDatabase } from '../src/store/index.js';
import { celeb, jsonLines } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const data = tempDir('celeb-backup-');
const live = openDatabase(path.join(data, 'celeb.db'));
after(() => live.close());

test('celeb db backup copies the open database, its latest writes included, and leaves a running run alone', async () => {
  const runId = createRun(live, {
    preset: 2,
    config: { epochs: 5 },
    backbone: 'faceres',
    backend: 'wasm',
    head: 'fc1',
    loss: 'nll',
    samplePairing: false,
    epochs: 5,
  });
  markRunning(live, runId); // a run in progress in the bot's process
  assert.ok(existsSync(path.join(data, 'celeb.db-wal')), 'the latest writes are still in the WAL file');

  const target = path.join(tempDir('celeb-backup-out-'), 'nightly', 'celeb-copy.db');
  const r = await celeb(['db', 'backup', target, '--json'], { CELEB_DATA_DIR: data });
  assert.equal(r.code, 0, r.stderr);
  const [report] = jsonLines(r.stdout) as { source: string; file: string; bytes: number; pages: number }[];
  assert.equal(report.source, path.join(data, 'celeb.db'));
  assert.equal(report.file, target);
  assert.ok(report.bytes > 0 && report.pages > 0);

  const copy = new BetterSqlite3(target, { readonly: true, fileMustExist: true });
  try {
    assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
    const row = copy.prepare('SELECT preset, status FROM runs WHERE id = ?').get(runId) as { preset: number; status: string };
    assert.deepEqual(row, { preset: 2, status: 'running' });
  } finally {
    copy.close();
  }
  assert.equal(getRun(live, runId)?.status, 'running', 'the live run was not marked interrupted');

  const again = await celeb(['db', 'backup', target], { CELEB_DATA_DIR: data });
  assert.equal(again.code, 65);
  assert.match(again.stderr, /already exists; choose a new file/);
});

test('celeb db backup says where it looked when there is no database, and explains its usage', async () => {
  const empty = tempDir('celeb-backup-none-');
  const r = await celeb(['db', 'backup', path.join(empty, 'x.db')], { CELEB_DATA_DIR: empty });
  assert.equal(r.code, 65);
  assert.equal(r.stderr.trim(), `celeb: No database at ${path.join(empty, 'celeb.db')}: nothing to back up (check CELEB_DB / CELEB_DATA_DIR).`);
  assert.equal((await celeb(['db', 'restore', 'x.db'], { CELEB_DATA_DIR: empty })).code, 64);
});
