/**
 * Engine section: per-photo latency by stage (in-process baseline, through LookalikeEngine with
 * 1 worker, with 2 workers under concurrent load), extraction throughput for 1 and 2 workers,
 * a group photo, peak RSS and the main thread's tfjs tensor count.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { FaceEmbedder } from '../src/engine/extract/face-embedder.js';
import { selectBackend } from '../src/engine/runtime/backend.js';
import { EmbedderPool } from '../src/engine/extract/pool.js';
import { LookalikeEngine, rankMatches, type Prediction } from '../src/engine/lookalike.js';
import { loadModel, type LoadedModel } from '../src/engine/model/model-dir.js';
import { CpuMeter } from './cpu.js';
import { describeMachine } from './machine.js';
import { RssSampler } from './memory.js';
import { loadGroupPhoto, loadPhotos, type BenchPhoto } from './photos.js';
import { renderEngineMarkdown } from './engine-report.js';
import { median, round, roundSummary, summarize } from './stats.js';
import type { EngineResult, GroupResult, LatencyRun, Sample, StageSummaries, ThroughputResult } from './engine-types.js';
import type { Section, SectionContext } from './section.js';

const BACKBONE = 'faceres';
const MAX_FACES = 3;
const TOP = 3;
const GROUP_RUNS = 5;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** Runs `fn` over `items` with at most `lanes` in flight (a closed loop: each lane starts its next photo when one finishes). */
async function closedLoop<T, R>(items: readonly T[], lanes: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
  return results;
}

function stageSummaries(samples: readonly Sample[]): StageSummaries {
  const pick = (f: (s: Sample) => number) => roundSummary(summarize(samples.map(f)));
  return {
    decode: pick((s) => s.decodeMs),
    detect: pick((s) => s.detectMs),
    embed: pick((s) => s.embedMs),
    head: pick((s) => s.headMs),
    other: pick((s) => s.totalMs - s.decodeMs - s.detectMs - s.embedMs - s.headMs),
    total: pick((s) => s.totalMs),
  };
}

type Measure = (photo: BenchPhoto) => Promise<Sample | { photo: string; error: string }>;

async function latencyRun(mode: LatencyRun['mode'], description: string, photos: readonly BenchPhoto[], lanes: number, measure: Measure): Promise<LatencyRun> {
  const t0 = performance.now();
  const results = await closedLoop(photos, lanes, measure);
  const wallMs = performance.now() - t0;
  const samples = results.filter((r): r is Sample => 'totalMs' in r);
  const failures = results.filter((r): r is { photo: string; error: string } => 'error' in r);
  const oneFace = samples.filter((s) => s.detectedFaces === 1);
  return {
    mode,
    description,
    concurrency: lanes,
    photos: photos.length,
    oneFacePhotos: oneFace.length,
    multiFacePhotos: samples.filter((s) => s.detectedFaces > 1).map((s) => `${s.photo} (${s.detectedFaces})`),
    failures,
    wallMs: round(wallMs),
    imagesPerSec: round((samples.length * 1000) / wallMs),
    stages: stageSummaries(oneFace),
    samples: samples.map((x) => ({
      ...x,
      decodeMs: round(x.decodeMs),
      detectMs: round(x.detectMs),
      embedMs: round(x.embedMs),
      headMs: round(x.headMs),
      totalMs: round(x.totalMs),
    })),
  };
}

function inProcessMeasure(embedder: FaceEmbedder, model: LoadedModel, timeoutMs: number): Measure {
  return async (photo) => {
    const t0 = performance.now();
    try {
      const r = await withTimeout(embedder.embedImage(photo.bytes, { maxFaces: MAX_FACES }), timeoutMs, photo.name);
      const h0 = performance.now();
      if (r.faces.length > 0) {
        const scores = await model.head.scores(r.faces.map((f) => f.embedding));
        const top = Math.min(TOP, model.manifest.labels.length);
        scores.forEach((row) => rankMatches(row, model.head.labels, model.manifest.temperature, top));
      }
      const t1 = performance.now();
      return { photo: photo.name, detectedFaces: r.detectedFaces, ...r.timings, headMs: t1 - h0, totalMs: t1 - t0 };
    } catch (e) {
      return { photo: photo.name, error: errorText(e) };
    }
  };
}

function engineMeasure(engine: LookalikeEngine, timeoutMs: number): Measure {
  return async (photo) => {
    const t0 = performance.now();
    try {
      const p: Prediction = await withTimeout(engine.which(photo.bytes, { top: TOP, maxFaces: MAX_FACES }), timeoutMs, photo.name);
      return { photo: photo.name, detectedFaces: p.detectedFaces, ...p.timings, totalMs: performance.now() - t0 };
    } catch (e) {
      return { photo: photo.name, error: errorText(e) };
    }
  };
}

/** All photos submitted at once; wall-clock from first submission to last answer. */
async function throughputRound(pool: EmbedderPool, photos: readonly BenchPhoto[], timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  const all = Promise.all(photos.map((p) => pool.embed(p.bytes, { maxFaces: MAX_FACES })));
  await withTimeout(all, timeoutMs * Math.max(1, photos.length), 'throughput round');
  return performance.now() - t0;
}

async function startEngine(workers: number, modelDir: string, photos: number): Promise<{ pool: EmbedderPool; engine: LookalikeEngine; startupMs: number }> {
  const t0 = performance.now();
  const pool = await withTimeout(EmbedderPool.start({ workers, backend: 'wasm', backbone: BACKBONE, maxQueue: photos + 16 }), 120_000, 'pool start');
  const startupMs = performance.now() - t0;
  const engine = await LookalikeEngine.open(modelDir, { pool });
  if (engine.model.manifest.backbone !== BACKBONE) throw new Error(`model uses ${engine.model.manifest.backbone}, bench embeds with ${BACKBONE}`);
  return { pool, engine, startupMs };
}

async function stopEngine(pool: EmbedderPool, engine: LookalikeEngine): Promise<void> {
  await engine.close(); // the pool was given, so this only disposes the head
  await withTimeout(pool.close(), 15_000, 'pool close').catch(() => undefined); // run.ts exits explicitly even if a worker lingers
}

async function groupRuns(photo: BenchPhoto, measure: Measure): Promise<{ stages: StageSummaries; detectedFaces: number }> {
  await measure(photo); // warm-up at this input size
  const samples: Sample[] = [];
  for (let i = 0; i < GROUP_RUNS; i++) {
    const r = await measure(photo);
    if ('error' in r) throw new Error(`group photo failed: ${r.error}`);
    samples.push(r);
  }
  return { stages: stageSummaries(samples), detectedFaces: samples[0].detectedFaces };
}

async function runEngine(ctx: SectionContext): Promise<EngineResult> {
  const { options, log } = ctx;
  const loadAverageAtStart = os.loadavg();
  const sampler = new RssSampler(50).start();
  const cpuMeter = new CpuMeter();
  const t0 = performance.now();
  // The 17-celebrity model on plain faceres, as in earlier results; the gallery's costs are in gallery.ts.
  const modelDir = path.join(ctx.root, 'model', 'celebrity-17');
  const set = await loadPhotos(ctx.root, options.photos + options.warmup, options.dataset);
  const warm = set.photos.slice(0, Math.min(options.warmup, Math.max(0, set.photos.length - 1)));
  const photos = set.photos.slice(warm.length);
  const group = await loadGroupPhoto(ctx.root);
  log(`engine: ${set.description}; warm-up ${warm.length}, measured ${photos.length}`);
  const timeout = options.photoTimeoutMs;

  // (a) In-process, single thread: the baseline.
  sampler.mark('in-process');
  cpuMeter.mark('in-process');
  const c0 = performance.now();
  const embedder = await FaceEmbedder.create({ backbone: BACKBONE, backend: 'wasm' });
  const embedderStartupMs = performance.now() - c0;
  const model = await loadModel(modelDir);
  const machine = await describeMachine(await selectBackend('wasm'), ctx.startedAt, loadAverageAtStart);
  const inProc = inProcessMeasure(embedder, model, timeout);
  for (const p of warm) await inProc(p);
  const tensorsBefore = tf.memory().numTensors;
  log('engine: (a) in-process');
  const inProcess = await latencyRun('in-process', 'FaceEmbedder + head in the calling thread, one photo at a time', photos, 1, inProc);
  const groupInProcess = await groupRuns(group, inProc);
  const tensorsAfter = tf.memory().numTensors;
  model.head.dispose();
  embedder.dispose();

  // (b) LookalikeEngine, pool of 1 worker: sequential latency, then throughput.
  sampler.mark('pool-1-worker');
  cpuMeter.mark('pool-1-worker');
  log('engine: (b) 1 worker');
  const one = await startEngine(1, modelDir, photos.length);
  const oneMeasure = engineMeasure(one.engine, timeout);
  const rounds1: number[] = [];
  let engine1: LatencyRun;
  let groupEngine: { stages: StageSummaries; detectedFaces: number };
  try {
    for (const p of warm) await oneMeasure(p);
    engine1 = await latencyRun('engine-1-worker', 'LookalikeEngine.which, pool of 1 worker, one photo at a time', photos, 1, oneMeasure);
    groupEngine = await groupRuns(group, oneMeasure);
    for (let r = 0; r < options.rounds; r++) rounds1.push(await throughputRound(one.pool, photos, timeout));
  } finally {
    await stopEngine(one.pool, one.engine);
  }

  // (c) Pool of 2 workers under concurrent load: 2 requests always in flight, then throughput.
  sampler.mark('pool-2-workers');
  cpuMeter.mark('pool-2-workers');
  log('engine: (c) 2 workers');
  const two = await startEngine(2, modelDir, photos.length);
  const twoMeasure = engineMeasure(two.engine, timeout);
  const rounds2: number[] = [];
  let engine2: LatencyRun;
  try {
    await closedLoop(warm.length >= 2 ? warm : [...warm, ...photos.slice(0, 2)], 2, twoMeasure);
    engine2 = await latencyRun('engine-2-workers-concurrent', 'LookalikeEngine.which, pool of 2 workers, 2 requests always in flight', photos, 2, twoMeasure);
    for (let r = 0; r < options.rounds; r++) rounds2.push(await throughputRound(two.pool, photos, timeout));
  } finally {
    await stopEngine(two.pool, two.engine);
  }
  sampler.mark('end');
  cpuMeter.mark('end');
  const memory = sampler.stop();
  const cpu = cpuMeter.stop();

  const throughput = (workers: number, startupMs: number, rounds: number[]): ThroughputResult => ({
    workers,
    photos: photos.length,
    startupMs: round(startupMs),
    roundsWallMs: rounds.map((v) => round(v)),
    roundsImagesPerSec: rounds.map((v) => round((photos.length * 1000) / v)),
    imagesPerSec: round((photos.length * 1000) / median(rounds)),
  });
  const t1 = throughput(1, one.startupMs, rounds1);
  const t2 = throughput(2, two.startupMs, rounds2);
  const groupResult: GroupResult = {
    photo: group.name,
    width: group.width,
    height: group.height,
    maxFaces: MAX_FACES,
    runs: GROUP_RUNS,
    detectedFaces: groupInProcess.detectedFaces,
    inProcess: groupInProcess.stages,
    engine1Worker: groupEngine.stages,
  };
  return {
    section: 'engine',
    formatVersion: 1,
    machine,
    loadAverageAtEnd: os.loadavg().map((v) => round(v)),
    source: { kind: set.source, location: set.location, description: set.description, warmup: warm.map((p) => p.name), measured: photos.map((p) => p.name) },
    settings: { ...options, backbone: BACKBONE, maxFaces: MAX_FACES, top: TOP, embedderStartupMs: round(embedderStartupMs) },
    latency: [inProcess, engine1, engine2],
    throughput: [t1, t2],
    scaling: { ratio2vs1: round(t2.imagesPerSec / t1.imagesPerSec, 3), ideal: 2 },
    group: groupResult,
    memory,
    cpu,
    quietBeforeStart: ctx.quiet,
    tensors: {
      mainThreadBefore: tensorsBefore,
      mainThreadAfter: tensorsAfter,
      grew: tensorsAfter > tensorsBefore,
      note: 'main thread only (in-process run); worker threads keep their own tfjs engine, not visible through the pool API',
    },
    durationMs: round(performance.now() - t0),
  };
}

export const engineWasmSection: Section = {
  name: 'engine-wasm',
  description: 'per-photo latency by stage, 1 vs 2 worker throughput, group photo, peak RSS, tensor count',
  async run(ctx) {
    const result = await runEngine(ctx);
    return { name: 'engine-wasm', json: result, markdown: renderEngineMarkdown(result) };
  },
};
