/**
 * The recognition engine: a photo in, "you look most like X" out, for every face. Heavy
 * work (decode, detection, backbone) runs in the worker pool; the head is tiny and runs
 * here. Made by `createEngine` (create.ts); bots, the CLI and library users hold only this.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Box } from '../base/box.js';
import { CelebError, InputError } from '../base/errors.js';
import type { DetectionPassId } from './detect/passes.js';
import { qualityWarnings, type FaceQuality, type QualityWarning } from './detect/quality.js';
import type { StageTimings } from './extract/face-embedder.js';
import { EmbedderPool, type PoolOptions } from './extract/pool.js';
import { readImageFile } from './image/read-file.js';
import type { RuntimeInfo } from './runtime/runtime.js';
import { softmax, topK } from './math.js';
import { loadModel, readManifest, type LoadedModel } from './model/model-dir.js';
import { similarityOf, type SimilarityScale } from './model/similarity.js';
import { DEFAULT_BACKBONE, resolveBackbone } from './backbones/registry.js';

export interface Match {
  name: string;
  /** Calibrated probability that this is the right person among the model's people, 0..1. */
  confidence: number;
  /**
   * How alike the face and the person are, 0..1, on a scale that reads the same for any gallery
   * size (model/similarity.ts). Only for models that carry a similarity scale (galleries).
   */
  similarity?: number;
}

export interface FaceAnswer {
  box: Box;
  /** Detector confidence. */
  score: number;
  /** Best first. */
  matches: Match[];
  /** Size, sharpness and brightness of the face's pixels. */
  quality: FaceQuality;
  /** Why the answer may be off (a tiny, blurry or dark face); empty for a good photo. */
  warnings: QualityWarning[];
}

export interface Prediction {
  /** Model directory name, e.g. `default`. */
  model: string;
  /** Largest face first. */
  faces: FaceAnswer[];
  /** Faces found in the photo; more than `faces.length` when `maxFaces` cut the list. */
  detectedFaces: number;
  /** Where the faces beyond `maxFaces` are (not answered), largest first: `faces` and these are every face found. */
  unansweredFaces: { box: Box; score: number }[];
  /** Which detection pass found the faces: `direct`, or the fallback that was needed; null for `assumeCrop`. */
  detectionPass: DetectionPassId | null;
  width: number;
  height: number;
  timings: StageTimings & { headMs: number };
}

/** How to answer one photo. Training's options (augmented views, returned crops) are not here on purpose. */
export interface RecognitionOptions {
  /** Matches per face, best first. Default 3. */
  top?: number;
  /** Answer at most this many faces, largest first. Default: every face found (up to 20). */
  maxFaces?: number;
  /** The photo is already a face crop: skip detection and embed the whole image. Default false. */
  assumeCrop?: boolean;
  /** Where the photo as it is shows no face, retry detection padded, equalised, upscaled... Default true. */
  detectionFallbacks?: boolean;
  /** Detect in the photo and its mirror image and average, so both get the same answer. Default: on for mirror-averaging backbones (`+flip`). */
  symmetric?: boolean;
}

/** A photo: its bytes (JPEG, PNG, WebP or GIF), or the path of a file holding them. */
export type ImageInput = Uint8Array | string;

const mirrorAveraging = new Map<string, boolean>();
/** Whether the backbone averages mirror images (`+flip`); resolved once per id. */
function mirrorsByDefault(backbone: string): boolean {
  if (!mirrorAveraging.has(backbone)) mirrorAveraging.set(backbone, resolveBackbone(backbone).mirrorAverage === true);
  return mirrorAveraging.get(backbone)!;
}

/** Pure: calibrated confidences of the `top` best labels, and their similarity when the model has a scale. */
export function rankMatches(scores: ArrayLike<number>, labels: readonly string[], temperature: number, top: number, scale?: SimilarityScale): Match[] {
  const p = softmax(scores, temperature);
  return topK(p, top).map((i) =>
    scale ? { name: labels[i], confidence: p[i], similarity: similarityOf(scale, scores[i]) } : { name: labels[i], confidence: p[i] },
  );
}

export class LookalikeEngine {
  /** Photos being answered by each loaded model: a replaced model is disposed when its last photo is done. */
  private readonly inUse = new Map<LoadedModel, number>();
  /** Replaced models still answering photos in flight. */
  private readonly retired = new Set<LoadedModel>();

  private constructor(
    private current: LoadedModel,
    private readonly pool: EmbedderPool,
    private readonly ownsPool: boolean,
    private readonly nativeRanking: boolean,
  ) {}

  /** Loads the model, then starts a pool for its backbone unless one is given. */
  static async open(
    modelDir: string,
    options: { pool?: EmbedderPool; nativeRanking?: boolean } & Partial<Omit<PoolOptions, 'backbone'>> = {},
  ): Promise<LookalikeEngine> {
    const { pool: given, nativeRanking = true, ...poolOptions } = options;
    const manifest = await readManifest(modelDir);
    const { backbone } = manifest;
    resolveBackbone(backbone); // a wrong id is one clear error here, not a worker's crash
    if (given && (given.backbone ?? DEFAULT_BACKBONE) !== backbone) {
      throw new CelebError(
        'model',
        `Model ${path.basename(modelDir)} uses backbone ${backbone}; the given workers embed with ${given.backbone ?? DEFAULT_BACKBONE}.`,
      );
    }
    // The workers start while this thread loads the gallery (on another core): measured, `which` answers 130 ms sooner.
    const [loaded, started] = await Promise.allSettled([
      loadModel(modelDir, { nativeRanking, manifest }),
      given ?? EmbedderPool.start({ ...poolOptions, backbone }),
    ]);
    if (loaded.status === 'rejected' || started.status === 'rejected') {
      if (loaded.status === 'fulfilled') loaded.value.head.dispose();
      if (started.status === 'fulfilled' && !given) await started.value.close();
      throw loaded.status === 'rejected' ? loaded.reason : (started as PromiseRejectedResult).reason;
    }
    const [model, pool] = [loaded.value, started.value];
    return new LookalikeEngine(model, pool, !given, nativeRanking);
  }

  get model(): LoadedModel {
    return this.current;
  }

  /** Worker threads answering photos in parallel. */
  get workers(): number {
    return this.pool.size;
  }

  /** Workers able to answer now (fewer than `workers` while one is being replaced; 0 after close). */
  get liveWorkers(): number {
    return this.pool.alive;
  }

  /** Photos being answered or waiting for a worker. */
  get pending(): number {
    return this.pool.busy + this.pool.queued;
  }

  /** Which runtime runs each stage (detection, embedding) in the workers. */
  get runtime(): RuntimeInfo {
    return this.pool.runtime;
  }

  /**
   * Switch to another model (after training) without restarting the workers; the backbone must
   * match. The switch falls between photos: a photo already started is answered entirely by
   * the model it started with, whose head is disposed once the last such photo is done.
   */
  async useModel(modelDir: string): Promise<void> {
    const next = await loadModel(modelDir, { nativeRanking: this.nativeRanking });
    if (next.manifest.backbone !== this.current.manifest.backbone) {
      next.head.dispose();
      throw new CelebError(
        'model',
        `Model ${next.name} uses backbone ${next.manifest.backbone}; the running engine embeds with ${this.current.manifest.backbone}.`,
      );
    }
    const previous = this.current;
    this.current = next;
    this.retire(previous);
  }

  private retire(model: LoadedModel): void {
    if (this.inUse.has(model)) this.retired.add(model);
    else model.head.dispose();
  }

  /** Marks `model` as answering one more photo; the returned function ends that. */
  private hold(model: LoadedModel): () => void {
    this.inUse.set(model, (this.inUse.get(model) ?? 0) + 1);
    return () => {
      const left = this.inUse.get(model)! - 1;
      if (left > 0) return void this.inUse.set(model, left);
      this.inUse.delete(model);
      if (this.retired.delete(model)) model.head.dispose();
    };
  }

  /**
   * Who each face in the photo looks like. Throws InputError with a stable code: not_found and
   * unreadable (a path), not_an_image, unsupported_format, too_large, corrupt, no_face.
   */
  async which(input: ImageInput, options: RecognitionOptions = {}): Promise<Prediction> {
    const bytes = typeof input === 'string' ? await readImageFile(input) : input;
    const model = this.current;
    const release = this.hold(model);
    try {
      return await this.answer(model, bytes, options);
    } finally {
      release();
    }
  }

  private async answer(model: LoadedModel, bytes: Uint8Array, options: RecognitionOptions): Promise<Prediction> {
    const embedded = await this.pool.embed(bytes, {
      assumeCrop: options.assumeCrop,
      maxFaces: options.maxFaces,
      detectionFallbacks: options.detectionFallbacks,
      // A mirror-averaging backbone promises the same answer for a mirrored selfie: keep it exactly.
      symmetric: options.symmetric ?? mirrorsByDefault(model.manifest.backbone),
    });
    if (embedded.faces.length === 0) throw new InputError('no_face', 'No face was found in the photo.');
    const t0 = performance.now();
    const scores = await model.head.scores(embedded.faces.map((f) => f.embedding));
    const top = Math.max(1, Math.min(options.top ?? 3, model.manifest.labels.length));
    const faces = embedded.faces.map((f, i) => ({
      box: f.box,
      score: f.score,
      matches: rankMatches(scores[i], model.head.labels, model.manifest.temperature, top, model.manifest.similarity),
      quality: f.quality,
      warnings: qualityWarnings(f.quality),
    }));
    const headMs = performance.now() - t0;
    return {
      model: model.name,
      faces,
      detectedFaces: embedded.detectedFaces,
      unansweredFaces: embedded.otherFaces,
      detectionPass: embedded.detectionPass,
      width: embedded.width,
      height: embedded.height,
      timings: { ...embedded.timings, headMs },
    };
  }

  async close(): Promise<void> {
    this.current.head.dispose();
    for (const model of this.retired) model.head.dispose();
    this.retired.clear();
    if (this.ownsPool) await this.pool.close();
  }
}
