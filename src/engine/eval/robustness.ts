/**
 * How well answers hold up under the photo conditions of perturbations.ts: for a labelled
 * folder-per-person set, top-1 with detection under each condition, how often a face was
 * found at all, and whether a mirrored photo gets the same answer (also for strangers,
 * people the model does not know, where a look-alike answer should not depend on the camera).
 */
import { readFile } from 'node:fs/promises';
import { mapLimited } from '../concurrency.js';
import type { LabelledFile } from '../dataset/folders.js';
import { isInputError } from '../../base/errors.js';
import type { Prediction, RecognitionOptions } from '../lookalike.js';
import type { FaceQuality } from '../detect/quality.js';
import { median, quantile } from '../math.js';
import { PERTURBATIONS, type Perturbation, type PerturbationId } from './perturbations.js';

/** The part of LookalikeEngine the evaluation needs. */
export interface Answerer {
  which(bytes: Uint8Array, options?: RecognitionOptions): Promise<Prediction>;
  readonly workers: number;
}

export interface RobustnessRow {
  id: PerturbationId;
  description: string;
  images: number;
  /** Share of images where at least one face was found. */
  faceFound: number;
  /** Share of images whose largest face was named right (no face counts as wrong). */
  top1: number;
  /** top1 relative to the clean row's. */
  relativeToClean: number;
  /** Which detection pass found the face, counted over images with a face (empty when the engine does not say). */
  passes: Record<string, number>;
  /** Median engine time per image, ms (decode to answer, in a worker). */
  medianMs: number;
  /** Share of found faces that got a quality warning (small, blurry, dark). */
  warned: number;
  /** 2nd percentile and median of each quality measure over the found faces: where the warning thresholds come from. */
  quality: Record<keyof FaceQuality, { p2: number; median: number }>;
}

export interface RobustnessReport {
  rows: RobustnessRow[];
  /** Share of known people's photos whose top-1 is the same for the photo and its mirror image (both with a face). */
  flipAgreementKnown: number;
  /** The same over strangers' photos; null without strangers. */
  flipAgreementStrangers: number | null;
  strangers: number;
}

export interface RobustnessOptions {
  engine: Answerer;
  files: readonly LabelledFile[];
  /** Photos of people the model does not know (flip agreement only). */
  strangers?: readonly string[];
  perturbations?: readonly Perturbation[];
  onProgress?: (done: number, total: number) => void;
}

interface Outcome {
  found: boolean;
  name: string | null;
  pass: string | null;
  ms: number;
  quality: FaceQuality | null;
  warned: boolean;
}

async function answer(engine: Answerer, bytes: Uint8Array): Promise<Outcome> {
  try {
    const p = await engine.which(bytes, { top: 1, maxFaces: 1 });
    const face = p.faces[0];
    const ms = p.timings.decodeMs + p.timings.detectMs + p.timings.embedMs + p.timings.headMs;
    return { found: true, name: face.matches[0].name, pass: p.detectionPass ?? null, ms, quality: face.quality, warned: face.warnings.length > 0 };
  } catch (error) {
    if (isInputError(error) && error.code === 'no_face') return { found: false, name: null, pass: null, ms: NaN, quality: null, warned: false };
    throw error;
  }
}

const share = (n: number, of: number): number => (of === 0 ? NaN : n / of);

/** Pure: the table from every (image, condition) outcome. */
export function summarise(
  perturbations: readonly Perturbation[],
  truth: readonly string[],
  outcomes: ReadonlyMap<PerturbationId, readonly Outcome[]>,
): RobustnessRow[] {
  const rows = perturbations.map((p): RobustnessRow => {
    const list = outcomes.get(p.id) ?? [];
    const found = list.filter((o) => o.found);
    const passes: Record<string, number> = {};
    for (const o of found) if (o.pass) passes[o.pass] = (passes[o.pass] ?? 0) + 1;
    return {
      id: p.id,
      description: p.description,
      images: list.length,
      faceFound: share(found.length, list.length),
      top1: share(list.filter((o, i) => o.name === truth[i]).length, list.length),
      relativeToClean: NaN,
      passes,
      medianMs: median(found.map((o) => o.ms)),
      warned: share(found.filter((o) => o.warned).length, found.length),
      quality: Object.fromEntries(
        (['sizePx', 'sharpness', 'brightness'] as const).map((k) => {
          const values = found.map((o) => o.quality![k]);
          return [k, { p2: quantile(values, 0.02), median: median(values) }];
        }),
      ) as RobustnessRow['quality'],
    };
  });
  const clean = rows.find((r) => r.id === 'clean')?.top1 ?? NaN; // NaN ratios when the clean row was not run
  for (const row of rows) row.relativeToClean = row.top1 / clean;
  return rows;
}

/** Pure: how often the photo and its mirror image get the same top-1, over pairs where both have a face. */
export function flipAgreement(clean: readonly Outcome[], mirrored: readonly Outcome[]): number {
  const pairs = clean.map((c, i) => [c, mirrored[i]] as const).filter(([c, m]) => c.found && m?.found);
  return share(pairs.filter(([c, m]) => c.name === m.name).length, pairs.length);
}

/** A face-relative condition on a photo whose clean version shows no face: there is no face to shrink, so none is found. */
const NOT_PERTURBED: Outcome = { found: false, name: null, pass: null, ms: NaN, quality: null, warned: false };

export async function evaluateRobustness(options: RobustnessOptions): Promise<RobustnessReport> {
  const perturbations = options.perturbations ?? PERTURBATIONS;
  const mirror = PERTURBATIONS.find((p) => p.id === 'mirror')!;
  const clean = PERTURBATIONS.find((p) => p.id === 'clean')!;
  const strangers = options.strangers ?? [];
  // The clean photos go first: the face-relative conditions need their face sizes.
  const needsClean = perturbations.some((p) => p.id === 'clean' || p.relativeToFace);
  const first = needsClean ? options.files.map((f, index) => ({ file: f.file, index, p: clean, stranger: false })) : [];
  const then = [
    ...options.files.flatMap((f, index) => perturbations.filter((p) => p.id !== 'clean').map((p) => ({ file: f.file, index, p, stranger: false }))),
    ...strangers.flatMap((file, index) => [clean, mirror].map((p) => ({ file, index, p, stranger: true }))),
  ];
  const known = new Map<PerturbationId, Outcome[]>([clean, ...perturbations].map((p) => [p.id, []]));
  const unknown = new Map<PerturbationId, Outcome[]>([
    ['clean', []],
    ['mirror', []],
  ]);
  const total = first.length + then.length;
  let done = 0;
  const run = (jobs: typeof then) =>
    // Two photos per worker keep every worker busy while the next photo is perturbed.
    mapLimited(jobs, options.engine.workers * 2, async (job) => {
      const outcomes = (job.stranger ? unknown : known).get(job.p.id)!;
      const faceSizePx = job.stranger ? null : (known.get('clean')![job.index]?.quality?.sizePx ?? null);
      outcomes[job.index] =
        job.p.relativeToFace && faceSizePx === null ? NOT_PERTURBED : await answer(options.engine, await job.p.apply(await readFile(job.file), { faceSizePx }));
      options.onProgress?.(++done, total);
    });
  await run(first);
  await run(then);
  const truth = options.files.map((f) => f.person);
  return {
    rows: summarise(perturbations, truth, known),
    // NaN when --only left out the clean or the mirrored row.
    flipAgreementKnown: flipAgreement(known.get('clean') ?? [], known.get('mirror') ?? []),
    flipAgreementStrangers: strangers.length ? flipAgreement(unknown.get('clean')!, unknown.get('mirror')!) : null,
    strangers: strangers.length,
  };
}
