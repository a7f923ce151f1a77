/**
 * `celeb index`: a centroid model from the train split, its temperature fitted on the
 * validation split, its accuracy measured on the test split. No training needed.
 */
import path from 'node:path';
import type { Database } from '../../store/index.js';
import type { Box } from '../../base/box.js';
import { extractFileFeatures, type ExtractionProgress, type ExtractionStats } from '../extract/features.js';
import type { EmbedderPool } from '../extract/pool.js';
import { extractTwins, type TwinStats } from '../extract/twins.js';
import { CentroidHead } from '../heads/centroid.js';
import { MIN_TEMPERATURE } from '../heads/head.js';
import { calibrationReport, evaluateScores, scoreSamples, type Evaluation, type LabelledEmbedding } from '../heads/evaluate.js';
import { fitTemperature } from '../heads/metrics.js';
import { faceThumbnail } from '../image/thumbnail.js';
import { dot } from '../math.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, personSlug, type ModelManifest, type SplitCounts } from '../model/manifest.js';
import { writeModelDir } from '../model/model-dir.js';
import { readImageFolder, SPLITS, type LabelledFile, type SplitName } from './folders.js';
import { testSplitFingerprint } from './test-split.js';

export interface FeatureSplit {
  samples: (LabelledEmbedding & { file: string; contentHash: string; box: Box })[];
  /** Files left out: no face, or unusable. */
  skipped: number;
}

/** Embeds all three splits through the cache; faceless files are skipped and counted. */
export async function embedDataset(
  root: string,
  deps: { pool: EmbedderPool; db: Database; backbone: string; assumeCrop?: boolean; onProgress?: (p: ExtractionProgress) => void; checkpoint?: () => void },
): Promise<{ splits: Record<SplitName, FeatureSplit>; stats: ExtractionStats }> {
  const dataset = readImageFolder(root);
  const all: (LabelledFile & { split: SplitName })[] = SPLITS.flatMap((split) => dataset[split].map((f) => ({ ...f, split })));
  const { features, stats } = await extractFileFeatures({ ...deps, files: all.map((f) => f.file) });
  const splits = Object.fromEntries(SPLITS.map((s) => [s, { samples: [], skipped: 0 }])) as unknown as Record<SplitName, FeatureSplit>;
  all.forEach((f, i) => {
    const { embedding, box, contentHash } = features[i];
    if (embedding && box) splits[f.split].samples.push({ person: f.person, embedding, file: f.file, contentHash, box });
    else splits[f.split].skipped++;
  });
  return { splits, stats };
}

export function splitCounts(splits: Record<SplitName, FeatureSplit>) {
  const images: SplitCounts = { train: 0, val: 0, test: 0 };
  const perPerson: Record<string, SplitCounts> = {};
  for (const split of SPLITS) {
    for (const s of splits[split].samples) {
      images[split]++;
      (perPerson[s.person] ??= { train: 0, val: 0, test: 0 })[split]++;
    }
  }
  return { images, perPerson };
}

/** One thumbnail per person: the training photo whose embedding is closest to the person's centroid. */
export async function referenceThumbnails(
  head: CentroidHead,
  train: readonly (LabelledEmbedding & { file: string; box: Box })[],
): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const [i, person] of head.labels.entries()) {
    const own = train.filter((s) => s.person === person);
    if (own.length === 0) continue;
    const best = own.reduce((a, b) => (dot(b.embedding, head.centroids[i]) > dot(a.embedding, head.centroids[i]) ? b : a));
    out[person] = await faceThumbnail(best.file, best.box);
  }
  return out;
}

export const thumbnailPath = (person: string): string => `thumbnails/${personSlug(person)}.jpg`;

export interface IndexReport {
  out: string;
  backbone: string;
  people: number;
  counts: SplitCounts;
  test: Evaluation;
  temperature: number;
  eceBefore: number;
  eceAfter: number;
  extraction: ExtractionStats;
  /** Small-face twins of the training photos. */
  twins: TwinStats;
  skipped: number;
}

export async function buildCentroidModel(options: {
  data: string;
  out: string;
  pool: EmbedderPool;
  db: Database;
  backbone: string;
  assumeCrop?: boolean;
  /** Also embed the training photos' small-face twins into the prototypes (extract/twins.ts). Default true, except for face crops. */
  twins?: boolean;
  onProgress?: (p: ExtractionProgress) => void;
  onTwinProgress?: (p: ExtractionProgress) => void;
}): Promise<IndexReport> {
  const { splits, stats } = await embedDataset(options.data, options);
  const train = splits.train.samples;
  // A face crop is already small (often 64 px): shrinking it further says nothing about the photos users send.
  const twins =
    options.twins !== false && !options.assumeCrop
      ? await extractTwins({ pool: options.pool, db: options.db, backbone: options.backbone, photos: train, onProgress: options.onTwinProgress })
      : { byHash: new Map<string, Float32Array | null>(), stats: { photos: 0, found: 0, cached: 0 } };
  const head = CentroidHead.fit(train.map((s) => ({ ...s, twin: twins.byHash.get(s.contentHash) })));
  // Without a validation split, calibrate on train: over-confident, but better than nothing.
  const calibration = splits.val.samples.length > 0 ? splits.val.samples : splits.train.samples;
  const temperature = fitTemperature(await scoreSamples(head, calibration), MIN_TEMPERATURE.centroid);
  const testScored = await scoreSamples(head, splits.test.samples);
  const test = evaluateScores(head.labels, testScored);
  const testSplit = testSplitFingerprint(splits.test.samples.filter((s) => head.labels.includes(s.person)));
  const { eceBefore, eceAfter } = calibrationReport(testScored, 1, temperature);
  const thumbnails = await referenceThumbnails(head, splits.train.samples);
  const { images, perPerson } = splitCounts(splits);
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    created: new Date().toISOString(),
    backbone: options.backbone,
    dim: head.centroids[0].length,
    head: { kind: 'centroid', file: 'centroids.bin' },
    labels: [...head.labels],
    temperature,
    thumbnails: Object.fromEntries(Object.keys(thumbnails).map((p) => [p, thumbnailPath(p)])),
    data: { source: path.relative(process.cwd(), path.resolve(options.data)) || '.', images, perPerson, testSplit },
    metrics: { testTop1: test.top1, testTop3: test.top3, eceBefore, eceAfter },
  };
  const files: Record<string, Uint8Array> = { 'centroids.bin': head.toBytes() };
  for (const [person, jpeg] of Object.entries(thumbnails)) files[thumbnailPath(person)] = jpeg;
  await writeModelDir(options.out, manifest, files);
  const skipped = SPLITS.reduce((n, s) => n + splits[s].skipped, 0);
  return {
    out: options.out,
    backbone: options.backbone,
    people: head.labels.length,
    counts: images,
    test,
    temperature,
    eceBefore,
    eceAfter,
    extraction: stats,
    twins: twins.stats,
    skipped,
  };
}
