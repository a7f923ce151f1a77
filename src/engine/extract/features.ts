/**
 * Embeds many image files through the pool, reusing the SQLite feature cache: an image
 * already embedded with the same backbone and view (by content hash) is never run again.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { putFeatures, type Database, type FeatureRecord } from '../../store/index.js';
import { cachedFeatures } from './composed-cache.js';
import { isInputError, type InputErrorCode } from '../../base/errors.js';
import type { Box } from '../../base/box.js';
import { mapLimited } from '../concurrency.js';
import type { EmbedderPool } from './pool.js';

export const contentHash = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The cache's view recipe for an un-augmented image. */
export const cleanView = (assumeCrop: boolean): string => (assumeCrop ? 'whole' : 'clean');

export interface FileFeature {
  file: string;
  contentHash: string;
  /** Embedding of the largest face; null when the image has no face. */
  embedding: Float32Array | null;
  box: Box | null;
  /** Set when the file could not be used at all (corrupt, not an image, too large...). */
  error?: { code: InputErrorCode; message: string };
  /** With `secondFace`: the next largest face's box, or null when there is one face (or none). */
  second?: Box | null;
}

export interface ExtractionProgress {
  done: number;
  total: number;
  /** Images answered from the cache, among `done`. */
  cached: number;
}

export interface ExtractionStats {
  total: number;
  cached: number;
  embedded: number;
  seconds: number;
}

export interface ExtractOptions {
  pool: EmbedderPool;
  db: Database;
  backbone: string;
  files: readonly string[];
  assumeCrop?: boolean;
  onProgress?: (progress: ExtractionProgress) => void;
  /** Called before each photo is sent to the pool; throws to stop (a cancelled run). Photos done so far stay cached. */
  checkpoint?: () => void;
  /** Also find the second largest face (gallery cleaning drops photos of several similar-sized faces); cached as view `<view>:face2`. */
  secondFace?: boolean;
}

/** The cache's view for the second largest face of an image. */
export const secondFaceView = (view: string): string => `${view}:face2`;

/** Results in the order of `files`. Failures are reported per file, never thrown. */
export async function extractFileFeatures(options: ExtractOptions): Promise<{ features: FileFeature[]; stats: ExtractionStats }> {
  const started = Date.now();
  const { pool, db, backbone, files } = options;
  const view = cleanView(options.assumeCrop ?? false);
  const hashes = await Promise.all(
    files.map(async (file) => {
      try {
        return contentHash(await readFile(file));
      } catch {
        return null;
      }
    }),
  );
  const known = hashes.filter((h): h is string => h !== null);
  const cache = cachedFeatures(db, backbone, view, known);
  const secondCache = options.secondFace ? cachedFeatures(db, backbone, secondFaceView(view), known) : null;
  const features = new Array<FileFeature>(files.length);
  const progress: ExtractionProgress = { done: 0, total: files.length, cached: 0 };
  const todo: number[] = [];
  files.forEach((file, i) => {
    const hash = hashes[i];
    const hit = hash ? cache.get(hash) : undefined;
    const secondHit = hash && secondCache ? secondCache.get(hash) : undefined;
    if (hash === null) {
      features[i] = { file, contentHash: '', embedding: null, box: null, error: { code: 'unreadable', message: 'the file cannot be read' } };
      progress.done++;
    } else if (hit && (!secondCache || secondHit || hit.vector === null)) {
      features[i] = { file, contentHash: hash, embedding: hit.vector, box: hit.box };
      if (secondCache) features[i].second = secondHit?.box ?? null;
      progress.done++;
      progress.cached++;
    } else {
      todo.push(i);
    }
  });
  options.onProgress?.({ ...progress });

  const pending: FeatureRecord[] = [];
  const flush = () => putFeatures(db, pending.splice(0));
  try {
    // Two photos in flight per worker keeps every worker busy while the next file is read.
    await mapLimited(todo, pool.size * 2, async (i) => {
      options.checkpoint?.();
      const file = files[i];
      const hash = hashes[i]!;
      try {
        const result = await pool.embed(await readFile(file), { assumeCrop: options.assumeCrop, maxFaces: options.secondFace ? 2 : 1 });
        const [face, second] = result.faces;
        features[i] = { file, contentHash: hash, embedding: face?.embedding ?? null, box: face?.box ?? null };
        pending.push({ contentHash: hash, backbone, view, vector: face?.embedding ?? null, box: face?.box ?? null });
        if (options.secondFace) {
          features[i].second = second?.box ?? null;
          if (face) pending.push({ contentHash: hash, backbone, view: secondFaceView(view), vector: second?.embedding ?? null, box: second?.box ?? null });
        }
        if (pending.length >= 64) flush();
      } catch (error) {
        if (!isInputError(error)) throw error;
        features[i] = { file, contentHash: hash, embedding: null, box: null, error: { code: error.code, message: error.message } };
      }
      progress.done++;
      options.onProgress?.({ ...progress });
    });
  } finally {
    flush();
  }
  return { features, stats: { total: files.length, cached: progress.cached, embedded: todo.length, seconds: (Date.now() - started) / 1000 } };
}
