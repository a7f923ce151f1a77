/**
 * Merging people whose names differ by a typo or a longer form (`Henry Cavil` / `Henry Cavill`)
 * when their faces agree, and flagging different names whose faces are nearly identical
 * (duplicates or mislabels to look at). Pure.
 */
import { dot } from '../math.js';
import { maybeSamePerson, nameKey } from './names.js';

export interface PrototypeEntry {
  key: string;
  name: string;
  prototype: Float32Array;
}

export interface NamePair {
  a: string;
  b: string;
  cosine: number;
}

/**
 * Pairs to merge (similar names, cosine >= `mergeCosine`, or a pair in `reviewed`) and pairs to
 * flag (other names, cosine >= `flagCosine`). Compares every pair once: about 1.5 million dot products for 1,700
 * people, a few seconds.
 */
export function comparePrototypes(
  entries: readonly PrototypeEntry[],
  mergeCosine: number,
  flagCosine: number,
  reviewed: readonly (readonly [string, string])[] = [],
): { merge: NamePair[]; flag: NamePair[] } {
  const merge: NamePair[] = [];
  const flag: NamePair[] = [];
  const isReviewed = (a: string, b: string) => reviewed.some(([x, y]) => (nameKey(x) === a && nameKey(y) === b) || (nameKey(x) === b && nameKey(y) === a));
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const cosine = dot(entries[i].prototype, entries[j].prototype);
      const pair = { a: entries[i].key, b: entries[j].key, cosine };
      if ((cosine >= mergeCosine && maybeSamePerson(pair.a, pair.b)) || isReviewed(pair.a, pair.b)) merge.push(pair);
      else if (cosine >= flagCosine) flag.push(pair);
    }
  }
  return { merge, flag };
}

/** Union-find over keys: each merged group once, as the list of its keys. */
export function mergeGroups(keys: readonly string[], pairs: readonly NamePair[]): string[][] {
  const parent = new Map(keys.map((k) => [k, k]));
  const find = (k: string): string => {
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(k, root);
    return root;
  };
  for (const { a, b } of pairs) {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(rb < ra ? ra : rb, rb < ra ? rb : ra);
  }
  const groups = new Map<string, string[]>();
  for (const k of keys) {
    const root = find(k);
    groups.set(root, [...(groups.get(root) ?? []), k]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}
