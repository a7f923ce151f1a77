/**
 * Runs a frozen backbone over a batch of aligned face crops. Resizing and normalisation run in
 * tfjs either way; the network itself runs on onnxruntime when wanted and convertible (about
 * 10x faster than tfjs-wasm), else on tfjs. Both give the same embeddings (cosine > 0.9999),
 * so the feature cache is keyed by backbone, not runtime.
 */
import * as tf from '@tensorflow/tfjs';
import { addVectors, l2normalise } from '../math.js';
import { errorMessage } from '../../base/errors.js';
import { fileUrl, registerFileLoader } from '../runtime/file-io.js';
import { cachedOnnxGraph, cachedOnnxModel, DEFAULT_ONNX_CACHE_DIR } from '../runtime/onnx/cache.js';
import { onnxOutputName, type GraphSource } from '../runtime/onnx/convert.js';
import { concatenateEmbeddings } from './concat.js';
import { faceApiGraph } from './faceapi-graph.js';
import { OnnxSession } from '../runtime/onnx/session.js';
import type { BackboneSpec, Preprocess } from './spec.js';

export interface BackboneRuntime {
  /** Try onnxruntime first. */
  onnx: boolean;
  /** Intra-op threads of the ONNX session. */
  onnxThreads: number;
  /** Where converted models are cached. */
  onnxCacheDir: string;
}

export const TFJS_ONLY: BackboneRuntime = { onnx: false, onnxThreads: 1, onnxCacheDir: DEFAULT_ONNX_CACHE_DIR };

/** A network with preprocessed NHWC input: features out, flat, one row per crop. */
interface Runner {
  runtime: 'onnx' | 'tfjs';
  run(input: tf.Tensor4D): Promise<Float32Array>;
  dispose(): void;
}

/** face-api's weights manifest written as a graph model (faceapi-graph.ts), as tfjs loads model artifacts. */
function faceApiArtifacts(source: GraphSource): tf.io.ModelArtifacts {
  const w = source.weightData;
  return {
    format: 'graph-model',
    modelTopology: source.json.modelTopology,
    weightSpecs: source.json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
    weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer,
  };
}

async function tfjsRunner(spec: BackboneSpec): Promise<Runner> {
  registerFileLoader();
  let execute: (input: tf.Tensor4D) => tf.Tensor;
  let dispose: () => void;
  if (spec.format === 'graph' || spec.format === 'faceapi') {
    const model = await tf.loadGraphModel(
      spec.format === 'faceapi' ? tf.io.fromMemory(faceApiArtifacts(await faceApiGraph(spec.modelPath))) : fileUrl(spec.modelPath),
    );
    execute = (input) => model.execute(input, spec.output) as tf.Tensor;
    dispose = () => model.dispose();
  } else {
    const full = await tf.loadLayersModel(fileUrl(spec.modelPath));
    const features = tf.model({ inputs: full.inputs, outputs: full.getLayer(spec.output).output });
    execute = (input) => features.predict(input) as tf.Tensor;
    dispose = () => full.dispose();
  }
  return {
    runtime: 'tfjs',
    async run(input) {
      const out = tf.tidy(() => execute(input));
      try {
        return (await out.data()) as Float32Array;
      } finally {
        out.dispose();
      }
    },
    dispose,
  };
}

async function onnxRunner(spec: BackboneSpec, rt: BackboneRuntime): Promise<Runner> {
  const cached =
    spec.format === 'faceapi'
      ? await cachedOnnxGraph('faceapi-recognition', await faceApiGraph(spec.modelPath), [spec.output], rt.onnxCacheDir)
      : await cachedOnnxModel(spec.modelPath, [spec.output], rt.onnxCacheDir);
  const session = await OnnxSession.create(cached.bytes, cached.input, onnxOutputName(spec.output), { threads: rt.onnxThreads });
  return {
    runtime: 'onnx',
    async run(input) {
      return session.run((await input.data()) as Float32Array, input.shape);
    },
    dispose: () => void session.dispose(),
  };
}

/** `x = (pixel255 - mean) / std` per channel, with optional RGB->BGR swap. */
export function preprocessCrop(crops01: tf.Tensor4D, p: Preprocess): tf.Tensor4D {
  return tf.tidy(() => {
    let x: tf.Tensor4D = tf.mul(crops01, 255);
    if (p.channelOrder === 'bgr') x = tf.reverse(x, 3);
    return tf.div<tf.Tensor4D>(
      tf.sub(x, tf.tensor1d(typeof p.mean === 'number' ? [p.mean] : p.mean)),
      tf.tensor1d(typeof p.std === 'number' ? [p.std] : p.std),
    );
  });
}

interface Part {
  backbone: Backbone;
  weight: number;
}

export class Backbone {
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
    if (!rt.onnx) return new Backbone(spec, await tfjsRunner(spec), null);
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
    console.warn(JSON.stringify({ event: 'backbone.onnx_fallback', backbone: spec.id, reason }));
    return new Backbone(spec, await tfjsRunner(spec), reason);
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
   * Resize, normalise, run and L2-normalise: one embedding per crop (crops are [1,h,w,3] in 0..1).
   * A mirror-averaging backbone runs each crop and its mirror image in one batch and averages them.
   */
  async embed(crops: tf.Tensor4D[]): Promise<Float32Array[]> {
    if (crops.length === 0) return [];
    const runner = this.runner;
    if (!runner) return this.embedParts(crops);
    const size = this.spec.inputSize;
    const mirror = this.spec.mirrorAverage === true;
    const input = tf.tidy(() => {
      const m = this.spec.preprocess.cropMargin ?? 0;
      // Half-pixel centres make resizing commute with mirroring, so a `+flip` embedding of a mirrored crop is the same.
      const fit = (c: tf.Tensor4D) =>
        m > 0 ? tf.image.cropAndResize(c, [[m, m, 1 - m, 1 - m]], [0], [size, size]) : tf.image.resizeBilinear(c, [size, size], false, mirror);
      const fitted = tf.concat<tf.Tensor4D>(crops.map(fit));
      return preprocessCrop(mirror ? tf.concat<tf.Tensor4D>([fitted, tf.image.flipLeftRight(fitted)]) : fitted, this.spec.preprocess);
    });
    let flat: Float32Array;
    try {
      flat = await runner.run(input);
    } finally {
      input.dispose();
    }
    const n = crops.length;
    const dim = flat.length / (mirror ? 2 * n : n);
    if (dim !== this.spec.dim) throw new Error(`backbone ${this.spec.id} produced ${dim}-d features, expected ${this.spec.dim}`);
    const row = (i: number) => l2normalise(flat.subarray(i * dim, (i + 1) * dim));
    // Each view normalised before averaging, so neither dominates; the mean is normalised again.
    return crops.map((_, i) => (mirror ? l2normalise(addVectors(row(i), row(n + i))) : row(i)));
  }

  /** A concatenation: each part embeds the crops its own way (size, normalisation, mirror), then they are joined. */
  private async embedParts(crops: tf.Tensor4D[]): Promise<Float32Array[]> {
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
