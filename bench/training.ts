/**
 * Training section: the time to build the feature cache (cold, empty database) and the time
 * of each of the five presets once the cache exists (warm), on a per-person subset of the
 * 17-celebrity dataset (the synthetic tiny dataset when ../shared is absent). Baseline in the
 * same run: the same preset cold vs warm, and tfjs-wasm's epoch against the native one.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { percent } from '../src/base/format.js';
import { importDataset } from '../src/engine/dataset/import.js';
import { parseSplitRatios } from '../src/engine/dataset/split.js';
import { EmbedderPool } from '../src/engine/extract/pool.js';
import { TrainingService } from '../src/engine/train/training-service.js';
import { describePreset, PRESET_IDS, PRESETS, type PresetId } from '../src/engine/train/presets.js';
import type { TrainingOutcome } from '../src/engine/train/progress.js';
import { getRun, openDatabase, type Database } from '../src/store/index.js';
import { CpuMeter } from './cpu.js';
import { table } from './report.js';
import { GALLERY_SHAPE, measureEpochs } from './head-math.js';
import { median, round } from './stats.js';
import type { Section, SectionContext } from './section.js';

/** Photos per person taken from the dataset: enough for a real split, small enough for minutes. */
const PER_PERSON = 20;

interface PresetTiming {
  preset: PresetId;
  description: string;
  seconds: number;
  epochs: number;
  epochMedianMs: number;
  testTop1: number | null;
  featuresComputed: number;
}

/** `<tmp>/people/<Name>/*` as symlinks to the first PER_PERSON photos of each person. */
function subset(datasetDir: string, tmp: string): string {
  const out = path.join(tmp, 'people');
  for (const person of readdirSync(datasetDir)
    .filter((p) => statSync(path.join(datasetDir, p)).isDirectory())
    .sort()) {
    mkdirSync(path.join(out, person), { recursive: true });
    for (const f of readdirSync(path.join(datasetDir, person)).sort().slice(0, PER_PERSON)) {
      symlinkSync(path.join(datasetDir, person, f), path.join(out, person, f));
    }
  }
  return out;
}

async function runPreset(service: TrainingService, db: Database, preset: PresetId): Promise<PresetTiming> {
  service.start(preset);
  const outcome = (await service.wait()) as TrainingOutcome;
  if (outcome.status !== 'done') throw new Error(`preset ${preset} ${outcome.status}: ${outcome.error ?? ''}`);
  const run = getRun(db, outcome.runId)!;
  return {
    preset,
    description: describePreset(PRESETS[preset]),
    seconds: round(outcome.seconds, 1),
    epochs: run.history.length,
    epochMedianMs: round(median(run.history.map((e) => e.seconds * 1000)), 1),
    testTop1: outcome.testAccuracy ?? null,
    featuresComputed: outcome.features?.computed ?? 0,
  };
}

export const trainingSection: Section = {
  name: 'training',
  description: `feature-cache build time, an fc1 epoch at gallery scale (native vs tfjs-wasm) and the six presets' times, ${PER_PERSON} photos per person`,
  async run(ctx: SectionContext) {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'celeb-bench-train-'));
    const shared = ctx.options.dataset ?? path.resolve(ctx.root, '..', 'shared', 'datasets', 'celebrity-faces-17');
    let source: string;
    try {
      source = subset(shared, tmp);
    } catch {
      const { makeTinyDataset } = await import('../test/helpers/tiny-dataset.js');
      source = (await makeTinyDataset(tmp)).dir;
    }
    const config = loadConfig({ CELEB_DATA_DIR: tmp, CELEB_MODEL_DIR: path.join(tmp, 'models'), CELEB_BACKEND: 'wasm' }, os.availableParallelism());
    const db = openDatabase(config.dbPath);
    const cpu = new CpuMeter();
    try {
      ctx.log('training: one fc1 epoch at gallery scale, native against JavaScript products and tfjs-wasm');
      const rssBefore = process.memoryUsage().rss;
      const epochs = await measureEpochs();
      const headMathRssMb = round((process.memoryUsage().rss - rssBefore) / 2 ** 20, 0);
      ctx.log(`training: importing ${source}`);
      const pool = await EmbedderPool.start({ backend: 'wasm', workers: config.workers });
      const imported = await importDataset({
        source,
        out: path.join(tmp, 'face_data'),
        ratios: parseSplitRatios('70,15,15'),
        seed: 42,
        pool,
        db,
        backbone: 'faceres',
      });
      await pool.close();
      const service = new TrainingService({ db, dbPath: config.dbPath, modelDir: config.modelDir, dataDir: tmp, backend: 'wasm', workers: config.workers });
      cpu.mark('cold');
      ctx.log('training: preset 5 with an empty feature cache (clean + 8 augmented + 2 paired views per training photo)');
      const cold = await runPreset(service, db, 5);
      cpu.mark('warm');
      const warm: PresetTiming[] = [];
      for (const preset of PRESET_IDS) {
        ctx.log(`training: preset ${preset} with the cache filled`);
        warm.push(await runPreset(service, db, preset));
      }
      const warm5 = warm.find((w) => w.preset === 5)!;
      const json = {
        source,
        images: imported.counts,
        people: imported.people,
        perPerson: PER_PERSON,
        workers: config.workers,
        cold,
        warm,
        cpu: cpu.stop(),
        coldOverWarmPreset5: round(cold.seconds / warm5.seconds, 1),
        galleryEpoch: { shape: GALLERY_SHAPE, timings: epochs, rssGrowthMb: headMathRssMb },
      };
      const native = epochs.find((e) => e.implementation === 'onnx')!;
      const markdown = [
        `## Training benchmark, ${ctx.startedAt.toISOString().slice(0, 10)}`,
        '',
        `Dataset: ${imported.people} people x ${PER_PERSON} photos (${imported.counts.train} train / ${imported.counts.val} val / ${imported.counts.test} test), faceres on wasm, ${config.workers} extraction workers.`,
        '',
        `Feature cache from empty (preset 5, which also needs paired views): **${cold.seconds} s** in all, ${cold.featuresComputed} backbone passes ` +
          `(${round(cold.featuresComputed / cold.seconds, 1)} views/s). The same preset with the cache filled: ${warm5.seconds} s ` +
          `(**${json.coldOverWarmPreset5}x** faster, 0 backbone passes).`,
        '',
        `One fc1 epoch at gallery scale (${GALLERY_SHAPE.photos.toLocaleString('en-US')} photos, ${GALLERY_SHAPE.dim} -> ${GALLERY_SHAPE.people.toLocaleString('en-US')}, batch ${GALLERY_SHAPE.batch}; RSS grew ${headMathRssMb} MB):`,
        '',
        table(
          ['implementation', 'seconds per epoch', 'against native', 'measured as'],
          epochs.map((e) => [e.implementation, String(e.epochSeconds), `${round(e.epochSeconds / native.epochSeconds, 1)}x`, e.basis]),
        ),
        '',
        table(
          ['preset', 'what', 'seconds (warm cache)', 'epochs', 'median ms/epoch', 'test top-1'],
          warm.map((w) => [String(w.preset), w.description, String(w.seconds), String(w.epochs), String(w.epochMedianMs), percent(w.testTop1)]),
        ),
      ].join('\n');
      return { name: 'training', json, markdown };
    } finally {
      db.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
