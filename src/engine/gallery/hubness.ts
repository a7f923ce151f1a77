/**
 * Hubness correction. In a large gallery a few prototypes sit close to the centre of face
 * space and come out as the best match for many strangers ("everyone looks like X"). CSLS
 * (Conneau et al. 2018) scores a pair as 2cos(x, y) - r(x) - r(y), r being the mean cosine to
 * the k nearest neighbours in the other set; r(x) is the same for every person a face is
 * compared with, so ranking needs only cos(x, y) - r(y)/2. `penalties` returns
 * strength * (r(y) - mean r): centred so scores stay on the cosine scale. Pure.
 */
import type { CentroidHead } from '../heads/centroid.js';

export interface ReferenceFace {
  embedding: Float32Array;
  /** Index of the person the face belongs to in the head's labels, or -1 for a stranger. */
  owner: number;
}

/** r(y): mean of the k highest cosines between each prototype and the reference faces not of that person. */
export function neighbourhoodDensity(head: CentroidHead, reference: readonly ReferenceFace[], k = 10): Float32Array {
  const n = head.labels.length;
  // Per prototype, its k best cosines so far, ascending (small k: insertion beats a heap).
  const best = Array.from({ length: n }, () => new Float32Array(k).fill(-Infinity));
  for (const face of reference) {
    const cosines = head.cosines(face.embedding);
    for (let p = 0; p < n; p++) {
      if (p === face.owner) continue;
      const list = best[p];
      const c = cosines[p];
      if (c <= list[0]) continue;
      let i = 0;
      while (i + 1 < k && list[i + 1] < c) {
        list[i] = list[i + 1];
        i++;
      }
      list[i] = c;
    }
  }
  return Float32Array.from(best, (list) => {
    const finite = [...list].filter(Number.isFinite);
    return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : 0;
  });
}

export function hubnessPenalties(density: Float32Array, strength: number): Float32Array {
  const mean = density.reduce((a, b) => a + b, 0) / Math.max(1, density.length);
  return density.map((r) => strength * (r - mean));
}

/** How often each person is the top answer for the query faces; the most frequent first. */
export function answerDistribution(
  head: CentroidHead,
  queries: readonly Float32Array[],
  penalties: Float32Array = new Float32Array(head.labels.length),
): { label: string; count: number; share: number }[] {
  return topAnswerCounts(
    queries.map((q) => head.cosines(q)),
    penalties,
  ).map(([i, count]) => ({ label: head.labels[i], count, share: count / Math.max(1, queries.length) }));
}

/** The best person (highest cosine minus penalty, optionally skipping one), or -1 for an empty row. */
export function bestAnswer(row: Float32Array, penalties: Float32Array, skip = -1): number {
  let best = -1;
  for (let i = 0; i < row.length; i++) if (i !== skip && (best < 0 || row[i] - penalties[i] > row[best] - penalties[best])) best = i;
  return best;
}

/** [person index, how many rows it is the best answer of], most frequent first (ties: lower index). */
export function topAnswerCounts(rows: readonly Float32Array[], penalties: Float32Array): [number, number][] {
  const counts = new Map<number, number>();
  for (const row of rows) {
    const i = bestAnswer(row, penalties);
    counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}
