/**
 * The `degrade` augmentation recipe: views of a training photo as hard photos show it (blurred,
 * over-compressed, dim, grey, a face shrunk to 32 px), so a head can learn where such a photo's
 * embedding goes. Each photo gets `count` distinct conditions drawn from a seed keyed by its
 * content (the same photo always gets the same ones), the condition applied to the whole photo
 * in memory (eval/perturbations.ts, as `eval robustness` does), then detection and embedding.
 * Cached like any view (`degrade:<condition>`); a degraded photo that shows no face has no view.
 */
import { readFile } from 'node:fs/promises';
import { putFeatures, type Database, type FeatureRecord } from '../../store/index.js';
import type { Box } from '../../base/box.js';
import { mapLimited } from '../concurrency.js';
import { isInputError } from '../../base/errors.js';
import { perturbation, type PerturbationId } from '../eval/perturbations.js';
import { cachedFeatures } from '../extract/composed-cache.js';
import type { EmbedderPool } from '../extract/pool.js';
import { viewSeed } from '../augment/recipe.js';
import { seededRandom, shuffle } from '../math.js';

/** The conditions of the recipe: the hard photos of the robustness table that a head can learn from. */
export const DEGRADATIONS: readonly PerturbationId[] = ['blur-2', 'jpeg-10', 'dim', 'grey', 'face-32'];

export const degradedView = (id: PerturbationId): string => `degrade:${id}`;

/** The `count` conditions of one photo, distinct, drawn from its content hash. */
export function degradationsFor(contentHash: string, count: number): PerturbationId[] {
  return shuffle(DEGRADATIONS, seededRandom(viewSeed(contentHash, 0, 77))).slice(0, Math.min(count, DEGRADATIONS.length));
}

export interface DegradedSource {
  file: string;
  contentHash: string;
  box: Box;
}

export interface DegradedOptions {
  pool: EmbedderPool;
  db: Database;
  backbone: string;
  photos: readonly DegradedSource[];
  count: number;
  checkpoint?: () => void;
  onProgress?: (done: number, total: number) => void;
}

/** Content hash -> the photo's degraded views that show a face (cached or made now), and how many were made now. */
export async function extractDegraded(options: DegradedOptions): Promise<{ byHash: Map<string, Float32Array[]>; computed: number; cached: number }> {
  const { pool, db, backbone } = options;
  const byHash = new Map<string, Float32Array[]>();
  const todo: { photo: DegradedSource; id: PerturbationId }[] = [];
  let cached = 0;
  for (const id of DEGRADATIONS) {
    const wanted = options.photos.filter((p) => degradationsFor(p.contentHash, options.count).includes(id));
    const hits = cachedFeatures(
      db,
      backbone,
      degradedView(id),
      wanted.map((p) => p.contentHash),
    );
    for (const photo of wanted) {
      const hit = hits.get(photo.contentHash);
      if (!hit) todo.push({ photo, id });
      else {
        cached++;
        if (hit.vector) (byHash.get(photo.contentHash) ?? byHash.set(photo.contentHash, []).get(photo.contentHash)!).push(hit.vector);
      }
    }
  }
  const pending: FeatureRecord[] = [];
  let done = 0;
  try {
    await mapLimited(todo, pool.size * 2, async ({ photo, id }) => {
      options.checkpoint?.();
      const vector = await embedDegraded(pool, photo, id);
      if (vector) (byHash.get(photo.contentHash) ?? byHash.set(photo.contentHash, []).get(photo.contentHash)!).push(vector);
      pending.push({ contentHash: photo.contentHash, backbone, view: degradedView(id), vector, box: null });
      if (pending.length >= 64) putFeatures(db, pending.splice(0));
      options.onProgress?.(++done, todo.length);
    });
  } finally {
    putFeatures(db, pending.splice(0));
  }
  return { byHash, computed: done, cached };
}

async function embedDegraded(pool: EmbedderPool, photo: DegradedSource, id: PerturbationId): Promise<Float32Array | null> {
  let bytes: Uint8Array;
  try {
    bytes = await perturbation(id)!.apply(await readFile(photo.file), { faceSizePx: Math.min(photo.box[2], photo.box[3]) });
  } catch {
    return null; // the file gone or changed since: simply no view
  }
  try {
    return (await pool.embed(bytes, { maxFaces: 1 })).faces[0]?.embedding ?? null;
  } catch (error) {
    if (isInputError(error)) return null;
    throw error;
  }
}
