/**
 * The people of a gallery, from folder-per-person trees to cleaned photos with embeddings:
 * scan, group by name, embed a bounded set of candidates through the worker pool and the
 * feature cache (an interrupted run resumes where it stopped), clean, merge typo'd names.
 * Shared by `gallery build` and `gallery eval`.
 */
import type { Database } from '../../store/index.js';
import { extractFileFeatures, type ExtractionProgress, type ExtractionStats } from '../extract/features.js';
import type { EmbedderPool } from '../extract/pool.js';
import { extractTwins, type TwinStats } from '../extract/twins.js';
import { dot, quantile, seededRandom } from '../math.js';
import {
  cleanPerson,
  DEFAULT_CLEANING,
  normalisedMean,
  prototypeOf,
  faceCheck,
  type CleaningRules,
  type DropReason,
  type EmbeddedPhoto,
  type PhotoVerdict,
} from './clean.js';
import { canonicalPeople, type NameChange } from './canonical-names.js';
import { comparePrototypes, mergeGroups, type NamePair } from './merge.js';
import { SAME_PERSON } from './name-fixes.js';
import { groupPeople, pickCandidates, type GalleryCandidate } from './people.js';
import { scanSourceTrees } from './tree.js';

export interface PrepareOptions {
  sources: readonly string[];
  pool: EmbedderPool;
  db: Database;
  backbone: string;
  /** Photos per person embedded before cleaning; the best `cap` of them are kept. Default 16. */
  candidates?: number;
  cap?: number;
  minFacePx?: number;
  /** Also embed each kept photo's small-face twin (extract/twins.ts) for the prototypes. Default true. */
  twins?: boolean;
  onProgress?: (p: ExtractionProgress) => void;
  /** Progress of the twins' pass, after `onProgress`'s. */
  onTwinProgress?: (p: ExtractionProgress) => void;
}

export interface PreparedPerson {
  key: string;
  /** Display name: the sources' spelling, fixed by the reviewed table and the casing rules. */
  name: string;
  /** Other spellings of the person (before a rename, and names merged into it) that search should find. */
  aliases: string[];
  /** Kept photos, most typical first. */
  kept: PhotoVerdict[];
  /** Every candidate photo's verdict. */
  verdicts: PhotoVerdict[];
  /** Photos kept per source. */
  sources: Record<string, number>;
}

export interface PreparedGallery {
  people: PreparedPerson[];
  /** People left with no usable photo. */
  emptyPeople: string[];
  dropped: Record<DropReason, number>;
  merged: NamePair[];
  flagged: NamePair[];
  /** Display names changed by the reviewed table or the casing rules; renames refused because the name was taken. */
  renamed: NameChange[];
  nameConflicts: NameChange[];
  /** Thresholds found in the data (see `thresholds`). */
  outlierCosine: number;
  mergeCosine: number;
  flagCosine: number;
  extraction: ExtractionStats;
  /** Small-face twins of the kept photos (all 0 without twins). */
  twins: TwinStats;
}

/**
 * Thresholds from the data itself, so they follow the backbone:
 * - outlier: a photo less like its own person (leave-one-out prototype) than 1 in 20 photos
 *   are like a random OTHER person's prototype (the impostor 95th percentile);
 * - merge: two prototypes of similar names are one person when their cosine reaches what two
 *   halves of one person's photos reach 99% of the time (split-half 1st percentile);
 * - flag: two different names whose prototypes are as alike as two halves of one person's photos
 *   typically are (split-half median) are reported as possible duplicates or mislabels.
 */
export function thresholds(
  groups: readonly EmbeddedPhoto[][],
  faceRules: Pick<CleaningRules, 'minFacePx' | 'secondFaceRatio'> = DEFAULT_CLEANING,
  seed = 7,
): { outlierCosine: number; mergeCosine: number; flagCosine: number } {
  const usable = groups.map((photos) => photos.filter((p) => faceCheck(p, faceRules) === null).map((p) => p.embedding!)).filter((g) => g.length > 0);
  const prototypes = usable.map((g) => normalisedMean(g)!);
  const random = seededRandom(seed);
  const impostor: number[] = [];
  for (let n = 0; n < 20000 && usable.length > 1; n++) {
    const a = Math.floor(random() * usable.length);
    const b = (a + 1 + Math.floor(random() * (usable.length - 1))) % usable.length;
    const photos = usable[a];
    impostor.push(dot(photos[Math.floor(random() * photos.length)], prototypes[b]));
  }
  const halves = usable
    .filter((g) => g.length >= 6)
    .map((g) => dot(normalisedMean(g.filter((_, i) => i % 2 === 0))!, normalisedMean(g.filter((_, i) => i % 2 === 1))!));
  return { outlierCosine: quantile(impostor, 0.95), mergeCosine: quantile(halves, 0.01), flagCosine: quantile(halves, 0.5) };
}

function toPerson(key: string, name: string, verdicts: PhotoVerdict[], aliases: string[] = []): PreparedPerson {
  const kept = verdicts.filter((v) => v.dropped === null).sort((a, b) => b.typicality - a.typicality);
  const sources: Record<string, number> = {};
  for (const v of kept) sources[v.photo.source] = (sources[v.photo.source] ?? 0) + 1;
  return { key, name, aliases, kept, verdicts, sources };
}

export async function prepareGallery(options: PrepareOptions): Promise<PreparedGallery> {
  const candidates: GalleryCandidate[] = groupPeople(scanSourceTrees(options.sources));
  const picked = candidates.map((c) => pickCandidates(c, options.candidates ?? 16));
  const files = picked.flat().map((p) => p.file);
  const { features, stats } = await extractFileFeatures({
    pool: options.pool,
    db: options.db,
    backbone: options.backbone,
    files,
    secondFace: true,
    onProgress: options.onProgress,
  });
  let next = 0;
  const groups: EmbeddedPhoto[][] = picked.map((list) =>
    list.map(({ source, file }) => {
      const f = features[next++];
      return { source, file, contentHash: f.contentHash, embedding: f.embedding, box: f.box, second: f.second ?? null, error: f.error?.message };
    }),
  );
  const faceRules = { ...DEFAULT_CLEANING, cap: options.cap ?? DEFAULT_CLEANING.cap, minFacePx: options.minFacePx ?? DEFAULT_CLEANING.minFacePx };
  const { outlierCosine, mergeCosine, flagCosine } = thresholds(groups, faceRules);
  const rules = { ...faceRules, outlierCosine };
  let people = candidates.map((c, i) => toPerson(c.key, c.name, cleanPerson(groups[i], rules)));

  // Merge typo'd names whose faces agree; flag other near-identical pairs.
  const withPrototype = people.flatMap((p) => {
    const prototype = prototypeOf(p.kept);
    return prototype ? [{ key: p.key, name: p.name, prototype }] : [];
  });
  const { merge, flag } = comparePrototypes(
    withPrototype,
    mergeCosine,
    flagCosine,
    SAME_PERSON.map((s) => s.names),
  );
  const byKey = new Map(people.map((p, i) => [p.key, i]));
  const absorbed = new Set<string>();
  for (const group of mergeGroups(
    withPrototype.map((e) => e.key),
    merge,
  )) {
    const members = group.map((k) => people[byKey.get(k)!]);
    // The name found in more sources wins (`Henry Cavill` in two, `Henry Cavil` in one), then the one with more photos.
    const main = [...members].sort((a, b) => Object.keys(b.sources).length - Object.keys(a.sources).length || b.kept.length - a.kept.length)[0];
    const photos = members.flatMap((m) => m.verdicts.map((v) => v.photo));
    const others = members.filter((m) => m !== main).map((m) => m.name);
    people[byKey.get(main.key)!] = toPerson(main.key, main.name, cleanPerson(photos, rules), others);
    for (const m of members) if (m !== main) absorbed.add(m.key);
  }
  people = people.filter((p) => !absorbed.has(p.key));
  const dropped = { unreadable: 0, no_face: 0, small_face: 0, several_faces: 0, duplicate: 0, outlier: 0, over_cap: 0 } satisfies Record<DropReason, number>;
  for (const p of people) for (const v of p.verdicts) if (v.dropped) dropped[v.dropped]++;
  const emptyPeople = people.filter((p) => p.kept.length === 0).map((p) => p.name);
  people = people.filter((p) => p.kept.length > 0);
  // Names spelt right; the order (by key) and so the split do not change.
  const named = canonicalPeople(people);
  people = named.people;
  let twinStats: TwinStats = { photos: 0, found: 0, cached: 0 };
  if (options.twins !== false) {
    const kept = people.flatMap((p) => p.kept.map((v) => v.photo));
    const twins = await extractTwins({
      pool: options.pool,
      db: options.db,
      backbone: options.backbone,
      photos: kept.map((photo) => ({ file: photo.file, contentHash: photo.contentHash, box: photo.box! })),
      onProgress: options.onTwinProgress,
    });
    for (const photo of kept) photo.twin = twins.byHash.get(photo.contentHash) ?? null;
    twinStats = twins.stats;
  }
  return {
    people,
    emptyPeople,
    dropped,
    merged: merge,
    flagged: flag,
    renamed: named.renamed,
    nameConflicts: named.conflicts,
    outlierCosine,
    mergeCosine,
    flagCosine,
    extraction: stats,
    twins: twinStats,
  };
}
