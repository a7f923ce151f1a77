/**
 * Deterministic, stratified train/val/test split. Near-identical pictures form a group
 * that always lands on one side, so the test split never contains a re-encoded copy of
 * a training photo.
 */
import { CelebError } from '../../base/errors.js';
import { dot, seededRandom, shuffle } from '../math.js';
import type { SplitName } from './folders.js';

export interface SplitRatios {
  train: number;
  val: number;
  test: number;
}

export function parseSplitRatios(text: string): SplitRatios {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p) || p < 0) || parts[0] <= 0 || parts[2] <= 0) {
    throw new CelebError('usage', `a split is three numbers train,val,test like 70,15,15, with train and test above 0 (got "${text}")`);
  }
  const sum = parts[0] + parts[1] + parts[2];
  return { train: parts[0] / sum, val: parts[1] / sum, test: parts[2] / sum };
}

/** Groups of indices whose embeddings are pairwise linked by cosine >= threshold (union-find). */
export function nearDuplicateGroups(embeddings: readonly Float32Array[], threshold: number): number[][] {
  const parent = embeddings.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < embeddings.length; i++) {
    for (let j = i + 1; j < embeddings.length; j++) {
      if (dot(embeddings[i], embeddings[j]) >= threshold) parent[find(j)] = find(i);
    }
  }
  const groups = new Map<number, number[]>();
  embeddings.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
  return [...groups.values()];
}

/**
 * Assigns groups (sizes in images) of one person to splits: shuffled with the seed, then
 * each group goes to the split furthest below its target share. Returns one split per group.
 */
export function assignGroups(groupSizes: readonly number[], ratios: SplitRatios, seed: number): SplitName[] {
  const order = shuffle(
    groupSizes.map((_, i) => i),
    seededRandom(seed),
  );
  const total = groupSizes.reduce((a, b) => a + b, 0);
  const filled: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
  const out = new Array<SplitName>(groupSizes.length);
  // Test and val are filled first, so small classes still get at least one test image.
  const priority: SplitName[] = ['test', 'val', 'train'];
  for (const g of order) {
    let best: SplitName = 'train';
    let bestDeficit = -Infinity;
    for (const split of priority) {
      if (ratios[split] === 0) continue;
      const deficit = ratios[split] * total - filled[split];
      if (deficit > bestDeficit + 1e-9) {
        best = split;
        bestDeficit = deficit;
      }
    }
    out[g] = best;
    filled[best] += groupSizes[g];
  }
  return out;
}
