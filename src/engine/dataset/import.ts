/**
 * `celeb data import`: a folder per person -> ImageFolder layout with a clean split.
 * Exact duplicates (same bytes) are dropped, near-identical photos (embedding cosine
 * above 0.98, e.g. the same photo re-encoded) stay together on one side of the split,
 * and photos without a face are reported and left out.
 */
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../../store/index.js';
import { extractFileFeatures, type ExtractionProgress, type ExtractionStats } from '../extract/features.js';
import type { EmbedderPool } from '../extract/pool.js';
import { DatasetError, scanPeopleFolder, SPLITS, type SplitName } from './folders.js';
import { assignGroups, nearDuplicateGroups, type SplitRatios } from './split.js';

export interface ImportOptions {
  source: string;
  out: string;
  ratios: SplitRatios;
  seed: number;
  /** Cosine similarity at or above which two photos of a person count as near-identical. Default 0.98. */
  nearDuplicateThreshold?: number;
  /** Replace an existing, non-empty output directory. */
  force?: boolean;
  assumeCrop?: boolean;
  pool: EmbedderPool;
  db: Database;
  backbone: string;
  onProgress?: (progress: ExtractionProgress) => void;
}

export interface ImportReport {
  source: string;
  out: string;
  people: number;
  images: number;
  exactDuplicates: { file: string; sameAs: string }[];
  /** Groups of two or more near-identical photos, kept together. */
  nearDuplicateGroups: string[][];
  noFace: string[];
  unusable: { file: string; code: string; message: string }[];
  counts: Record<SplitName, number>;
  perPerson: Record<string, Record<SplitName, number>>;
  extraction: ExtractionStats;
}

/** The output folder already holds data; the caller must allow replacing it (`force`). */
export class OutputExistsError extends DatasetError {
  override name = 'OutputExistsError';
  constructor(readonly out: string) {
    super(`${out} already exists and is not empty; it is only replaced when that is allowed explicitly`);
  }
}

/** Throws OutputExistsError when `out` holds data and replacing it was not allowed. */
export function refuseNonEmptyOutput(out: string, force: boolean | undefined): void {
  if (!force && existsSync(out) && readdirSync(out).length > 0) throw new OutputExistsError(out);
}

export async function importDataset(options: ImportOptions): Promise<ImportReport> {
  const { source, out } = options;
  refuseNonEmptyOutput(out, options.force);
  const all = scanPeopleFolder(source);
  if (all.length === 0) throw new DatasetError(`${source} has no images in per-person folders (<dir>/<Name>/*.jpg)`);
  const { features, stats } = await extractFileFeatures({
    pool: options.pool,
    db: options.db,
    backbone: options.backbone,
    files: all.map((f) => f.file),
    assumeCrop: options.assumeCrop,
    onProgress: options.onProgress,
  });

  const report: ImportReport = {
    source,
    out,
    people: 0,
    images: 0,
    exactDuplicates: [],
    nearDuplicateGroups: [],
    noFace: [],
    unusable: [],
    counts: { train: 0, val: 0, test: 0 },
    perPerson: {},
    extraction: stats,
  };
  const firstByHash = new Map<string, string>();
  const usable = new Map<string, number[]>(); // person -> indices into `all`
  all.forEach((entry, i) => {
    const f = features[i];
    if (f.error) return void report.unusable.push({ file: entry.file, code: f.error.code, message: f.error.message });
    const seen = firstByHash.get(f.contentHash);
    if (seen) return void report.exactDuplicates.push({ file: entry.file, sameAs: seen });
    firstByHash.set(f.contentHash, entry.file);
    if (!f.embedding) return void report.noFace.push(entry.file);
    usable.set(entry.person, [...(usable.get(entry.person) ?? []), i]);
  });

  const assignment: { file: string; person: string; split: SplitName }[] = [];
  for (const [person, indices] of usable) {
    const groups = nearDuplicateGroups(
      indices.map((i) => features[i].embedding!),
      options.nearDuplicateThreshold ?? 0.98,
    );
    for (const g of groups) if (g.length > 1) report.nearDuplicateGroups.push(g.map((k) => all[indices[k]].file));
    const splits = assignGroups(
      groups.map((g) => g.length),
      options.ratios,
      options.seed,
    );
    report.perPerson[person] = { train: 0, val: 0, test: 0 };
    groups.forEach((g, gi) => {
      for (const k of g) assignment.push({ file: all[indices[k]].file, person, split: splits[gi] });
      report.perPerson[person][splits[gi]] += g.length;
      report.counts[splits[gi]] += g.length;
    });
  }
  report.people = usable.size;
  report.images = assignment.length;

  await rm(out, { recursive: true, force: true });
  for (const split of SPLITS) await mkdir(path.join(out, split), { recursive: true });
  for (const { file, person, split } of assignment) {
    const dir = path.join(out, split, person);
    await mkdir(dir, { recursive: true });
    await copyFile(file, path.join(dir, path.basename(file)));
  }
  return report;
}
