/**
 * A person's prototype: the normalised mean of their photos' embeddings, and of the photos'
 * small-face twins (extract/twins.ts) at a lower weight. Shared by centroid heads (`celeb
 * index`) and galleries. Pure.
 */
import { l2normalise } from '../math.js';

/**
 * Weight of a small-face twin in a prototype, against 1 for the photo itself. Measured on 324
 * gallery people (README, "Hard photos"): half weight lifts 24 px faces by 6 points and keeps
 * clean photos' rank-1; full weight costs clean photos 0.6 points.
 */
export const TWIN_WEIGHT = 0.5;

/** The normalised mean of photos' embeddings and, at `weight`, of their twins that exist. */
export function prototypeWithTwins(photos: readonly { embedding: Float32Array; twin?: Float32Array | null }[], weight = TWIN_WEIGHT): Float32Array | null {
  if (photos.length === 0) return null;
  const sum = new Float32Array(photos[0].embedding.length);
  for (const { embedding, twin } of photos) {
    for (let i = 0; i < sum.length; i++) sum[i] += embedding[i];
    if (twin && weight !== 0) for (let i = 0; i < sum.length; i++) sum[i] += weight * twin[i];
  }
  return l2normalise(sum);
}
