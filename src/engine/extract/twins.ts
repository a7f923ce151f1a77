/**
 * Small-face twins: each gallery or index photo embedded once more after shrinking it until its
 * face is 24 px (image/shrink.ts). A prototype that also averages its photos' twins (with half
 * their weight, heads/prototype.ts) matches small faces better, because a small face's embedding
 * drifts towards what blur does to every face. Twins are cached like any view (`face-24`).
 */
import { readFile } from 'node:fs/promises';
import { putFeatures, type Database, type FeatureRecord } from '../../store/index.js';
import type { Box } from '../../base/box.js';
import { mapLimited } from '../concurrency.js';
import { isInputError } from '../../base/errors.js';
import { shrinkFace } from '../image/shrink.js';
import { cachedFeatures } from './composed-cache.js';
import type { ExtractionProgress } from './features.js';
import type { EmbedderPool } from './pool.js';

/** The face size twins are made at: where answers start to go wrong (README, "Hard photos"). */
export const TWIN_FACE_PX = 24;

/** The feature cache's view of a photo's twin. */
export const twinView = (facePx: number): string => `face-${facePx}`;

export interface TwinSource {
  file: string;
  contentHash: string;
  /** The face found in the photo as it is. */
  box: Box;
}

export interface TwinOptions {
  pool: EmbedderPool;
  db: Database;
  backbone: string;
  photos: readonly TwinSource[];
  facePx?: number;
  onProgress?: (progress: ExtractionProgress) => void;
  /** Called before each photo; throws to stop (a cancelled training run). What was made so far stays cached. */
  checkpoint?: () => void;
}

export interface Twins {
  /** Content hash -> the twin's embedding, or null where the shrunk photo shows no face. */
  byHash: Map<string, Float32Array | null>;
  /** How many were made, how many show a face, how many came from the cache. */
  stats: TwinStats;
}

export interface TwinStats {
  photos: number;
  found: number;
  cached: number;
}

const NO_TWIN = { vector: null, box: null } as const;

/** One photo's twin. The photo embedded as it is, so a twin that cannot be made (the file gone or changed since, no face left at that size) is simply missing. */
async function embedTwin(pool: EmbedderPool, photo: TwinSource, facePx: number): Promise<{ vector: Float32Array | null; box: Box | null }> {
  let shrunk: Uint8Array;
  try {
    shrunk = await shrinkFace(await readFile(photo.file), Math.min(photo.box[2], photo.box[3]), facePx);
  } catch {
    return NO_TWIN;
  }
  try {
    const face = (await pool.embed(shrunk, { maxFaces: 1 })).faces[0];
    return face ? { vector: face.embedding, box: face.box } : NO_TWIN;
  } catch (error) {
    if (isInputError(error)) return NO_TWIN;
    throw error;
  }
}

export async function extractTwins(options: TwinOptions): Promise<Twins> {
  const { pool, db, backbone } = options;
  const facePx = options.facePx ?? TWIN_FACE_PX;
  const view = twinView(facePx);
  const unique = [...new Map(options.photos.map((p) => [p.contentHash, p])).values()];
  const cached = cachedFeatures(
    db,
    backbone,
    view,
    unique.map((p) => p.contentHash),
  );
  const twins = new Map<string, Float32Array | null>();
  for (const [hash, record] of cached) twins.set(hash, record.vector);
  const todo = unique.filter((p) => !twins.has(p.contentHash));
  const progress: ExtractionProgress = { done: unique.length - todo.length, total: unique.length, cached: unique.length - todo.length };
  options.onProgress?.({ ...progress });
  const pending: FeatureRecord[] = [];
  const flush = () => putFeatures(db, pending.splice(0));
  try {
    await mapLimited(todo, pool.size * 2, async (photo) => {
      options.checkpoint?.();
      const { vector, box } = await embedTwin(pool, photo, facePx);
      twins.set(photo.contentHash, vector);
      pending.push({ contentHash: photo.contentHash, backbone, view, vector, box });
      if (pending.length >= 64) flush();
      progress.done++;
      options.onProgress?.({ ...progress });
    });
  } finally {
    flush();
  }
  const found = [...twins.values()].filter((t) => t !== null).length;
  return { byHash: twins, stats: { photos: twins.size, found, cached: progress.cached } };
}
