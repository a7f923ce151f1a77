/**
 * The augmentation bank: the backbone is frozen, so every training image's clean crop, its
 * K augmented views and (for sample pairing) its paired views are embedded once and cached
 * in SQLite. Each epoch then draws one view per image: training costs no backbone pass, and
 * a second run on the same data performs none at all.
 */
import { readFile } from 'node:fs/promises';
import { getFeature, putFeatures, type Database, type FeatureRecord } from '../../store/index.js';
import { pairView, recipesFor, recipeView, viewSeed, type AugmentConfig, type ViewRecipe } from '../augment/recipe.js';
import { embedDataset } from '../dataset/build-index.js';
import { testSplitFingerprint } from '../dataset/test-split.js';
import type { Box } from '../../base/box.js';
import type { SplitName } from '../dataset/folders.js';
import type { EmbedderPool } from '../extract/pool.js';
import { mapLimited } from '../concurrency.js';
import { extractTwins } from '../extract/twins.js';
import { extractDegraded } from './degraded-views.js';
import { seededRandom } from '../math.js';

export interface BankImage {
  person: string;
  /** Index into `FeatureBank.labels`. */
  label: number;
  contentHash: string;
  /** Source photo and face box, for the model's reference thumbnails. */
  file: string;
  box: Box;
  clean: Float32Array;
  /** K augmented views. */
  views: Float32Array[];
  /** Sample-paired views (pixel average with another training image, this image's label). */
  pairs: Float32Array[];
  /** The small-face twin (extract/twins.ts), when the bank was asked for twins and the twin shows a face. */
  twin?: Float32Array | null;
  /** Views of the `degrade` recipe (degraded-views.ts), when asked for. */
  degraded?: Float32Array[];
}

export interface LabelledFeature {
  person: string;
  label: number;
  embedding: Float32Array;
  /** The photo's small-face twin, when the bank was asked for twins. */
  twin?: Float32Array | null;
  /** The photo's file (evaluation protocols that group photos by source read it). */
  file?: string;
}

export interface BankStats {
  trainImages: number;
  /** Backbone passes made now (clean + augmented + paired views). */
  computed: number;
  /** Views found in the cache. */
  cached: number;
  seconds: number;
}

export interface FeatureBank {
  labels: string[];
  train: BankImage[];
  val: LabelledFeature[];
  test: LabelledFeature[];
  /** Fingerprint of `test` (see test-split.ts): which photos the run's accuracy is measured on. */
  testSplit: string;
  stats: BankStats;
}

export type BankPhase = 'clean' | 'views' | 'pairs' | 'twins' | 'degraded';

export interface BankProgress {
  phase: BankPhase;
  done: number;
  total: number;
}

export interface BankOptions {
  data: string;
  pool: EmbedderPool;
  db: Database;
  backbone: string;
  augment: AugmentConfig;
  samplePairing: boolean;
  assumeCrop?: boolean;
  /** Also the small-face twins of the train and val photos (preset 6 imprints with them). */
  twins?: boolean;
  /** Views of the `degrade` recipe per training photo (0: none). */
  degrade?: number;
  onProgress?: (progress: BankProgress) => void;
  /**
   * Called between photos in every phase; throws to stop (RunCancelled). The photos in flight
   * finish and everything embedded so far is written to the cache, so a later run reuses it.
   */
  checkpoint?: () => void;
}

/**
 * Sample pairing keeps the aligned crops of the images it pairs in memory (150 kB each at 224 px:
 * 1.5 GB for a gallery split's 10,000 training photos). So partners are drawn within blocks of
 * at most this many training images, and a block's crops are freed before the next block starts.
 */
export const PAIR_BLOCK = 2048;

/** [start, end) of the blocks of `n` images: as few as fit `block`, of even sizes. One block (all images) up to `block`. */
export function pairBlocks(n: number, block = PAIR_BLOCK): [number, number][] {
  const count = Math.max(1, Math.ceil(n / block));
  const size = Math.ceil(n / count);
  return Array.from({ length: count }, (_, b): [number, number] => [b * size, Math.min(n, (b + 1) * size)]).filter(([a, z]) => z > a);
}

/** Partners for sample pairing: deterministic per image, never the image itself, within the image's block. */
export function pairPartners(index: number, hashes: readonly string[], count: number, block = PAIR_BLOCK): number[] {
  const [start, end] = pairBlocks(hashes.length, block).find(([a, z]) => index >= a && index < z) ?? [0, 0];
  const local = index - start;
  if (end - start < 2) return [];
  const random = seededRandom(viewSeed(hashes[index], 1000));
  return Array.from({ length: count }, () => {
    const j = Math.floor(random() * (end - start - 1));
    return start + (j >= local ? j + 1 : j);
  });
}

export async function buildFeatureBank(options: BankOptions): Promise<FeatureBank> {
  const started = Date.now();
  const { pool, db, backbone, augment } = options;
  const { splits, stats: cleanStats } = await embedDataset(options.data, {
    pool,
    db,
    backbone,
    assumeCrop: options.assumeCrop,
    checkpoint: options.checkpoint,
    onProgress: (p) => options.onProgress?.({ phase: 'clean', done: p.done, total: p.total }),
  });
  const labels = [...new Set(splits.train.samples.map((s) => s.person))].sort();
  const labelIndex = new Map(labels.map((person, i) => [person, i]));
  const labelOf = (person: string) => labelIndex.get(person) ?? -1;
  const stats: BankStats = { trainImages: splits.train.samples.length, computed: cleanStats.embedded, cached: cleanStats.cached, seconds: 0 };
  const pending: FeatureRecord[] = [];
  const save = (contentHash: string, view: string, vector: Float32Array) => {
    pending.push({ contentHash, backbone, view, vector, box: null });
    if (pending.length >= 256) putFeatures(db, pending.splice(0));
  };

  const train = splits.train.samples;
  const hashes = train.map((s) => s.contentHash);
  const recipes = train.map((s) => recipesFor(s.contentHash, augment));
  const views: Float32Array[][] = train.map(() => []);
  const partners = options.samplePairing ? train.map((_, i) => pairPartners(i, hashes, augment.pairViews)) : train.map(() => []);
  const pairs: (Float32Array | null)[][] = partners.map((p) => p.map(() => null));
  const crops = new Map<number, Uint8Array>(); // aligned crops, in memory only while pairs are made

  // Phase 1: augmented views missing from the cache (and crops for missing paired views).
  const needsCrop = new Set<number>();
  const missing: { index: number; recipes: ViewRecipe[]; slots: number[] }[] = [];
  train.forEach((s, i) => {
    const miss: number[] = [];
    recipes[i].forEach((r, k) => {
      const hit = getFeature(db, { contentHash: s.contentHash, backbone, view: recipeView(r) })?.vector;
      if (hit) views[i][k] = hit;
      else miss.push(k);
    });
    partners[i].forEach((p, j) => {
      const hit = getFeature(db, { contentHash: s.contentHash, backbone, view: pairView(hashes[p]) })?.vector;
      if (hit) pairs[i][j] = hit;
      else needsCrop.add(i).add(p);
    });
    stats.cached += recipes[i].length - miss.length + pairs[i].filter(Boolean).length;
    if (miss.length || needsCrop.has(i)) missing.push({ index: i, recipes: miss.map((k) => recipes[i][k]), slots: miss });
  });
  const listed = new Set(missing.map((m) => m.index));
  for (const i of needsCrop) if (!listed.has(i)) missing.push({ index: i, recipes: [], slots: [] });
  const pairJobs = partners.flatMap((p, i) => p.map((partner, j) => ({ i, j, partner }))).filter(({ i, j }) => !pairs[i][j]);

  let viewsDone = 0;
  let pairsDone = 0;
  const checkpoint = options.checkpoint ?? (() => undefined);
  try {
    // Block by block (partners never leave their block), so at most one block's crops are in memory.
    for (const [start, end] of pairBlocks(train.length)) {
      const inBlock = ({ index }: { index: number }) => index >= start && index < end;
      await embedMissing(missing.filter(inBlock));
      await embedPairs(pairJobs.filter(({ i }) => inBlock({ index: i })));
      crops.clear();
    }
  } finally {
    putFeatures(db, pending.splice(0)); // also on cancel: what was computed stays cached
    crops.clear();
  }

  async function embedMissing(todoList: typeof missing): Promise<void> {
    await mapLimited(todoList, pool.size * 2, async ({ index, recipes: todo, slots }) => {
      checkpoint();
      const s = train[index];
      // maxFaces 0: only the views (and crop) of the largest face; its clean embedding is already known.
      const result = await pool.embed(await readFile(s.file), { maxFaces: 0, assumeCrop: options.assumeCrop, views: todo, returnCrop: needsCrop.has(index) });
      result.views?.forEach((v, n) => {
        views[index][slots[n]] = v;
        save(s.contentHash, recipeView(todo[n]), v);
      });
      stats.computed += todo.length;
      if (result.crop) crops.set(index, result.crop);
      options.onProgress?.({ phase: 'views', done: ++viewsDone, total: missing.length });
    });
  }

  // Phase 2: sample-paired views from the crops.
  async function embedPairs(jobs: typeof pairJobs): Promise<void> {
    await mapLimited(jobs, pool.size * 2, async ({ i, j, partner }) => {
      checkpoint();
      const a = crops.get(i);
      const b = crops.get(partner);
      if (a && b) {
        pairs[i][j] = await pool.embedPair(a, b);
        save(hashes[i], pairView(hashes[partner]), pairs[i][j]);
        stats.computed++;
      }
      options.onProgress?.({ phase: 'pairs', done: ++pairsDone, total: pairJobs.length });
    });
  }

  const extras = await photoExtras(options, train, splits.val.samples, stats);
  const labelled = (split: SplitName): LabelledFeature[] =>
    splits[split].samples
      .filter((s) => labelOf(s.person) >= 0)
      .map((s) => ({
        person: s.person,
        label: labelOf(s.person),
        embedding: s.embedding,
        file: s.file,
        ...(options.twins ? { twin: extras.twins.get(s.contentHash) ?? null } : {}),
      }));
  stats.seconds = (Date.now() - started) / 1000;
  return {
    labels,
    train: train.map((s, i) => ({
      person: s.person,
      label: labelOf(s.person),
      contentHash: s.contentHash,
      file: s.file,
      box: s.box,
      clean: s.embedding,
      views: views[i].filter(Boolean),
      pairs: pairs[i].filter((p): p is Float32Array => p !== null),
      ...(options.twins ? { twin: extras.twins.get(s.contentHash) ?? null } : {}),
      ...(options.degrade ? { degraded: extras.degraded.get(s.contentHash) ?? [] } : {}),
    })),
    val: labelled('val'),
    test: labelled('test'),
    testSplit: testSplitFingerprint(splits.test.samples.filter((s) => labelOf(s.person) >= 0)),
    stats,
  };
}

type PhotoRef = { file: string; contentHash: string; box: Box };

/** Twins of the train and val photos and degraded views of the train photos, as the options ask; cached like every view. */
async function photoExtras(
  options: BankOptions,
  trainPhotos: readonly PhotoRef[],
  valPhotos: readonly PhotoRef[],
  stats: BankStats,
): Promise<{ twins: Map<string, Float32Array | null>; degraded: Map<string, Float32Array[]> }> {
  const twins = new Map<string, Float32Array | null>();
  const degraded = new Map<string, Float32Array[]>();
  const { pool, db, backbone } = options;
  if (options.twins && !options.assumeCrop) {
    const made = await extractTwins({
      pool,
      db,
      backbone,
      photos: [...trainPhotos, ...valPhotos],
      checkpoint: options.checkpoint,
      onProgress: (p) => options.onProgress?.({ phase: 'twins', done: p.done, total: p.total }),
    });
    for (const [hash, twin] of made.byHash) twins.set(hash, twin);
    stats.cached += made.stats.cached;
    stats.computed += made.stats.photos - made.stats.cached;
  }
  if (options.degrade && !options.assumeCrop) {
    const made = await extractDegraded({
      pool,
      db,
      backbone,
      photos: trainPhotos,
      count: options.degrade,
      checkpoint: options.checkpoint,
      onProgress: (done, total) => options.onProgress?.({ phase: 'degraded', done, total }),
    });
    for (const [hash, views] of made.byHash) degraded.set(hash, views);
    stats.cached += made.cached;
    stats.computed += made.computed;
  }
  return { twins, degraded };
}
