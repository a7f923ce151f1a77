/**
 * `celeb data fetch`: one catalog source from its pinned GitHub archive to `<out>/<id>/<Person>/<file>`.
 * Download (resumable, cached) -> unpack the source's folder into a staging folder -> check
 * file count and tree digest against the catalog -> move the photos into a new folder that is
 * renamed into place, so `<out>/<id>` is always either absent, the previous copy or complete.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError } from '../dataset/folders.js';
import { CelebError } from '../../base/errors.js';
import { readSourceText, type DatasetSource } from './catalog.js';
import { digestFolder, listFiles } from './digest.js';
import { downloadResumable } from './download.js';
import { extractPrefix } from './extract.js';
import { planLayout } from './layout-plan.js';

export type FetchPhase = 'download' | 'extract' | 'verify' | 'layout';

export interface FetchProgress {
  source: string;
  phase: FetchPhase;
  done: number;
  /** Undefined while a download's length is unknown. */
  total: number | undefined;
  unit: 'bytes' | 'files';
}

export interface FetchOptions {
  /** Folder of laid-out sources: the photos go to `<outDir>/<id>/`. */
  outDir: string;
  /** Where archives are downloaded and kept (`<id>-<commit>.tar.gz`). */
  cacheDir: string;
  /** Archive host; the URL is `<baseUrl>/<repo>/tar.gz/<commit>` (codeload.github.com's scheme). */
  baseUrl: string;
  /** Lay the source out again even when a complete copy is there. */
  force?: boolean;
  onProgress?: (p: FetchProgress) => void;
  signal?: AbortSignal;
  /** Download attempts after a dropped connection (see download.ts). */
  retries?: number;
  retryDelayMs?: number;
}

export interface FetchReport {
  id: string;
  dir: string;
  archive: string;
  photos: number;
  people: number;
  /** True when a complete copy of this commit was already laid out and nothing was done. */
  alreadyThere: boolean;
}

/** Written last into `<out>/<id>/`: which commit and digest the folder holds. */
const MARKER = '.source.json';

interface Marker {
  id: string;
  repo: string;
  commit: string;
  digest: string;
  photos: number;
  people: number;
}

/** `<out>/<id>` exists and was not made by fetching this source; replacing it has to be asked for. */
export class SourceExistsError extends DatasetError {
  override name = 'SourceExistsError';
  constructor(readonly dir: string) {
    super(`${dir} already exists and was not made by fetching this source; it is only replaced when that is allowed explicitly`);
  }
}

export const archiveUrl = (source: DatasetSource, baseUrl: string): string => `${baseUrl.replace(/\/+$/, '')}/${source.repo}/tar.gz/${source.commit}`;

async function readMarker(dir: string): Promise<Marker | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, MARKER), 'utf8')) as Marker;
  } catch {
    return undefined;
  }
}

export async function fetchSource(source: DatasetSource, options: FetchOptions): Promise<FetchReport> {
  const dir = path.join(options.outDir, source.id);
  const archive = path.join(options.cacheDir, `${source.id}-${source.commit}.tar.gz`);
  const marker = await readMarker(dir);
  if (!options.force && marker?.commit === source.commit && marker.digest === source.digest) {
    return { id: source.id, dir, archive, photos: marker.photos, people: marker.people, alreadyThere: true };
  }
  // An earlier fetch of this source (an older commit of the catalog) is ours to replace; any other folder is not.
  if (!options.force && existsSync(dir) && marker?.id !== source.id) throw new SourceExistsError(dir);
  if (!source.digest) throw new DatasetError(`${source.id}: the catalog has no digest to check the download against`);

  const report = (phase: FetchPhase, unit: FetchProgress['unit']) => (done: number, total: number | undefined) =>
    options.onProgress?.({ source: source.id, phase, done, total, unit });
  await mkdir(options.cacheDir, { recursive: true });
  await mkdir(options.outDir, { recursive: true });
  const onDownload = report('download', 'bytes');
  await downloadResumable(archiveUrl(source, options.baseUrl), archive, {
    onProgress: ({ done, total }) => onDownload(done, total),
    signal: options.signal,
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
  });

  // Fixed names next to the output, so a run that died leaves nothing the next run does not clear.
  const staging = path.join(options.outDir, `.${source.id}.staging`);
  const building = path.join(options.outDir, `.${source.id}.building`);
  const old = path.join(options.outDir, `.${source.id}.old`);
  await Promise.all([staging, building, old].map((d) => rm(d, { recursive: true, force: true })));
  try {
    await extractPrefix(archive, source.prefix, staging, report('extract', 'bytes'));
    throwIfAborted(options.signal);
    await verify(source, staging, archive, report('verify', 'files'));
    throwIfAborted(options.signal);

    const plan = planLayout(source.id, await source.layout(await listFiles(staging), readSourceText(staging)));
    const onLayout = report('layout', 'files');
    for (const [i, move] of plan.moves.entries()) {
      const to = path.join(building, ...move.to.split('/'));
      await mkdir(path.dirname(to), { recursive: true });
      await rename(path.join(staging, ...move.from.split('/')), to);
      onLayout(i + 1, plan.moves.length);
    }
    const written: Marker = { id: source.id, repo: source.repo, commit: source.commit, digest: source.digest, photos: plan.moves.length, people: plan.people };
    await mkdir(building, { recursive: true });
    await writeFile(path.join(building, MARKER), JSON.stringify(written, null, 2) + '\n');
    throwIfAborted(options.signal);
    if (existsSync(dir)) await rename(dir, old);
    await rename(building, dir);
    return { id: source.id, dir, archive, photos: written.photos, people: written.people, alreadyThere: false };
  } finally {
    await Promise.all([staging, building, old].map((d) => rm(d, { recursive: true, force: true })));
  }
}

/** File count and tree digest of the unpacked folder must be the catalog's, or nothing is laid out. */
async function verify(source: DatasetSource, staging: string, archive: string, onFile: (done: number, total: number) => void): Promise<void> {
  const got = await digestFolder(staging, onFile);
  const problems = [
    got.files !== source.files ? `expected ${source.files} files, got ${got.files}` : '',
    got.digest !== source.digest ? `expected digest ${source.digest}, got ${got.digest}` : '',
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new DatasetError(
      `${source.id}: the files in ${source.repo}@${source.commit.slice(0, 7)}/${source.prefix} are not the catalog's (${problems.join('; ')}); delete ${archive} to download again`,
    );
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CelebError('cancelled', 'fetch cancelled');
}
