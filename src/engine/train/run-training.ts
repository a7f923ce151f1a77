/**
 * One training run from start to finish, in the training worker: feature bank, head
 * training, test evaluation and calibration, the model directory (atomic), the database
 * rows, and promotion. The run row already exists (the job created it, so the caller got
 * its id at once).
 */
import path from 'node:path';
import { cancelRun, failRun, finishRun, interruptRun, markRunning, recordEpoch, saveResult, type Database } from '../../store/index.js';
import type { EmbedderPool } from '../extract/pool.js';
import { evaluateScores, calibrationReport, scoreSamples } from '../heads/evaluate.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelManifest } from '../model/manifest.js';
import { writeModelDir } from '../model/model-dir.js';
import { referenceThumbnails, thumbnailPath } from '../dataset/build-index.js';
import { CentroidHead } from '../heads/centroid.js';
import { buildFeatureBank, type FeatureBank } from './feature-bank.js';
import { trainDenseModel } from './dense-run.js';
import { trainImprintedModel } from './imprint-run.js';
import type { HeadTrainingHooks, TrainedModel } from './trained-model.js';
import type { RunConfig } from './presets.js';
import { estimateEta, phaseEta, type TrainingOutcome, type TrainingProgress } from './progress.js';
import { promoteIfBetter } from './promotion.js';
import { CelebError } from '../../base/errors.js';
import { recordGallery } from '../gallery/leaderboard-row.js';

export interface RunContext {
  runId: number;
  config: RunConfig;
  db: Database;
  pool: EmbedderPool;
  backend: string;
  /** `<modelDir>/default` is the promotion baseline. */
  modelDir: string;
  /** Where run models go: `<runsDir>/run-<id>`. Default `<modelDir>/runs`. */
  runsDir?: string;
  onProgress: (progress: TrainingProgress) => void;
  shouldStop: () => boolean;
  /** True when the stop is a shutdown: the run then ends as interrupted, not cancelled. */
  interrupted?: () => boolean;
}

export class RunCancelled extends CelebError {
  override name = 'RunCancelled';
  constructor(message = 'The run was cancelled.') {
    super('cancelled', message);
  }
}

/** One reference thumbnail per person, chosen as in `celeb index`: the photo nearest the person's mean face. */
async function thumbnails(bank: FeatureBank): Promise<Record<string, Uint8Array>> {
  const samples = bank.train.map((b) => ({ person: b.person, embedding: b.clean, file: b.file, box: b.box }));
  const jpegs = await referenceThumbnails(CentroidHead.fit(samples), samples);
  return Object.fromEntries(Object.entries(jpegs).map(([person, jpeg]) => [thumbnailPath(person), jpeg]));
}

function manifestFor(
  ctx: RunContext,
  bank: FeatureBank,
  trained: TrainedModel,
  metrics: ModelManifest['metrics'],
  thumbs: Record<string, string>,
): ModelManifest {
  const perPerson: ModelManifest['data']['perPerson'] = {};
  const count = (split: 'train' | 'val' | 'test', person: string) => (perPerson[person] ??= { train: 0, val: 0, test: 0 })[split]++;
  bank.train.forEach((s) => count('train', s.person));
  bank.val.forEach((s) => count('val', s.person));
  bank.test.forEach((s) => count('test', s.person));
  const source = path.relative(process.cwd(), ctx.config.data) || '.';
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    created: new Date().toISOString(),
    backbone: ctx.config.backbone,
    dim: bank.train[0].clean.length,
    head: { ...trained.manifestHead, config: { ...trained.manifestHead.config, data: source, ...(trained.notes ? { notes: trained.notes } : {}) } },
    labels: bank.labels,
    temperature: trained.temperature,
    thumbnails: thumbs,
    data: { source, images: { train: bank.train.length, val: bank.val.length, test: bank.test.length }, perPerson, testSplit: bank.testSplit },
    metrics,
    ...(trained.similarity ? { similarity: trained.similarity } : {}),
    run: { id: ctx.runId, preset: ctx.config.preset },
  };
}

export async function runTraining(ctx: RunContext): Promise<TrainingOutcome> {
  const started = Date.now();
  const { runId, config, db } = ctx;
  const base = { runId, preset: config.preset, backend: ctx.backend };
  const seconds = () => (Date.now() - started) / 1000;
  try {
    markRunning(db, runId, ctx.backend);
    let phaseClock = { phase: '', at: Date.now(), done: 0 };
    const bank = await buildFeatureBank({
      data: config.data,
      pool: ctx.pool,
      db,
      backbone: config.backbone,
      augment: config.augment,
      samplePairing: config.samplePairing,
      assumeCrop: config.assumeCrop,
      // Prototypes are imprinted with the small-face twins, as the gallery's are.
      twins: config.init === 'prototypes',
      degrade: config.augment.degrade,
      // Between photos, so a cancel takes effect within about one photo's embedding in every phase.
      checkpoint: () => {
        if (ctx.shouldStop()) throw new RunCancelled();
      },
      onProgress: (p) => {
        if (p.phase !== phaseClock.phase) phaseClock = { phase: p.phase, at: Date.now(), done: p.done };
        ctx.onProgress({ runId, phase: 'extract', step: p.phase, done: p.done, total: p.total, etaSeconds: phaseEta(phaseClock, p.done, p.total) });
      },
    });
    if (ctx.shouldStop()) throw new RunCancelled();
    if (bank.labels.length < 2) throw new Error(`training needs at least two people in ${config.data}/train`);

    const epochSeconds: number[] = [];
    let bestEpoch = 0;
    let bestLoss = Infinity;
    const hooks: HeadTrainingHooks = {
      shouldStop: ctx.shouldStop,
      onEpoch: (e) => {
        epochSeconds.push(e.seconds);
        if (e.valLoss < bestLoss) [bestLoss, bestEpoch] = [e.valLoss, e.epoch];
        recordEpoch(db, runId, { epoch: e.epoch, trainLoss: e.trainLoss, valLoss: e.valLoss, valAccuracy: e.valAccuracy, seconds: e.seconds });
        ctx.onProgress({
          runId,
          phase: 'train',
          epoch: e.epoch,
          epochs: e.epochs,
          trainLoss: e.trainLoss,
          valLoss: e.valLoss,
          valAccuracy: e.valAccuracy,
          bestEpoch,
          samplePairing: e.samplePairing,
          etaSeconds: estimateEta(epochSeconds, e.epochs - e.epoch),
        });
      },
    };
    const trained =
      config.head === 'cosine'
        ? await trainImprintedModel(bank, config, { ...hooks, onStage: (step, done, total) => ctx.onProgress({ runId, phase: 'fit', step, done, total }) })
        : await trainDenseModel(bank, config, hooks);
    if (trained.stopped) {
      trained.head.dispose();
      throw new RunCancelled();
    }

    ctx.onProgress({ runId, phase: 'evaluate' });
    const testScored = await scoreSamples(trained.head, bank.test);
    const test = evaluateScores(bank.labels, testScored);
    const { eceBefore, eceAfter } = calibrationReport(testScored, 1, trained.temperature);
    const temperature = trained.temperature;

    ctx.onProgress({ runId, phase: 'save' });
    const modelPath = path.join(ctx.runsDir ?? path.join(ctx.modelDir, 'runs'), `run-${runId}`);
    const metrics = { testTop1: test.top1, testTop3: test.top3, eceBefore, eceAfter };
    const pictures = await thumbnails(bank);
    const thumbs = Object.fromEntries(bank.labels.filter((p) => pictures[thumbnailPath(p)]).map((p) => [p, thumbnailPath(p)]));
    await writeModelDir(modelPath, manifestFor(ctx, bank, trained, metrics, thumbs), { ...trained.files, ...pictures });
    trained.head.dispose();
    saveResult(db, runId, {
      testTop1: test.top1,
      testTop3: test.top3,
      perPerson: test.perPerson,
      confusion: test.confusion,
      temperature,
      eceBefore,
      eceAfter,
      testSplit: bank.testSplit,
    });
    finishRun(db, runId, { seconds: seconds(), modelPath, bestEpoch: trained.bestEpoch, bestValLoss: trained.bestValLoss });
    const defaultDir = path.join(ctx.modelDir, 'default');
    // The shipped gallery on the leaderboard beside this run (a no-op for a model that is no gallery).
    await recordGallery(db, defaultDir).catch(() => null);
    const promotion = await promoteIfBetter(db, { runId, modelPath, testTop1: test.top1, labels: bank.labels, testSplit: bank.testSplit }, defaultDir);
    return {
      ...base,
      status: 'done',
      testAccuracy: test.top1,
      top3Accuracy: test.top3,
      bestEpoch: trained.bestEpoch,
      valLoss: trained.bestValLoss,
      seconds: seconds(),
      modelPath,
      promoted: promotion.promoted,
      promotion: promotion.reason,
      features: { computed: bank.stats.computed, cached: bank.stats.cached, seconds: bank.stats.seconds },
    };
  } catch (error) {
    if (error instanceof RunCancelled) {
      if (ctx.interrupted?.()) {
        interruptRun(db, runId);
        return { ...base, status: 'interrupted', error: 'interrupted: the program was stopped during the run', seconds: seconds() };
      }
      cancelRun(db, runId);
      return { ...base, status: 'cancelled', seconds: seconds() };
    }
    const message = error instanceof Error ? error.message : String(error);
    failRun(db, runId, message);
    return { ...base, status: 'failed', error: message, seconds: seconds() };
  }
}
