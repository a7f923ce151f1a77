import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as tar from 'tar';
import { DATASET_SOURCES, type DatasetSource } from '../src/engine/gallery/catalog.js';
import { gitBlobId, treeDigest } from '../src/engine/gallery/digest.js';
import { interpretResponse } from '../src/engine/gallery/download.js';
import { prefixFilter } from '../src/engine/gallery/extract.js';
import { fetchSource, type FetchOptions } from '../src/engine/gallery/fetch.js';
import { planLayout } from '../src/engine/gallery/layout-plan.js';
import { cleanFolderName } from '../src/engine/gallery/names.js';
import { isCelebError } from '../src/base/errors.js';
import { celeb } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const tmp = tempDir('celeb-fetch-');
const COMMIT = 'c0ffee'.padEnd(40, '0');
const PREFIX = 'faces/all';
/** The photos of the test archive, relative to PREFIX; any bytes do, fetch never decodes them. */
const PHOTOS: Record<string, Buffer> = {
  'Ada_Lovelace/1.jpg': Buffer.from('ada one'),
  'Ada_Lovelace/2.jpg': Buffer.from('ada two, a little longer'),
  'pins_Alan Turing/1.jpg': Buffer.alloc(3000, 7),
  'Grace_Hopper/1.jpg': Buffer.from('grace'),
};
let archive: Buffer;

/** A GitHub-shaped tar.gz: one top folder, the photos under PREFIX, and a file outside it that must not be unpacked. */
async function buildArchive(): Promise<Buffer> {
  const root = path.join(tmp, 'archive-src');
  const top = `tiny-${COMMIT}`;
  for (const [rel, bytes] of Object.entries(PHOTOS)) {
    const file = path.join(root, top, PREFIX, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  writeFileSync(path.join(root, top, 'README.md'), 'not part of the dataset');
  const file = path.join(tmp, 'tiny.tar.gz');
  await tar.c({ gzip: true, cwd: root, file, portable: true }, [top]);
  return readFileSync(file);
}

function tinySource(digest = treeDigest(Object.entries(PHOTOS).map(([p, bytes]) => ({ path: p, blobId: gitBlobId(bytes) })))): DatasetSource {
  return {
    id: 'tiny',
    title: 'Tiny test source',
    repo: 'someone/tiny',
    commit: COMMIT,
    prefix: PREFIX,
    files: Object.keys(PHOTOS).length,
    digest,
    about: '3 people',
    layout: (paths) => Promise.resolve(paths.map((from) => ({ from, person: cleanFolderName(from.split('/')[0]), file: from.split('/')[1] }))),
  };
}

/** How the test server answers: honour Range, cut the first response halfway, or ignore Range. */
type Mode = 'normal' | 'cut-first' | 'ignore-range';
let mode: Mode = 'normal';
let requests: { url: string; range: string | undefined; status: number }[] = [];
let server: http.Server;
let baseUrl: string;

before(async () => {
  archive = await buildArchive();
  server = http.createServer((req, res) => {
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range && mode !== 'ignore-range' ? Number(range[1]) : undefined;
    const status = start === undefined ? 200 : start >= archive.length ? 416 : 206;
    requests.push({ url: req.url ?? '', range: req.headers.range, status });
    if (status === 416) {
      res.writeHead(416, { 'content-range': `bytes */${archive.length}` }).end();
    } else if (status === 206 && start !== undefined) {
      res.writeHead(206, { 'content-range': `bytes ${start}-${archive.length - 1}/${archive.length}`, 'content-length': archive.length - start });
      res.end(archive.subarray(start));
    } else if (mode === 'cut-first' && requests.length === 1) {
      // Promise the whole length, send half, drop the connection. The pause lets the client store the half first:
      // a fetch body that errors drops the chunks it had not handed on yet, so a cut right away may leave 0 bytes.
      res.writeHead(200, { 'content-length': archive.length });
      res.write(archive.subarray(0, archive.length >> 1), () => setTimeout(() => res.socket?.destroy(), 100));
    } else {
      res.writeHead(200, { 'content-length': archive.length }).end(archive);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

let runs = 0;
/** Fresh output and cache folders for one test, and the server reset to `m`. */
function setUp(m: Mode): FetchOptions & { archiveFile: string } {
  mode = m;
  requests = [];
  const dir = path.join(tmp, `run-${++runs}`);
  const cacheDir = path.join(dir, 'downloads');
  return { outDir: path.join(dir, 'sources'), cacheDir, baseUrl, retryDelayMs: 0, archiveFile: path.join(cacheDir, `tiny-${COMMIT}.tar.gz`) };
}

const filesIn = (dir: string, rel = ''): string[] =>
  readdirSync(path.join(dir, rel)).flatMap((n) => (statSync(path.join(dir, rel, n)).isDirectory() ? filesIn(dir, path.join(rel, n)) : [path.join(rel, n)]));

function assertLaidOut(outDir: string): void {
  const dir = path.join(outDir, 'tiny');
  assert.deepEqual(
    filesIn(dir).sort(),
    ['.source.json', 'Ada Lovelace/1.jpg', 'Ada Lovelace/2.jpg', 'Alan Turing/1.jpg', 'Grace Hopper/1.jpg'].map((p) => path.normalize(p)),
  );
  assert.deepEqual(readFileSync(path.join(dir, 'Alan Turing', '1.jpg')), PHOTOS['pins_Alan Turing/1.jpg']);
  assert.deepEqual(readdirSync(outDir), ['tiny'], 'no staging or building folder left behind');
}

test('gitBlobId is git hash-object', () => {
  assert.equal(gitBlobId(new Uint8Array()), 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  const file = path.join(tmp, 'blob.bin');
  const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 10, ...Buffer.from('héllo\n')]);
  writeFileSync(file, bytes);
  assert.equal(gitBlobId(bytes), execFileSync('git', ['hash-object', '--no-filters', file], { encoding: 'utf8' }).trim());
});

test('treeDigest sorts paths by their UTF-8 bytes, whatever the input order', () => {
  const entries = ['é/1', 'a/b', 'a-b/c', 'B/x', 'Z'].map((p, i) => ({ path: p, blobId: String(i).repeat(40) }));
  const digest = treeDigest(entries);
  assert.equal(treeDigest([...entries].reverse()), digest);
  // Byte order, as git sorts a tree: capitals first, '-' (0x2d) before '/' (0x2f), non-ASCII last.
  const expected = ['B/x', 'Z', 'a-b/c', 'a/b', 'é/1'].map((p) => `${entries.find((e) => e.path === p)?.blobId} ${p}\n`).join('');
  assert.equal(digest, createHash('sha256').update(expected).digest('hex'));
});

test('the catalog sources all carry a digest and a 40-digit commit', () => {
  for (const s of DATASET_SOURCES) {
    assert.match(s.commit, /^[0-9a-f]{40}$/, s.id);
    assert.match(s.digest, /^[0-9a-f]{64}$/, s.id);
  }
});

test('range answers, prefix filter and layout plan (pure parts)', () => {
  const h = (contentRange: string | null, contentLength: string | null = null) => ({ contentRange, contentLength });
  assert.deepEqual(interpretResponse(206, 10, h('bytes 10-99/100', '90')), { kind: 'append', total: 100 });
  assert.deepEqual(interpretResponse(206, 10, h('bytes 0-99/100')), { kind: 'discard' });
  assert.deepEqual(interpretResponse(200, 10, h(null, '100')), { kind: 'restart', total: 100 });
  assert.deepEqual(interpretResponse(416, 100, h('bytes */100')), { kind: 'complete' });
  assert.deepEqual(interpretResponse(416, 120, h('bytes */100')), { kind: 'discard' });
  assert.deepEqual(interpretResponse(404, 0, h(null)), { kind: 'fail' });
  const keep = prefixFilter('faces/all');
  assert.equal(keep('top-1/', 'Directory'), false);
  assert.equal(keep('top-1/faces/all/', 'Directory'), false);
  assert.equal(keep('top-1/faces/all/A/1.jpg', 'File'), true);
  assert.equal(keep('top-1/faces/allx/A/1.jpg', 'File'), false);
  assert.equal(keep('top-1/faces/all/A/link.jpg', 'SymbolicLink'), false);
  assert.throws(() => planLayout('t', [{ from: 'x', person: '..', file: 'a.jpg' }]), /cannot place/);
  assert.throws(
    () =>
      planLayout('t', [
        { from: 'x', person: 'A', file: '1.jpg' },
        { from: 'y', person: 'A', file: '1.jpg' },
      ]),
    /two photos would both be A\/1\.jpg/,
  );
});

test('a fetch downloads, checks and lays out <out>/<id>/<Person>/<file>; a second one is a no-op', async () => {
  const options = setUp('normal');
  const phases = new Set<string>();
  const report = await fetchSource(tinySource(), { ...options, onProgress: (p) => phases.add(p.phase) });
  assert.deepEqual([report.photos, report.people, report.alreadyThere], [4, 3, false]);
  assertLaidOut(options.outDir);
  assert.deepEqual([...phases], ['download', 'extract', 'verify', 'layout']);
  assert.equal(requests[0].url, `/someone/tiny/tar.gz/${COMMIT}`);
  assert.ok(existsSync(options.archiveFile), 'the archive is kept');
  const again = await fetchSource(tinySource(), options);
  assert.equal(again.alreadyThere, true);
  assert.equal(requests.length, 1, 'nothing downloaded the second time');
});

test('a digest mismatch is a dataset error naming the archive to delete, and nothing is laid out', async () => {
  const options = setUp('normal');
  const error = await fetchSource(tinySource('0'.repeat(64)), options).then(
    () => assert.fail('should not succeed'),
    (e: unknown) => e,
  );
  assert.ok(isCelebError(error) && error.code === 'dataset', String(error));
  assert.match(error.message, /expected digest 0{64}, got [0-9a-f]{64}/);
  assert.ok(error.message.includes(`delete ${options.archiveFile} to download again`), error.message);
  assert.deepEqual(readdirSync(options.outDir), [], 'no source folder, no staging folder');
});

test('an interrupted download is resumed with a Range request on the next call', async () => {
  const options = setUp('cut-first');
  const error = await fetchSource(tinySource(), { ...options, retries: 0 }).then(
    () => assert.fail('the first call should fail'),
    (e: unknown) => e,
  );
  assert.ok(isCelebError(error) && error.code === 'io', String(error));
  const partial = statSync(`${options.archiveFile}.part`).size;
  assert.ok(partial > 0 && partial < archive.length, `kept ${partial} of ${archive.length} bytes`);
  await fetchSource(tinySource(), options);
  assertLaidOut(options.outDir);
  assert.deepEqual(requests[1], { url: requests[0].url, range: `bytes=${partial}-`, status: 206 });
  assert.deepEqual(readFileSync(options.archiveFile), archive);
});

test('one call retries a dropped connection by itself, resuming', async () => {
  const options = setUp('cut-first');
  await fetchSource(tinySource(), options);
  assertLaidOut(options.outDir);
  assert.deepEqual(
    requests.map((r) => r.status),
    [200, 206],
  );
  assert.match(requests[1].range ?? '', /^bytes=\d+-$/);
});

test('a server that ignores Range (200) still ends with the right file', async () => {
  const options = setUp('ignore-range');
  mkdirSync(options.cacheDir, { recursive: true });
  const stale = 'stale bytes of some other download';
  writeFileSync(`${options.archiveFile}.part`, stale);
  await fetchSource(tinySource(), options);
  assertLaidOut(options.outDir);
  assert.equal(requests[0].range, `bytes=${stale.length}-`);
  assert.equal(requests[0].status, 200);
  assert.deepEqual(readFileSync(options.archiveFile), archive);
});

test('a whole .part file left unrenamed is completed by a 416 answer', async () => {
  const options = setUp('normal');
  mkdirSync(options.cacheDir, { recursive: true });
  writeFileSync(`${options.archiveFile}.part`, archive);
  await fetchSource(tinySource(), options);
  assertLaidOut(options.outDir);
  assert.deepEqual(
    requests.map((r) => r.status),
    [416],
  );
});

test('celeb data fetch --list prints every source; an unknown id is a usage error', async () => {
  const list = await celeb(['data', 'fetch', '--list']);
  assert.equal(list.code, 0, list.stderr);
  for (const s of DATASET_SOURCES) assert.ok(list.stdout.includes(`${s.id} `) && list.stdout.includes(`${s.repo}@${s.commit.slice(0, 7)}`), s.id);
  const unknown = await celeb(['data', 'fetch', 'nope'], { CELEB_DATA_DIR: tmp });
  assert.equal(unknown.code, 64);
  assert.match(unknown.stderr, /Unknown source "nope"/);
});
