/**
 * `celeb gallery eval`: how well the gallery names people it knows, and what it tells people
 * it does not know. Pure: embeddings in, numbers out.
 *
 * - Identification: the test photos of the gallery split (split.ts: 2 photos of every person
 *   with at least `minPhotos`; in a small gallery where no one has that many, 1 photo of
 *   everyone with 3) are held out; every person's prototype is built from the rest (train and
 *   val); each held-out photo is ranked among all people.
 * - Strangers: a share of the people is removed from the gallery altogether; their photos are
 *   the strangers. How often the most frequent answer comes up (hubness), and how similar the
 *   best match reads, tell whether the bot says "you look like X" sensibly to anyone.
 * The hubness strength is chosen here: the one that spreads strangers' answers most without
 * lowering rank-1. The similarity scale and the softmax temperature are fitted here too.
 */
import { DatasetError } from '../dataset/folders.js';
import { CentroidHead } from '../heads/centroid.js';
import { MIN_TEMPERATURE } from '../heads/head.js';
import { fitTemperature } from '../heads/metrics.js';
import { quantile, seededRandom, shuffle } from '../math.js';
import { prototypeWithTwins, TWIN_WEIGHT } from '../heads/prototype.js';
import { bestAnswer, topAnswerCounts, hubnessPenalties, neighbourhoodDensity, type ReferenceFace } from './hubness.js';
import { similarityOf, similarityScale, type SimilarityScale } from '../model/similarity.js';
import { DEFAULT_SPLIT, gallerySplit, type GallerySplitRules } from './split.js';

export interface EvalPerson {
  name: string;
  /** `twin`: the photo's small-face twin (extract/twins.ts), in prototypes and as a small-face query. */
  photos: { source: string; embedding: Float32Array; twin?: Float32Array | null }[];
}

/** `holdout`, `minPhotos` and `seed` are the gallery split's rules (split.ts). */
export interface EvalOptions extends GallerySplitRules {
  /** Share of people held out entirely as strangers. */
  strangerShare: number;
  /** Hubness strengths tried (0 = no correction). */
  strengths: number[];
  /** Neighbours in the hubness density. */
  k: number;
  /** Weight of the photos' small-face twins in the prototypes (0: left out; they are still small-face queries). */
  twinWeight: number;
}

export const DEFAULT_EVAL: EvalOptions = { ...DEFAULT_SPLIT, strangerShare: 0.1, strengths: [0, 0.5, 1, 1.5, 2], k: 10, twinWeight: TWIN_WEIGHT };

export interface Distribution {
  n: number;
  p05: number;
  p25: number;
  median: number;
  p75: number;
  p95: number;
}

export interface AnswerCount {
  name: string;
  share: number;
}

export interface GalleryEvaluation {
  people: number;
  queries: number;
  rank1: number;
  rank3: number;
  rank5: number;
  perSource: Record<string, { queries: number; rank1: number; rank5: number }>;
  /** The held-out photos' small-face twins (face shrunk to 24 px), ranked the same way; null when the photos have no twins. */
  smallFaces: { queries: number; rank1: number; rank5: number } | null;
  /** Scores (cosine minus hubness penalty) of a held-out photo with its own person, and with the best other person. */
  trueMatch: Distribution;
  bestImpostor: Distribution;
  hubness: { strength: number; k: number; tried: { strength: number; rank1: number; strangerTopShare: number }[] };
  strangers: {
    people: number;
    queries: number;
    /** Most frequent answers without and with the chosen correction. */
    before: AnswerCount[];
    after: AnswerCount[];
    /** Share of strangers whose best match reads at least 50, 70, 90% similar. */
    atLeast: Record<'50' | '70' | '90', number>;
  };
  scale: SimilarityScale;
  temperature: number;
}

export function distribution(values: readonly number[]): Distribution {
  return {
    n: values.length,
    p05: quantile(values, 0.05),
    p25: quantile(values, 0.25),
    median: quantile(values, 0.5),
    p75: quantile(values, 0.75),
    p95: quantile(values, 0.95),
  };
}

interface Query {
  embedding: Float32Array;
  label: number;
  source: string;
}

/** Raw cosines of every query with every prototype, computed once; penalties are applied per strength. */
function cosineRows(head: CentroidHead, queries: readonly { embedding: Float32Array }[]): Float32Array[] {
  return queries.map((q) => head.cosines(q.embedding));
}

function rankOf(row: Float32Array, penalties: Float32Array, label: number): number {
  const own = row[label] - penalties[label];
  let above = 0;
  for (let i = 0; i < row.length; i++) if (i !== label && row[i] - penalties[i] > own) above++;
  return above;
}

function topAnswers(rows: readonly Float32Array[], penalties: Float32Array, labels: readonly string[], limit = 10): AnswerCount[] {
  return topAnswerCounts(rows, penalties)
    .slice(0, limit)
    .map(([i, n]) => ({ name: labels[i], share: n / Math.max(1, rows.length) }));
}

/** A head over `people`, with queries held out; `reference` is the prototypes' own photos (at most 3 per person) for hubness. */
function splitGallery(people: readonly EvalPerson[], holdout: (p: number, i: number) => boolean, twinWeight: number) {
  const queries: Query[] = [];
  const smallQueries: Query[] = [];
  const reference: ReferenceFace[] = [];
  const prototypes = people.map((person, p) => {
    const kept: EvalPerson['photos'] = [];
    person.photos.forEach((photo, i) => {
      if (holdout(p, i)) {
        queries.push({ embedding: photo.embedding, label: p, source: photo.source });
        if (photo.twin) smallQueries.push({ embedding: photo.twin, label: p, source: photo.source });
      } else kept.push(photo);
    });
    for (const { embedding } of kept.slice(0, 3)) reference.push({ embedding, owner: p });
    return prototypeWithTwins(kept, twinWeight)!;
  });
  return {
    head: new CentroidHead(
      people.map((p) => p.name),
      prototypes,
    ),
    queries,
    smallQueries,
    reference,
  };
}

export function evaluateGallery(people: readonly EvalPerson[], options: EvalOptions = DEFAULT_EVAL): GalleryEvaluation {
  const random = seededRandom(options.seed);
  // The test photos of the gallery split, drawn from `random`, which then picks the strangers.
  const split = gallerySplit(
    people.map((p) => p.photos.length),
    options,
    random,
  );
  if (people.length < 2 || split.counts.test === 0) {
    throw new DatasetError(`A gallery needs at least 2 people and someone with 3 usable photos to be measured; it has ${people.length} people.`);
  }
  const id = splitGallery(people, (p, i) => split.assignment[p][i] === 'test', options.twinWeight);
  const idRows = cosineRows(id.head, id.queries);
  const idDensity = neighbourhoodDensity(id.head, id.reference, options.k);

  // Strangers: whole people out of the gallery; only people with a few photos, so their photos are many.
  const candidates = people.map((_, p) => p).filter((p) => people[p].photos.length >= 3);
  const strangerSet = new Set(shuffle(candidates, random).slice(0, Math.round(candidates.length * options.strangerShare)));
  const known = people.filter((_, p) => !strangerSet.has(p));
  const strangerGallery = splitGallery(known, () => false, options.twinWeight);
  const strangerQueries = [...strangerSet].flatMap((p) => people[p].photos);
  const strangerRows = cosineRows(strangerGallery.head, strangerQueries);
  const strangerDensity = neighbourhoodDensity(strangerGallery.head, strangerGallery.reference, options.k);

  const rankAt = (penalties: Float32Array) => id.queries.map((q, i) => rankOf(idRows[i], penalties, q.label));
  const tried = options.strengths.map((strength) => {
    const ranks = rankAt(hubnessPenalties(idDensity, strength));
    const answers = topAnswers(strangerRows, hubnessPenalties(strangerDensity, strength), strangerGallery.head.labels, 1);
    return { strength, rank1: ranks.filter((r) => r === 0).length / Math.max(1, ranks.length), strangerTopShare: answers[0]?.share ?? 0 };
  });
  const baseline = tried.find((t) => t.strength === 0) ?? tried[0];
  const chosen = tried.filter((t) => t.rank1 >= baseline.rank1).sort((a, b) => a.strangerTopShare - b.strangerTopShare || a.strength - b.strength)[0];

  const penalties = hubnessPenalties(idDensity, chosen.strength);
  const ranks = rankAt(penalties);
  const perSource: GalleryEvaluation['perSource'] = {};
  id.queries.forEach((q, i) => {
    const s = (perSource[q.source] ??= { queries: 0, rank1: 0, rank5: 0 });
    s.queries++;
    s.rank1 += ranks[i] === 0 ? 1 : 0;
    s.rank5 += ranks[i] < 5 ? 1 : 0;
  });
  for (const s of Object.values(perSource)) {
    s.rank1 /= s.queries;
    s.rank5 /= s.queries;
  }
  const smallRanks = cosineRows(id.head, id.smallQueries).map((row, i) => rankOf(row, penalties, id.smallQueries[i].label));
  const smallFaces = smallRanks.length
    ? {
        queries: smallRanks.length,
        rank1: smallRanks.filter((r) => r === 0).length / smallRanks.length,
        rank5: smallRanks.filter((r) => r < 5).length / smallRanks.length,
      }
    : null;
  const adjusted = (row: Float32Array, i: number, pen: Float32Array) => row[i] - pen[i];
  const trueScores = id.queries.map((q, i) => adjusted(idRows[i], q.label, penalties));
  const bestImpostors = id.queries.map((q, i) => adjusted(idRows[i], bestAnswer(idRows[i], penalties, q.label), penalties));
  // Random impostors (a face against one other person's prototype) do not depend on the gallery's size.
  const randomImpostors = id.queries.flatMap((q, i) =>
    Array.from({ length: 20 }, () => {
      const other = Math.floor(random() * (people.length - 1));
      return adjusted(idRows[i], other >= q.label ? other + 1 : other, penalties);
    }),
  );
  const scale = similarityScale(randomImpostors, trueScores);

  const strangerPenalties = hubnessPenalties(strangerDensity, chosen.strength);
  const strangerBest = strangerRows.map((row) => similarityOf(scale, adjusted(row, bestAnswer(row, strangerPenalties), strangerPenalties)));
  const shareAtLeast = (s: number) => strangerBest.filter((x) => x >= s).length / Math.max(1, strangerBest.length);
  const temperature = fitTemperature(
    id.queries.map((q, i) => ({ scores: idRows[i].map((c, j) => c - penalties[j]), label: q.label })),
    MIN_TEMPERATURE.centroid,
  );

  return {
    people: people.length,
    queries: id.queries.length,
    rank1: ranks.filter((r) => r === 0).length / Math.max(1, ranks.length),
    rank3: ranks.filter((r) => r < 3).length / Math.max(1, ranks.length),
    rank5: ranks.filter((r) => r < 5).length / Math.max(1, ranks.length),
    perSource,
    smallFaces,
    trueMatch: distribution(trueScores),
    bestImpostor: distribution(bestImpostors),
    hubness: { strength: chosen.strength, k: options.k, tried },
    strangers: {
      people: strangerSet.size,
      queries: strangerQueries.length,
      before: topAnswers(strangerRows, hubnessPenalties(strangerDensity, 0), strangerGallery.head.labels, 5),
      after: topAnswers(strangerRows, strangerPenalties, strangerGallery.head.labels, 5),
      atLeast: { '50': shareAtLeast(0.5), '70': shareAtLeast(0.7), '90': shareAtLeast(0.9) },
    },
    scale,
    temperature,
  };
}
