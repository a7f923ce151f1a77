/**
 * `celeb gallery split <dir...>`: the gallery's train/val/test split laid out for the training
 * presets, so `celeb train --run N` (or /train run:N) trains on the gallery's people and is
 * measured on the gallery's own test photos; the shipped gallery goes on the leaderboard.
 */
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { preparedSplit } from '../engine/gallery/build.js';
import { recordGallery } from '../engine/gallery/leaderboard-row.js';
import type { PreparedGallery } from '../engine/gallery/prepare.js';
import { DEFAULT_SPLIT } from '../engine/gallery/split.js';
import { planSplitLayout, writeSplitLayout } from '../engine/gallery/split-layout.js';
import { readManifest } from '../engine/model/model-dir.js';
import { activeModelDir } from '../engine/train/promotion.js';
import type { Database } from '../store/index.js';
import { percent } from '../base/format.js';
import { refuseNonEmptyOutput } from '../engine/dataset/import.js';
import { asForceHint } from './data-import.js';

/** Refuses an output folder that holds data before the (long) preparation starts. */
export function checkSplitOutput(out: string, force: boolean | undefined): void {
  try {
    refuseNonEmptyOutput(out, force);
  } catch (error) {
    throw asForceHint(error);
  }
}

/** How the answering model relates to this split: runs on it are promoted over that model only on the same test photos. */
export interface SplitComparison {
  model: string;
  testSplit: string | null;
  testTop1: number | null;
  same: boolean;
}

export interface SplitOutcome {
  out: string;
  sources: string[];
  backbone: string;
  people: number;
  counts: { train: number; val: number; test: number };
  testSplit: string;
  linked: number;
  copied: number;
  answering: SplitComparison | null;
}

export async function writeGallerySplit(
  gallery: PreparedGallery,
  options: { out: string; sources: string[]; backbone: string; force?: boolean; db: Database; config: AppConfig },
): Promise<SplitOutcome> {
  const { people } = gallery;
  const { split, photos, testSplit } = preparedSplit(people, DEFAULT_SPLIT);
  const plan = planSplitLayout(photos);
  const info = {
    made: 'celeb gallery split',
    sources: options.sources,
    backbone: options.backbone,
    rules: DEFAULT_SPLIT,
    smallGallery: split.small,
    people: people.length,
    counts: split.counts,
    testSplit,
  };
  const made = await writeSplitLayout(options.out, plan, info, { force: options.force });
  // The shipped gallery's row, so the leaderboard shows it before the first run ends.
  await recordGallery(options.db, path.join(options.config.modelDir, 'default'));
  const answeringDir = activeModelDir(options.db, options.config.modelDir);
  const manifest = await readManifest(answeringDir).catch(() => null);
  const answering = manifest && {
    model: path.relative(process.cwd(), answeringDir) || answeringDir,
    testSplit: manifest.data.testSplit ?? null,
    testTop1: manifest.metrics?.testTop1 ?? null,
    same: manifest.data.testSplit === testSplit,
  };
  return { out: options.out, sources: options.sources, backbone: options.backbone, people: people.length, counts: split.counts, testSplit, ...made, answering };
}

export function printSplit(o: SplitOutcome): void {
  const n = (x: number) => x.toLocaleString('en-US');
  console.log(
    `Gallery split written to ${path.relative(process.cwd(), o.out) || '.'}: ${n(o.people)} people, train ${n(o.counts.train)}, val ${n(o.counts.val)}, test ${n(o.counts.test)} photos` +
      ` (${n(o.linked)} hard-linked, ${n(o.copied)} copied)`,
  );
  console.log(`  test split ${o.testSplit}`);
  const a = o.answering;
  if (!a) console.log('  no answering model to compare with: the first finished run will answer photos');
  else if (a.same)
    console.log(
      `  the same test photos as the answering model (${a.model}, top-1 ${a.testTop1 === null ? 'unknown' : percent(a.testTop1)} on them): a run on this split replaces it when it scores higher`,
    );
  else
    console.log(
      `  the answering model (${a.model}) was measured on ${a.testSplit ? `other test photos (${a.testSplit})` : 'an unknown test split'}: runs on this split are ` +
        `compared with each other on the leaderboard but do not replace it automatically (the same sources and backbone as its build give its split)`,
    );
  console.log('  next: celeb train --run 2 (or /train run:2 in chat), then celeb leaderboard');
}
