/**
 * "83% similar": a cosine mapped onto a scale that reads the same whatever the gallery's size.
 * The anchors come from `gallery eval`'s held-out photos (see `similarityScale`):
 *   0%  the median cosine between a face and a random other person's prototype,
 *   50% the 99.9th percentile of those impostor cosines (what a stranger's best match in a
 *       1,000-person gallery typically reaches),
 *   90% the median cosine of a photo to its own person's prototype (a true match),
 *   99% the 95th percentile of true matches.
 * Between anchors the scale is linear, so it is monotone in the cosine and ranking never
 * changes. Impostor and true-match distributions are properties of the backbone and of one
 * face against one prototype, not of how many people the gallery holds. "Confidence" (the
 * softmax over the whole gallery) is a different number: it says how sure the ranking is.
 */
import { quantile } from '../math.js';

/** Monotone (cosine, similarity 0..1) points, cosines ascending. */
export interface SimilarityScale {
  anchors: [number, number][];
}

export function similarityScale(impostorCosines: readonly number[], trueCosines: readonly number[]): SimilarityScale {
  if (impostorCosines.length === 0 || trueCosines.length === 0) throw new Error('similarityScale needs impostor and true-match cosines');
  const points: [number, number][] = [
    [quantile(impostorCosines, 0.5), 0],
    [quantile(impostorCosines, 0.999), 0.5],
    [quantile(trueCosines, 0.5), 0.9],
    [quantile(trueCosines, 0.95), 0.99],
  ];
  // Keep cosines strictly ascending even for odd distributions (a tiny or overlapping sample).
  for (let i = 1; i < points.length; i++) points[i][0] = Math.max(points[i][0], points[i - 1][0] + 1e-4);
  return { anchors: points };
}

/** Cosine -> 0..1 similarity, linear between anchors, clamped to [0, 1] outside them. */
export function similarityOf(scale: SimilarityScale, cosine: number): number {
  const a = scale.anchors;
  if (cosine <= a[0][0]) return a[0][1];
  for (let i = 1; i < a.length; i++) {
    if (cosine <= a[i][0]) {
      const [c0, s0] = a[i - 1];
      const [c1, s1] = a[i];
      return s0 + ((cosine - c0) / (c1 - c0)) * (s1 - s0);
    }
  }
  // Above the 95th percentile of true matches: the last 1% up to a cosine of 1.
  const [cl, sl] = a[a.length - 1];
  return Math.min(1, sl + ((cosine - cl) / Math.max(1e-6, 1 - cl)) * (1 - sl));
}

export function validateScale(value: unknown): value is SimilarityScale {
  const anchors = (value as Partial<SimilarityScale> | null)?.anchors;
  return (
    Array.isArray(anchors) &&
    anchors.length >= 2 &&
    anchors.every(
      (p, i) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite) && (i === 0 || (p[0] > anchors[i - 1][0] && p[1] >= anchors[i - 1][1])),
    )
  );
}
