/**
 * The gallery's one train/val/test split, used by `gallery eval` (its held-out photos are the
 * test split), by `gallery build` (which records the test split's fingerprint and the accuracy
 * measured on it) and by `gallery split` (which lays it out for the training presets). So a
 * training run and the gallery's prototype head are measured on the same test photos. Pure.
 *
 * - test: `holdout` photos of every person with at least `minPhotos` kept photos; in a small
 *   gallery where no one has that many, 1 photo of everyone with 3;
 * - val: as many more photos of the same people, drawn from what is left;
 * - train: the rest. People with fewer photos are only in train, so every person is a class.
 */
import { seededRandom, shuffle } from '../math.js';
import { testSplitFingerprint } from '../dataset/test-split.js';
import type { SplitName } from '../dataset/folders.js';

export interface GallerySplitRules {
  /** Test photos per person (and as many val photos). */
  holdout: number;
  /** Photos a person needs to give test and val photos. */
  minPhotos: number;
  seed: number;
}

export const DEFAULT_SPLIT: GallerySplitRules = { holdout: 2, minPhotos: 8, seed: 42 };

export interface GallerySplit {
  /** Per person, per photo (in the order given, the gallery's most typical first): its split. */
  assignment: SplitName[][];
  counts: Record<SplitName, number>;
  /** No one had `minPhotos`: 1 photo out of everyone with 3. */
  small: boolean;
}

/**
 * Splits people with `photoCounts[p]` photos each. Test photos are drawn from `random` (a
 * caller that goes on drawing from the same seeded sequence, like `gallery eval` for its
 * strangers, passes its own); val photos come from a sequence of their own, so they never
 * change which photos are test.
 */
export function gallerySplit(
  photoCounts: readonly number[],
  rules: GallerySplitRules = DEFAULT_SPLIT,
  random: () => number = seededRandom(rules.seed),
): GallerySplit {
  const small = !photoCounts.some((n) => n >= rules.minPhotos);
  const [minPhotos, holdout] = small ? [3, 1] : [rules.minPhotos, rules.holdout];
  const test = photoCounts.map((n) => (n >= minPhotos ? new Set(shuffle([...Array(n).keys()], random).slice(0, holdout)) : new Set<number>()));
  const valRandom = seededRandom(rules.seed + 1);
  const counts: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
  const assignment = photoCounts.map((n, p) => {
    const rest = [...Array(n).keys()].filter((i) => !test[p].has(i));
    // Val only from people who gave test photos, and never their last training photo.
    const val = test[p].size > 0 && rest.length > holdout ? new Set(shuffle(rest, valRandom).slice(0, holdout)) : new Set<number>();
    return Array.from({ length: n }, (_, i): SplitName => {
      const split = test[p].has(i) ? 'test' : val.has(i) ? 'val' : 'train';
      counts[split]++;
      return split;
    });
  });
  return { assignment, counts, small };
}

/** A gallery photo with its person and split. */
export interface SplitPhoto {
  person: string;
  source: string;
  file: string;
  contentHash: string;
  split: SplitName;
}

/** The people's photos (in split order) labelled with their split. */
export function splitPhotos(
  people: readonly { name: string; photos: readonly { source: string; file: string; contentHash: string }[] }[],
  split: GallerySplit,
): SplitPhoto[] {
  return people.flatMap((person, p) =>
    person.photos.map((photo, i) => ({
      person: person.name,
      source: photo.source,
      file: photo.file,
      contentHash: photo.contentHash,
      split: split.assignment[p][i],
    })),
  );
}

/** The test split's fingerprint, as a training run on the laid-out split computes it (person = folder = display name). */
export function gallerySplitFingerprint(photos: readonly SplitPhoto[]): string {
  return testSplitFingerprint(photos.filter((p) => p.split === 'test'));
}
