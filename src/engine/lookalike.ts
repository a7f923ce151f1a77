/**
 * The engine's front door: photo bytes in, "you look most like X" out, for every face.
 * Heavy work (decode, detection, backbone) runs in the worker pool; the head is tiny and
 * runs here. Bots and the CLI use only this class.
 */
import { performance } from 'node:perf_hooks';
import type { Box } from './augment/face-crop.js';
import { InputError } from './errors.js';
import type { EmbedRequest, StageTimings } from './extract/face-embedder.js';
import { EmbedderPool, type PoolOptions } from './extract/pool.js';
import { softmax, topK } from './math.js';
import { loadModel, type LoadedModel } from './model/model-dir.js';

export interface Match {
  name: string;
  /** Calibrated probability, 0..1. */
  confidence: number;
}

export interface FaceAnswer {
  box: Box;
  /** Detector confidence. */
  score: number;
  /** Best first. */
  matches: Match[];
}

export interface Prediction {
  /** Model directory name, e.g. `default`. */
  model: string;
  /** Largest face first. */
  faces: FaceAnswer[];
  /** Faces found in the photo; more than `faces.length` when `maxFaces` cut the list. */
  detectedFaces: number;
  width: number;
  height: number;
  timings: StageTimings & { headMs: number };
}

export interface WhichOptions extends EmbedRequest {
  /** Matches per face. Default 3. */
  top?: number;
}

/** Pure: calibrated confidences of the `top` best labels. */
export function rankMatches(scores: ArrayLike<number>, labels: readonly string[], temperature: number, top: number): Match[] {
  const p = softmax(scores, temperature);
  return topK(p, top).map((i) => ({ name: labels[i], confidence: p[i] }));
}

export class LookalikeEngine {
  private constructor(private current: LoadedModel, readonly pool: EmbedderPool, private readonly ownsPool: boolean) {}

  /** Loads the model, then starts a pool for its backbone unless one is given. */
  static async open(modelDir: string, options: { pool?: EmbedderPool } & Partial<Omit<PoolOptions, 'backbone'>> = {}): Promise<LookalikeEngine> {
    const model = await loadModel(modelDir);
    const { pool: given, ...poolOptions } = options;
    const pool = given ?? (await EmbedderPool.start({ ...poolOptions, backbone: model.manifest.backbone }));
    return new LookalikeEngine(model, pool, !given);
  }

  get model(): LoadedModel {
    return this.current;
  }

  /** Switch to another model (after training) without restarting the workers; the backbone must match. */
  async useModel(modelDir: string): Promise<void> {
    const next = await loadModel(modelDir);
    if (next.manifest.backbone !== this.current.manifest.backbone) {
      next.head.dispose();
      throw new Error(`Model ${next.name} uses backbone ${next.manifest.backbone}; the running pool embeds with ${this.current.manifest.backbone}.`);
    }
    const previous = this.current;
    this.current = next;
    previous.head.dispose();
  }

  /** Throws InputError (not_an_image, unsupported_format, too_large, corrupt, no_face). */
  async which(bytes: Uint8Array, options: WhichOptions = {}): Promise<Prediction> {
    const model = this.current;
    const embedded = await this.pool.embed(bytes, { assumeCrop: options.assumeCrop, maxFaces: options.maxFaces });
    if (embedded.faces.length === 0) throw new InputError('no_face', 'No face was found in the photo.');
    const t0 = performance.now();
    const scores = await model.head.scores(embedded.faces.map((f) => f.embedding));
    const top = Math.max(1, Math.min(options.top ?? 3, model.manifest.labels.length));
    const faces = embedded.faces.map((f, i) => ({
      box: f.box, score: f.score, matches: rankMatches(scores[i], model.head.labels, model.manifest.temperature, top),
    }));
    const headMs = performance.now() - t0;
    return {
      model: model.name, faces, detectedFaces: embedded.detectedFaces, width: embedded.width, height: embedded.height,
      timings: { ...embedded.timings, headMs },
    };
  }

  async close(): Promise<void> {
    this.current.head.dispose();
    if (this.ownsPool) await this.pool.close();
  }
}
