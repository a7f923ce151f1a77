/**
 * Runs a frozen backbone over a batch of aligned face crops. Resizing and normalisation are
 * plain loops (image/face-pixels.ts); the network runs on onnxruntime when wanted and
 * convertible (about 10x faster than tfjs-wasm), else on tfjs (tfjs-runner.ts, loaded then). Both give the same embeddings (cosine > 0.9999),
 * so the feature cache is keyed by backbone, not runtime. An int8 backbone (`faceapi8`) is int8
 * only on onnxruntime; its tfjs fallback runs float (cosine about 0.9998 to int8 for faceapi).
 */
import { addVectors, l2normalise } from '../math.js';
import { errorMessage } from '../../base/errors.js';
import type { FacePixels } from '../image/face-pixels.js';
import { fitInto } from './network-input.js';
import { ScratchBuffer } from '../scratch.js';
import { cachedOnnxGraph, cachedOnnxModel, DEFAULT_ONNX_CACHE_DIR, manifestFiles, type CachedModel } from '../runtime/onnx/cache.js';
import { readCalibration } from '../runtime/onnx/calibrate.js';
import { onnxOutputName } from '../runtime/onnx/convert.js';
import { selectBackend } from '../runtime/backend.js';
import { stderrLog, type EngineLog } from '../events.js';
import { concatenateEmbeddings } from './concat.js';
import { faceApiGraph } from './faceapi-graph.js';
import { OnnxSession, optimizedFileFor } from '../runtime/onnx/session.js';
import type { BackboneSpec } from './spec.js';

/** The tfjs runner, imported only when a network falls back to tfjs (tfjs is large to load). */
async function loadTfjsRunner(spec: BackboneSpec, rt: BackboneRuntime): Promise<Runner> {
  await (rt.tfjs ?? (() => selectBackend('auto')))();
  return (await import('./tfjs-runner.js')).tfjsRunner(spec);
}

export interface BackboneRuntime {
  /** Try onnxruntime first. */
  onnx: boolean;
  /** Intra-op threads of the ONNX session. */
  onnxThreads: number;
  /** Where converted models are cached. */
  onnxCacheDir: string;
  /** Makes the thread's tfjs backend ready; called before a network is loaded on tfjs, never when ONNX runs it. Default: the `auto` backend. */
  tfjs?: () => Promise<unknown>;
  /** Where a fallback to tfjs is reported. Default: stderr. */
  log?: EngineLog;
}

export const TFJS_ONLY: BackboneRuntime = { onnx: false, onnxThreads: 1, onnxCacheDir: DEFAULT_ONNX_CACHE_DIR };

/** A network with preprocessed NHWC input: features out, flat, one row per crop. */
export interface Runner {
  runtime: 'onnx' | 'tfjs';
  run(data: Float32Array, shape: number[]): Promise<Float32Array>;
  dispose(): void;
}

/** The converted network, from the cache or converted now (int8 when the spec is calibrated for it). */
async function convertedModel(spec: BackboneSpec, rt: BackboneRuntime): Promise<CachedModel> {
  const int8 = spec.int8 ? { file: spec.int8.calibration, ...(await readCalibration(spec.int8.calibration)) } : undefined;
  if (spec.format !== 'faceapi') return cachedOnnxModel(spec.modelPath, [spec.output], rt.onnxCacheDir, int8);
  const name = int8 ? 'faceapi-recognition-int8' : 'faceapi-recognition';
  return cachedOnnxGraph(name, () => faceApiGraph(spec.modelPath), await manifestFiles(spec.modelPath), [spec.output], rt.onnxCacheDir, int8);
}

async function onnxRunner(spec: BackboneSpec, rt: BackboneRuntime): Promise<Runner> {
  const cached = await convertedModel(spec, rt);
  const session = await OnnxSession.create(cached.bytes, cached.input, onnxOutputName(spec.output), {
    threads: rt.onnxThreads,
    optimizedFile: optimizedFileFor(cached.path),
  });
  return {
    runtime: 'onnx',
    run: (data, shape) => session.run(data, shape),
    dispose: () => void session.dispose(),
  };
}

interface Part {
  backbone: Backbone;
  weight: number;
}

export class Backbone {
  /** The network's input batch, reused from photo to photo. */
  private readonly inputs = new ScratchBuffer();

  private constructor(
    readonly spec: BackboneSpec,
    /** The network; null for a concatenation, whose `parts` run instead. */
    private readonly runner: Runner | null,
    /** Why ONNX was wanted but not used (an unsupported op, a layers model), else null. */
    readonly onnxFallback: string | null,
    private readonly parts: Part[] = [],
  ) {}

  /** The runtime that runs the network: `onnx` or `tfjs` (on the thread's tfjs backend); a concatenation is `onnx` when all its parts are. */
  get runtime(): 'onnx' | 'tfjs' {
    return this.runner?.runtime ?? (this.parts.every((p) => p.backbone.runtime === 'onnx') ? 'onnx' : 'tfjs');
  }

  static async load(spec: BackboneSpec, rt: BackboneRuntime = TFJS_ONLY): Promise<Backbone> {
    if (spec.parts) return Backbone.loadParts(spec, rt);
    if (!rt.onnx) return new Backbone(spec, await loadTfjsRunner(spec, rt), null);
    let reason: string;
    if (spec.format === 'layers') {
      reason = 'layers models are not converted to ONNX';
    } else {
      try {
        return new Backbone(spec, await onnxRunner(spec, rt), null);
      } catch (error) {
        reason = errorMessage(error);
      }
    }
    // A logged fallback, not a failure: the backbone still works, only slower.
    (rt.log ?? stderrLog)({ event: 'backbone.onnx_fallback', backbone: spec.id, reason });
    return new Backbone(spec, await loadTfjsRunner(spec, rt), reason);
  }

  private static async loadParts(spec: BackboneSpec, rt: BackboneRuntime): Promise<Backbone> {
    const parts: Part[] = [];
    try {
      for (const p of spec.parts ?? []) parts.push({ backbone: await Backbone.load(p.spec, rt), weight: p.weight });
    } catch (error) {
      for (const p of parts) p.backbone.dispose();
      throw error;
    }
    const fallback = parts.map((p) => p.backbone.onnxFallback).find((f) => f !== null) ?? null;
    return new Backbone(spec, null, fallback, parts);
  }

  /**
   * Resize, normalise, run and L2-normalise: one embedding per aligned crop.
   * A mirror-averaging backbone runs each crop and its mirror image in one batch and averages them.
   */
  async embed(crops: FacePixels[]): Promise<Float32Array[]> {
    if (crops.length === 0) return [];
    const runner = this.runner;
    if (!runner) return this.embedParts(crops);
    const size = this.spec.inputSize;
    const mirror = this.spec.mirrorAverage === true;
    const n = crops.length;
    const perFace = size * size * 3;
    const rows = mirror ? 2 * n : n;
    const input = this.inputs.take(rows * perFace);
    let flat: Float32Array;
    try {
      crops.forEach((crop, i) => fitInto(crop, this.spec, input, i * perFace, mirror ? (n + i) * perFace : null));
      flat = await runner.run(input, [rows, size, size, 3]);
    } finally {
      this.inputs.give(input);
    }
    const dim = flat.length / (mirror ? 2 * n : n);
    if (dim !== this.spec.dim) throw new Error(`backbone ${this.spec.id} produced ${dim}-d features, expected ${this.spec.dim}`);
    const row = (i: number) => l2normalise(flat.subarray(i * dim, (i + 1) * dim));
    // Each view normalised before averaging, so neither dominates; the mean is normalised again.
    return crops.map((_, i) => (mirror ? l2normalise(addVectors(row(i), row(n + i))) : row(i)));
  }

  /** A concatenation: each part embeds the crops its own way (size, normalisation, mirror), then they are joined. */
  private async embedParts(crops: FacePixels[]): Promise<Float32Array[]> {
    const perPart: Float32Array[][] = [];
    for (const p of this.parts) perPart.push(await p.backbone.embed(crops));
    const weights = this.parts.map((p) => p.weight);
    return crops.map((_, i) =>
      concatenateEmbeddings(
        perPart.map((rows) => rows[i]),
        weights,
      ),
    );
  }

  dispose(): void {
    this.runner?.dispose();
    for (const p of this.parts) p.backbone.dispose();
  }
}
