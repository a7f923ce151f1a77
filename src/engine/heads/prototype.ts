/**
 * A person's prototype: the normalised mean of their photos' embeddings, and of the photos'
 * small-face twins (extract/twins.ts) at a lower weight. Shared by centroid heads (`celeb
 * index`) and galleries. Pure.
 */
import { l2normalise } from '../math.js';

/**
 * Weight of a small-face twin in a prototype, against 1 for the photo itself. Measured with
 * `gallery eval --twin-weight` on the 1,734-person gallery (README, "The gallery"): 0.5 lifts
 * rank-1 of faces shrunk to 24 px from 54.6% to 62.2% and keeps clean photos' (94.0% -> 94.1%);
 * weight 1 reaches 64.5% but costs clean photos half a point.
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
