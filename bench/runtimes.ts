/**
 * Runtimes section: tfjs-wasm against onnxruntime in the same process on the same photos,
 * interleaved (photo by photo, round by round) so a busy machine slows both alike, and
 * reported as ratios. Whole photos: onnx runs detection (BlazeFace, FaceMesh) and the backbone
 * on onnxruntime, wasm runs Human's detection and the backbone on tfjs-wasm.
 */
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import type { BackendChoice } from '../src/engine/run-options.js';
import { sampleRecipe } from '../src/engine/augment/recipe.js';
import { FaceEmbedder } from '../src/engine/extract/face-embedder.js';
import { faceFromBytes, type FacePixels } from '../src/engine/image/face-pixels.js';
import { selectBackend } from '../src/engine/runtime/backend.js';
import { EmbedderPool } from '../src/engine/extract/pool.js';
import { rankMatches } from '../src/engine/lookalike.js';
import { dot, seededRandom } from '../src/engine/math.js';
import { loadModel, type LoadedModel } from '../src/engine/model/model-dir.js';
import { CpuMeter } from './cpu.js';
import { describeMachine } from './machine.js';
import { RssSampler } from './memory.js';
import { loadPhotos, type BenchPhoto } from './photos.js';
import { renderRuntimesMarkdown } from './runtimes-report.js';
import { median, round, roundSummary, summarize } from './stats.js';
import type { Pair, RuntimeName, RuntimesResult, ThroughputPair } from './runtimes-types.js';
import type { Section, SectionContext } from './section.js';

const BACKBONE = 'faceres';
const CHOICE: Record<RuntimeName, BackendChoice> = { wasm: 'wasm', onnx: 'onnx' };
const VIEWS_PER_PHOTO = 8;
const FEATURE_BANK_PHOTOS = 20;

/** Both runtimes, in alternating order per item so neither always runs first. */
async function interleaved<T>(items: readonly T[], fn: (runtime: RuntimeName, item: T) => Promise<void>): Promise<void> {
  for (const [i, item] of items.entries()) {
    for (const runtime of i % 2 === 0 ? (['wasm', 'onnx'] as const) : (['onnx', 'wasm'] as const)) await fn(runtime, item);
  }
}

function pair(wasm: number[], onnx: number[]): Pair {
  return { wasm: roundSummary(summarize(wasm)), onnx: roundSummary(summarize(onnx)), ratio: round(median(onnx) / median(wasm), 3) };
}

interface Sample {
  decodeMs: number;
  detectMs: number;
  embedMs: number;
  totalMs: number;
  faces: number;
  embedding?: Float32Array;
}

async function answer(embedder: FaceEmbedder, model: LoadedModel, photo: BenchPhoto): Promise<Sample> {
  const t0 = performance.now();
  const r = await embedder.embedImage(photo.bytes, { maxFaces: 3 });
  if (r.faces.length)
    (await model.head.scores(r.faces.map((f) => f.embedding))).forEach((row) => rankMatches(row, model.head.labels, model.manifest.temperature, 3));
  return { ...r.timings, totalMs: performance.now() - t0, faces: r.detectedFaces, embedding: r.faces[0]?.embedding };
}

/** Runs `rounds` rounds per runtime, alternating, with pools of `workers` workers; returns per-round rates. */
async function throughputPair(workers: number, rounds: number, units: number, round1: (pool: EmbedderPool) => Promise<unknown>): Promise<ThroughputPair> {
  const pools = {
    wasm: await EmbedderPool.start({ workers, backend: 'wasm', backbone: BACKBONE, maxQueue: 1024 }),
    onnx: await EmbedderPool.start({ workers, backend: 'onnx', backbone: BACKBONE, maxQueue: 1024 }),
  };
  const rates: Record<RuntimeName, number[]> = { wasm: [], onnx: [] };
  try {
    await interleaved(
      Array.from({ length: rounds + 1 }, (_, i) => i),
      async (runtime, i) => {
        const t0 = performance.now();
        await round1(pools[runtime]);
        if (i > 0) rates[runtime].push(round((units * 1000) / (performance.now() - t0))); // round 0 warms up
      },
    );
  } finally {
    await Promise.all([pools.wasm.close(), pools.onnx.close()]);
  }
  const [wasm, onnx] = [median(rates.wasm), median(rates.onnx)];
  return { workers, photos: 0, wasmRounds: rates.wasm, onnxRounds: rates.onnx, wasm: round(wasm), onnx: round(onnx), speedup: round(onnx / wasm, 2) };
}

async function runRuntimes(ctx: SectionContext): Promise<RuntimesResult> {
  const { options, log } = ctx;
  const t0 = performance.now();
  const sampler = new RssSampler(50).start();
  const cpu = new CpuMeter();
  const set = await loadPhotos(ctx.root, options.photos + options.warmup, options.dataset);
  const warm = set.photos.slice(0, options.warmup);
  const photos = set.photos.slice(options.warmup);
  // The 17-celebrity model on plain faceres: the pipeline this section has measured since issue 8 (the gallery's costs: gallery.ts).
  const model = await loadModel(path.join(ctx.root, 'model', 'celebrity-17'));

  sampler.mark('in-process');
  cpu.mark('in-process');
  const startupMs = { wasm: 0, onnx: 0 };
  const embedders = {} as Record<RuntimeName, FaceEmbedder>;
  for (const runtime of ['wasm', 'onnx'] as const) {
    const s0 = performance.now();
    embedders[runtime] = await FaceEmbedder.create({ backbone: BACKBONE, backend: CHOICE[runtime] });
    startupMs[runtime] = round(performance.now() - s0);
  }
  log(`runtimes: in-process, ${photos.length} photos, alternating wasm / onnx (onnxruntime ${embedders.onnx.runtime.onnxruntime})`);
  await interleaved(warm, async (runtime, photo) => void (await answer(embedders[runtime], model, photo)));
  const samples: Record<RuntimeName, Sample[]> = { wasm: [], onnx: [] };
  await interleaved(photos, async (runtime, photo) => void samples[runtime].push(await answer(embedders[runtime], model, photo)));

  // Only photos where both runtimes found exactly one face (the ONNX detector matches Human's, see test/onnx-detector.test.ts).
  const one = samples.wasm.map((w, i) => [w, samples.onnx[i]] as const).filter(([w, o]) => w.faces === 1 && o.faces === 1);
  const stage = (f: (s: Sample) => number) =>
    pair(
      one.map(([w]) => f(w)),
      one.map(([, o]) => f(o)),
    );
  const agreement = Math.min(...one.map(([w, o]) => dot(w.embedding!, o.embedding!)));
  const wall = (s: Sample[]) => round((s.length * 1000) / s.reduce((sum, x) => sum + x.totalMs, 0));

  log('runtimes: backbone alone on the same aligned crops');
  const crops: FacePixels[] = [];
  for (const p of photos.slice(0, 30)) {
    const crop = await firstCrop(embedders.wasm, p);
    if (crop) crops.push(crop);
  }
  const backboneMs: Record<RuntimeName, number[]> = { wasm: [], onnx: [] };
  await interleaved(crops, async (runtime, crop) => {
    const b0 = performance.now();
    await embedders[runtime].backbone.embed([crop]);
    backboneMs[runtime].push(performance.now() - b0);
  });
  const machine = await describeMachine(await selectBackend('wasm'), ctx.startedAt, os.loadavg());
  const onnxruntime = embedders.onnx.runtime.onnxruntime;
  embedders.wasm.dispose();
  embedders.onnx.dispose();

  const throughput: ThroughputPair[] = [];
  for (const workers of [1, 2]) {
    sampler.mark(`pools-${workers}`);
    cpu.mark(`pools-${workers}`);
    log(`runtimes: throughput, ${workers} worker(s) per runtime`);
    const t = await throughputPair(workers, options.rounds, photos.length, (pool) => Promise.all(photos.map((p) => pool.embed(p.bytes, { maxFaces: 3 }))));
    throughput.push({ ...t, photos: photos.length });
  }
  sampler.mark('feature-bank');
  cpu.mark('feature-bank');
  log('runtimes: feature bank views, 2 workers');
  const bankPhotos = photos.slice(0, FEATURE_BANK_PHOTOS);
  const random = seededRandom(42);
  const recipes = bankPhotos.map(() => Array.from({ length: VIEWS_PER_PHOTO }, () => sampleRecipe(random)));
  const views = bankPhotos.length * (VIEWS_PER_PHOTO + 1);
  const bank = await throughputPair(2, options.rounds, views, (pool) =>
    Promise.all(bankPhotos.map((p, i) => pool.embed(p.bytes, { maxFaces: 1, views: recipes[i] }))),
  );

  return {
    section: 'runtimes',
    formatVersion: 1,
    machine,
    onnxruntime,
    source: { description: set.description, photos: photos.length },
    backbone: { ...pair(backboneMs.wasm, backboneMs.onnx), crops: crops.length },
    endToEnd: {
      oneFacePhotos: one.length,
      decode: stage((s) => s.decodeMs),
      detect: stage((s) => s.detectMs),
      embed: stage((s) => s.embedMs),
      total: stage((s) => s.totalMs),
      throughputImagesPerSec: { wasm: wall(samples.wasm), onnx: wall(samples.onnx) },
    },
    agreementMinCosine: round(agreement, 6),
    startupMs,
    throughput,
    featureBank: { ...bank, photos: bankPhotos.length, viewsPerPhoto: VIEWS_PER_PHOTO },
    memory: sampler.stop(),
    cpu: cpu.stop(),
    quietBeforeStart: ctx.quiet,
    durationMs: round(performance.now() - t0),
  };
}

/** The largest face's aligned crop of a photo, detected once (wasm), for the backbone-only comparison. */
async function firstCrop(embedder: FaceEmbedder, photo: BenchPhoto): Promise<FacePixels | null> {
  const r = await embedder.embedImage(photo.bytes, { maxFaces: 0, returnCrop: true });
  if (!r.crop) return null;
  const size = embedder.backbone.spec.inputSize;
  return faceFromBytes(r.crop, size, size);
}

export const runtimesSection: Section = {
  name: 'runtimes',
  description: 'tfjs-wasm vs onnxruntime, interleaved on the same photos: backbone, end to end by stage, 1/2-worker throughput, feature bank',
  async run(ctx) {
    const result = await runRuntimes(ctx);
    return { name: 'runtimes', json: result, markdown: renderRuntimesMarkdown(result) };
  },
};
