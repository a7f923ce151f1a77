/**
 * A model is a directory: `model.json` (this manifest), the head's weights, and at most one
 * small reference thumbnail per person. It never contains the photos it was built from.
 */
import type { HeadKind } from '../heads/head.js';
import type { PrototypeDtype } from '../heads/centroid.js';
import { CelebError } from '../../base/errors.js';
import { validateScale, type SimilarityScale } from './similarity.js';

export const MODEL_FORMAT = 'celeb-model';
export const MODEL_FORMAT_VERSION = 1;

export interface SplitCounts {
  train: number;
  val: number;
  test: number;
}

export interface ModelMetrics {
  /** Top-1 accuracy on the test split, 0..1. */
  testTop1: number;
  testTop3: number;
  valTop1?: number;
  /** Expected calibration error on the test split (15 bins), before and after temperature scaling. */
  eceBefore?: number;
  eceAfter?: number;
}

export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_FORMAT_VERSION;
  /** ISO timestamp. */
  created: string;
  /** Backbone id the head was fitted on; embeddings from any other backbone are meaningless to it. */
  backbone: string;
  dim: number;
  head: {
    kind: HeadKind;
    /** Relative path of the weights: `centroids.bin` for centroid, `head/model.json` for fc heads. */
    file: string;
    /** Training settings, for fc heads. */
    config?: Record<string, unknown>;
    /** Centroid heads: how `file` stores the prototypes. Default float32. */
    dtype?: PrototypeDtype;
    /** Centroid heads: float32 file of one hubness penalty per label, subtracted from its cosine (a gallery). */
    penalties?: string;
    /** Centroid heads: float16 file of a shared [dim x dim] map applied to a face before its cosines (training preset 6). */
    projection?: string;
  };
  /** Class order of the head's scores. */
  labels: string[];
  /** Softmax temperature fitted on the validation split: confidence = softmax(scores / temperature). */
  temperature: number;
  /** Person -> relative path of a reference thumbnail (at most 192 px: 160 for trained models, 192 for galleries). */
  thumbnails: Record<string, string>;
  data: {
    /** Where the dataset came from, e.g. `data/face_data`. */
    source: string;
    images: SplitCounts;
    perPerson: Record<string, SplitCounts>;
    /** `testSplitFingerprint` of the photos `metrics` were measured on; absent in older models. */
    testSplit?: string;
  };
  metrics: ModelMetrics | null;
  /** Cosine -> "% similar" for centroid heads, measured by `gallery eval`; absent: only confidences are shown. */
  similarity?: SimilarityScale;
  /** Set for a gallery built by `celeb gallery build`: where its people came from. */
  gallery?: GalleryInfo;
  /** Set when the model was produced by a training run. */
  run?: { id: number; preset: number | null };
}

export interface GalleryInfo {
  /** Relative path of `people.json`: per person, the sources and photos used (`GalleryPerson[]`). */
  people: string;
  /** Per source id: people and photos it contributed. */
  sources: Record<string, { people: number; photos: number }>;
  /**
   * The gallery split (src/engine/gallery/split.ts) that `metrics` and `data.testSplit` come from:
   * prototypes built from its train and val photos, its test photos ranked among all people. The
   * shipped prototypes use every photo. Absent in galleries built before the split existed.
   */
  split?: GallerySplitInfo;
}

export interface GallerySplitInfo extends SplitCounts {
  seed: number;
  holdout: number;
  minPhotos: number;
}

/** A person's name as a file name: `Robert Downey Jr` -> `robert-downey-jr`, `Beyoncé` -> `beyonce` (accents dropped, not the letter). */
export function personSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'person';
}

export class ModelFormatError extends CelebError {
  override name = 'ModelFormatError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('model', message, options);
  }
}

export function validateManifest(value: unknown, where: string): ModelManifest {
  const m = value as Partial<ModelManifest>;
  const fail = (why: string): never => {
    throw new ModelFormatError(`${where}: ${why}`);
  };
  if (typeof m !== 'object' || m === null) fail('not a JSON object');
  if (m.format !== MODEL_FORMAT) fail(`"format" must be "${MODEL_FORMAT}"`);
  if (m.version !== MODEL_FORMAT_VERSION) fail(`unsupported version ${String(m.version)} (this code reads ${MODEL_FORMAT_VERSION})`);
  if (typeof m.backbone !== 'string') fail('"backbone" is missing');
  if (!Array.isArray(m.labels) || m.labels.length < 2) fail('"labels" needs at least two people');
  if (!m.head || !['centroid', 'fc1', 'fc2'].includes(m.head.kind)) fail('"head.kind" must be centroid, fc1 or fc2');
  if (typeof m.temperature !== 'number' || !(m.temperature > 0)) fail('"temperature" must be a positive number');
  const dtype = m.head?.dtype;
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'float16') fail('"head.dtype" must be float32 or float16');
  if (m.similarity !== undefined && !validateScale(m.similarity)) fail('"similarity.anchors" must be ascending [cosine, similarity] pairs');
  return m as ModelManifest;
}
