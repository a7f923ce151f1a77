/**
 * Training preset 6: a head that starts from what the gallery knows. The prototypes become the
 * class weights of a cosine classifier ("imprinted weights", Qi et al., CVPR 2018), optionally in
 * a whitened embedding space shared by all people (WCCN, closed form, its strength chosen on the
 * validation photos), then fine-tuned with a learned scale and a CosFace margin, keeping the
 * epoch with the lowest validation loss (epoch 0 = the imprinted prototypes). The chosen
 * settings are then refitted on train + val photos, as a gallery's prototypes use every photo.
 * The result is a centroid head: answering stays a ranking of cosines. Pure computation.
 */
import { CentroidHead } from '../../heads/centroid.js';
import { MIN_TEMPERATURE } from '../../heads/head.js';
import { fitTemperature, nll, topKAccuracy } from '../../heads/metrics.js';
import { prototypeWithTwins } from '../../heads/prototype.js';
import { similarityScale, type SimilarityScale } from '../../model/similarity.js';
import type { FeatureBank, LabelledFeature } from '../feature-bank.js';
import { createMatMul, matrix, type MatMul, type MatMulKind } from '../native/matmul.js';
import { stack } from '../schedule.js';
import { fineTuneCosine, type CosineBank, type CosineEpoch, type CosineResult } from './cosine-trainer.js';
import { symmetricEigen, type SymmetricEigen } from './eigen.js';
import { projectRows, whiteningMatrix, withinClassCovariance } from './wccn.js';

export interface ImprintConfig {
  epochs: number;
  learningRate: number;
  batchSize: number;
  seed: number;
  /** CosFace margin while fine-tuning. */
  margin: number;
  /** Try WCCN whitening at these strengths (regulariser / mean eigenvalue) besides none; empty: prototypes' own space. */
  whitening: readonly number[];
}

/** Strengths tried by default: from a light touch (4) to strong whitening (1/16). */
export const WHITENING_STRENGTHS: readonly number[] = [4, 1, 0.25, 0.0625];

export interface StrengthTrial {
  /** null: no whitening. */
  strength: number | null;
  valAccuracy: number;
  valLoss: number;
}

export interface ImprintHooks {
  onEpoch?: (e: CosineEpoch) => void;
  onStage?: (stage: 'whitening' | 'refit', done: number, total: number) => void;
  shouldStop?: () => boolean;
  matmul?: MatMulKind;
}

export interface ImprintResult {
  /** The model's head: refitted on train + val, with the chosen projection. */
  head: CentroidHead;
  strength: number | null;
  trials: StrengthTrial[];
  /** The fine-tune measured on validation (train photos only). */
  fineTune: CosineResult;
  /** Cosine -> "% similar", from the validation photos against the train-only head. */
  similarity: SimilarityScale;
  temperature: number;
  stopped: boolean;
}

/** Every view a training photo may show in an epoch: clean, augmented, degraded, its twin. */
const poolOf = (b: FeatureBank['train'][number]): Float32Array[] => [b.clean, ...b.views, ...(b.degraded ?? []), ...(b.twin ? [b.twin] : [])];

/** Each class's prototype (heads/prototype.ts) of its projected photos and twins, as rows of [classes x dim]. */
function imprint(classes: number, dim: number, photos: readonly { label: number; row: Float32Array; twin: Float32Array | null }[]): Float32Array {
  const byClass = Array.from({ length: classes }, () => [] as { embedding: Float32Array; twin: Float32Array | null }[]);
  for (const { label, row, twin } of photos) byClass[label].push({ embedding: row, twin });
  const out = new Float32Array(classes * dim);
  byClass.forEach((members, c) => out.set(prototypeWithTwins(members) ?? new Float32Array(dim), c * dim));
  return out;
}

async function projectAll(mm: MatMul, rows: readonly Float32Array[], dim: number, projection: Float32Array | null): Promise<Float32Array[]> {
  if (rows.length === 0) return [];
  const out = await projectRows(mm, stack(rows), dim, projection);
  return rows.map((_, i) => out.subarray(i * dim, (i + 1) * dim));
}

/** Photos (train or val) projected, with twins, for imprinting. */
async function projectedPhotos(
  mm: MatMul,
  photos: readonly (LabelledFeature & { twin?: Float32Array | null })[],
  dim: number,
  projection: Float32Array | null,
) {
  const rows = await projectAll(
    mm,
    photos.map((p) => p.embedding),
    dim,
    projection,
  );
  const withTwins = photos.filter((p) => p.twin);
  const twins = await projectAll(
    mm,
    withTwins.map((p) => p.twin!),
    dim,
    projection,
  );
  const twinOf = new Map(withTwins.map((p, i) => [p, twins[i]]));
  return photos.map((p, i) => ({ label: p.label, row: rows[i], twin: twinOf.get(p) ?? null }));
}

const trainPhotos = (bank: FeatureBank) => bank.train.map((b) => ({ person: b.person, label: b.label, embedding: b.clean, twin: b.twin ?? null }));

export async function trainImprinted(bank: FeatureBank, config: ImprintConfig, hooks: ImprintHooks = {}): Promise<ImprintResult> {
  const dim = bank.train[0].clean.length;
  const classes = bank.labels.length;
  const mm = createMatMul(hooks.matmul ?? 'onnx');
  try {
    const val = bank.val.length > 0 ? bank.val : trainPhotos(bank);
    const strengths = [null, ...config.whitening];
    let eigen: SymmetricEigen | null = null;
    if (config.whitening.length > 0) {
      try {
        eigen = await covarianceEigen(mm, bank, dim, classes, () => {
          if (hooks.shouldStop?.()) throw new Stopped();
        });
      } catch (error) {
        if (error instanceof Stopped) return stoppedResult();
        throw error;
      }
    }
    // 1. The shared space: each strength's imprinted prototypes scored on the validation photos.
    const trials: (StrengthTrial & { projection: Float32Array | null; prototypes: Float32Array; temperature: number })[] = [];
    for (const [i, strength] of strengths.entries()) {
      if (hooks.shouldStop?.()) return stoppedResult();
      hooks.onStage?.('whitening', i, strengths.length);
      const projection = strength === null || !eigen ? null : await whiteningMatrix(mm, eigen, strength);
      const prototypes = imprint(classes, dim, await projectedPhotos(mm, trainPhotos(bank), dim, projection));
      const queries = await projectedPhotos(mm, val, dim, projection);
      const scored = await cosineRows(mm, prototypes, queries, dim);
      const temperature = fitTemperature(scored, MIN_TEMPERATURE.cosine);
      trials.push({ strength, valAccuracy: topKAccuracy(scored, 1), valLoss: nll(scored, temperature), projection, prototypes, temperature });
    }
    const chosen = trials.reduce((a, b) => (b.valAccuracy > a.valAccuracy || (b.valAccuracy === a.valAccuracy && b.valLoss < a.valLoss) ? b : a));

    // 2. Fine-tune the class weights from the imprinted prototypes, checkpointed on validation.
    const cosineBank: CosineBank = {
      classes,
      dim,
      train: await Promise.all(bank.train.map(async (b) => ({ label: b.label, pool: await projectAll(mm, poolOf(b), dim, chosen.projection) }))),
      val: (await projectedPhotos(mm, val, dim, chosen.projection)).map((q) => ({ label: q.label, embedding: q.row })),
    };
    const settings = { epochs: config.epochs, learningRate: config.learningRate, batchSize: config.batchSize, seed: config.seed, margin: config.margin };
    const initialScale = 1 / chosen.temperature;
    const fineTune = await fineTuneCosine(mm, cosineBank, chosen.prototypes, initialScale, settings, hooks);
    if (fineTune.stopped) return stoppedResult(fineTune);

    // 3. Similarity scale and temperature from validation against the train-only head.
    const scored = await cosineRows(
      mm,
      fineTune.weights,
      cosineBank.val.map((q) => ({ label: q.label, row: q.embedding, twin: null })),
      dim,
    );
    const similarity = similarityScale(
      scored.flatMap((s) => [...s.scores].filter((_, j) => j !== s.label)),
      scored.map((s) => s.scores[s.label]),
    );
    const temperature = fitTemperature(scored, MIN_TEMPERATURE.cosine);

    // 4. Refit on train + val with the chosen space and epoch count.
    hooks.onStage?.('refit', 0, 1);
    const everyone = [...trainPhotos(bank), ...bank.val.map((v) => ({ ...v, twin: v.twin ?? null }))];
    let weights = imprint(classes, dim, await projectedPhotos(mm, everyone, dim, chosen.projection));
    if (fineTune.bestEpoch > 0) {
      const valPools = await Promise.all(
        bank.val.map(async (v) => ({ label: v.label, pool: await projectAll(mm, [v.embedding, ...(v.twin ? [v.twin] : [])], dim, chosen.projection) })),
      );
      const refit = await fineTuneCosine(
        mm,
        { ...cosineBank, train: [...cosineBank.train, ...valPools], val: [] },
        weights,
        initialScale,
        { ...settings, epochs: fineTune.bestEpoch },
        { shouldStop: hooks.shouldStop },
      );
      if (refit.stopped) return stoppedResult(fineTune);
      weights = refit.weights;
    }
    const head = new CentroidHead(
      bank.labels,
      bank.labels.map((_, c) => weights.slice(c * dim, (c + 1) * dim)),
      new Float32Array(classes),
      chosen.projection,
    );
    return {
      head,
      strength: chosen.strength,
      trials: trials.map(({ strength, valAccuracy, valLoss }) => ({ strength, valAccuracy, valLoss })),
      fineTune,
      similarity,
      temperature,
      stopped: false,
    };

    function stoppedResult(partial?: CosineResult): ImprintResult {
      const empty: CosineResult = {
        weights: new Float32Array(0),
        scale: 1,
        bestEpoch: 0,
        bestValLoss: NaN,
        start: { valLoss: NaN, valAccuracy: NaN },
        history: [],
        stopped: true,
      };
      return {
        head: new CentroidHead([], []),
        strength: null,
        trials: [],
        fineTune: partial ?? empty,
        similarity: { anchors: [] },
        temperature: 1,
        stopped: true,
      };
    }
  } finally {
    await mm.dispose();
  }
}

/** Thrown by a checkpoint to abandon the eigen-decomposition when the run is stopped. */
class Stopped extends Error {}

async function covarianceEigen(mm: MatMul, bank: FeatureBank, dim: number, classes: number, checkpoint: () => void) {
  // Photos and their twins: the within-class spread includes what a small face does.
  const rows = bank.train.flatMap((b) => [{ label: b.label, v: b.clean }, ...(b.twin ? [{ label: b.label, v: b.twin }] : [])]);
  const covariance = await withinClassCovariance(mm, { features: stack(rows.map((r) => r.v)), labels: Int32Array.from(rows, (r) => r.label), dim }, classes);
  return symmetricEigen(covariance, dim, checkpoint);
}

/** Cosines of queries with every prototype, as scored rows (the calibration code's input). */
async function cosineRows(mm: MatMul, prototypes: Float32Array, queries: readonly { label: number; row: Float32Array }[], dim: number) {
  const classes = prototypes.length / dim;
  const out: { scores: Float32Array; label: number }[] = [];
  for (let from = 0; from < queries.length; from += 1024) {
    const chunk = queries.slice(from, from + 1024);
    const cos = await mm.product(matrix(stack(chunk.map((q) => q.row)), chunk.length, dim), matrix(prototypes, classes, dim), false, true);
    chunk.forEach((q, i) => out.push({ scores: cos.data.slice(i * classes, (i + 1) * classes), label: q.label }));
  }
  return out;
}
