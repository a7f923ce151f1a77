/**
 * Which photos of a person the gallery keeps: a face big enough to trust, alone in the photo,
 * and like the person's other photos (web-scraped sets hold wrong people). Pure: embeddings and
 * boxes in, a verdict per photo out.
 */
import type { Box } from '../../base/box.js';
import { dot, l2normalise } from '../math.js';
import { prototypeWithTwins } from '../heads/prototype.js';

export type DropReason = 'unreadable' | 'no_face' | 'small_face' | 'several_faces' | 'duplicate' | 'outlier' | 'over_cap';

export interface EmbeddedPhoto {
  source: string;
  file: string;
  contentHash: string;
  /** Largest face; null: no face (or unreadable, see `error`). */
  embedding: Float32Array | null;
  box: Box | null;
  /** The second largest face, if any. */
  second: Box | null;
  /** The embedding of its small-face twin (extract/twins.ts); absent or null: none. */
  twin?: Float32Array | null;
  error?: string;
}

export interface CleaningRules {
  /** Smallest face side in pixels of the photo: smaller faces embed poorly. */
  minFacePx: number;
  /** A second face whose side is at least this share of the largest makes the photo ambiguous. */
  secondFaceRatio: number;
  /** Photos less like the person's other photos than this cosine are dropped (set from impostor cosines, see build). */
  outlierCosine: number;
  /** Photos kept per person, the most typical first. */
  cap: number;
}

export const DEFAULT_CLEANING: Omit<CleaningRules, 'outlierCosine'> = { minFacePx: 48, secondFaceRatio: 0.6, cap: 12 };

export interface PhotoVerdict {
  photo: EmbeddedPhoto;
  /** Null: kept. */
  dropped: DropReason | null;
  /** Cosine to the mean of the person's other kept photos (NaN when not computed). */
  typicality: number;
}

/** The face-level checks that need no other photo. */
export function faceCheck(photo: EmbeddedPhoto, rules: Pick<CleaningRules, 'minFacePx' | 'secondFaceRatio'>): DropReason | null {
  if (photo.error) return 'unreadable';
  if (!photo.embedding || !photo.box) return 'no_face';
  const side = Math.min(photo.box[2], photo.box[3]);
  if (side < rules.minFacePx) return 'small_face';
  if (photo.second && Math.min(photo.second[2], photo.second[3]) >= rules.secondFaceRatio * side) return 'several_faces';
  return null;
}

/** Cosine of each vector to the normalised mean of the others (its leave-one-out prototype). */
export function leaveOneOutCosines(vectors: readonly Float32Array[]): number[] {
  if (vectors.length < 2) return vectors.map(() => NaN);
  const dim = vectors[0].length;
  const sum = new Float32Array(dim);
  for (const v of vectors) for (let i = 0; i < dim; i++) sum[i] += v[i];
  return vectors.map((v) => {
    const rest = new Float32Array(dim);
    for (let i = 0; i < dim; i++) rest[i] = sum[i] - v[i];
    return dot(l2normalise(rest), v);
  });
}

/**
 * Verdicts for one person's photos. Outliers are removed one at a time, worst first, and the
 * others re-scored, so one wrong person among five does not drag the mean off. People with
 * fewer than 3 usable photos are not outlier-tested (there is no majority to trust).
 */
export function cleanPerson(photos: readonly EmbeddedPhoto[], rules: CleaningRules): PhotoVerdict[] {
  const verdicts: PhotoVerdict[] = photos.map((photo) => ({ photo, dropped: faceCheck(photo, rules), typicality: NaN }));
  const seen = new Set<string>();
  for (const v of verdicts) {
    if (v.dropped) continue;
    if (seen.has(v.photo.contentHash)) v.dropped = 'duplicate';
    seen.add(v.photo.contentHash);
  }
  const kept = () => verdicts.filter((v) => v.dropped === null);
  for (;;) {
    const current = kept();
    const cosines = leaveOneOutCosines(current.map((v) => v.photo.embedding!));
    current.forEach((v, i) => (v.typicality = cosines[i]));
    if (current.length < 3) break;
    const worst = current.reduce((a, b) => (b.typicality < a.typicality ? b : a));
    if (worst.typicality >= rules.outlierCosine) break;
    worst.dropped = 'outlier';
  }
  const ranked = kept().sort((a, b) => b.typicality - a.typicality);
  ranked.slice(rules.cap).forEach((v) => (v.dropped = 'over_cap'));
  return verdicts;
}

/** The normalised mean of vectors, or null for none. */
export function normalisedMean(vectors: readonly Float32Array[]): Float32Array | null {
  return prototypeWithTwins(vectors.map((embedding) => ({ embedding })));
}

/** The person's prototype: the kept photos' embeddings, with their twins when they have them. */
export function prototypeOf(verdicts: readonly PhotoVerdict[]): Float32Array | null {
  return prototypeWithTwins(verdicts.filter((v) => v.dropped === null).map((v) => ({ embedding: v.photo.embedding!, twin: v.photo.twin })));
}
