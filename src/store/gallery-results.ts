/**
 * Galleries on the leaderboard: a gallery model (prototypes, no training) measured on the test
 * photos of its own split, stored beside the runs' results so `celeb leaderboard` and
 * /leaderboard show it next to runs trained on that split. One row per model directory; a
 * rebuilt gallery replaces its row.
 */
import { StoreValidationError, requireFraction, requireText, type Database } from './shared.js';

export interface GalleryResult {
  /** The gallery's model directory (the row's key). */
  readonly modelPath: string;
  /** The head kind of its manifest (`centroid`). */
  readonly head: string;
  readonly backbone: string;
  readonly people: number;
  /** Held-out test photos the accuracies were measured on. */
  readonly testPhotos: number;
  readonly testTop1: number;
  readonly testTop3: number;
  /** Fingerprint of those test photos (src/engine/dataset/test-split.ts). */
  readonly testSplit: string;
  /** What the numbers measure, in a sentence for the leaderboard's footnote. */
  readonly description: string;
  /** When the gallery was built (its manifest's `created`). */
  readonly builtAt: string;
}

interface GalleryRow {
  model_path: string;
  head: string;
  backbone: string;
  people: number;
  test_photos: number;
  test_top1: number;
  test_top3: number;
  test_split: string;
  description: string;
  built_at: string;
}

function validate(result: GalleryResult): void {
  const where = `gallery result of ${result.modelPath}`;
  for (const key of ['modelPath', 'head', 'backbone', 'testSplit', 'description', 'builtAt'] as const) requireText(result[key], `${where}: ${key}`);
  for (const key of ['people', 'testPhotos'] as const) {
    if (!Number.isInteger(result[key]) || result[key] < 1) throw new StoreValidationError(`${where}: ${key} must be a whole number >= 1`);
  }
  requireFraction(result.testTop1, `${where}: testTop1`);
  requireFraction(result.testTop3, `${where}: testTop3`);
  if (result.testTop3 < result.testTop1) throw new StoreValidationError(`${where}: testTop3 (${result.testTop3}) < testTop1 (${result.testTop1})`);
}

/** Stores a gallery's result, or replaces the one stored for the same model directory. */
export function recordGalleryResult(db: Database, result: GalleryResult): void {
  validate(result);
  db.prepare(
    `
    INSERT INTO gallery_results (model_path, head, backbone, people, test_photos, test_top1, test_top3, test_split, description, built_at)
    VALUES (@modelPath, @head, @backbone, @people, @testPhotos, @testTop1, @testTop3, @testSplit, @description, @builtAt)
    ON CONFLICT (model_path) DO UPDATE SET head = excluded.head, backbone = excluded.backbone, people = excluded.people,
      test_photos = excluded.test_photos, test_top1 = excluded.test_top1, test_top3 = excluded.test_top3,
      test_split = excluded.test_split, description = excluded.description, built_at = excluded.built_at,
      recorded_at = excluded.recorded_at
  `,
  ).run(result);
}

/** Every stored gallery result, by model directory. */
export function listGalleryResults(db: Database): GalleryResult[] {
  return db
    .prepare<[], GalleryRow>('SELECT * FROM gallery_results ORDER BY model_path')
    .all()
    .map((r) => ({
      modelPath: r.model_path,
      head: r.head,
      backbone: r.backbone,
      people: r.people,
      testPhotos: r.test_photos,
      testTop1: r.test_top1,
      testTop3: r.test_top3,
      testSplit: r.test_split,
      description: r.description,
      builtAt: r.built_at,
    }));
}

/** Forgets a gallery's row (its model directory is gone). True when there was one. */
export function forgetGalleryResult(db: Database, modelPath: string): boolean {
  return db.prepare('DELETE FROM gallery_results WHERE model_path = ?').run(modelPath).changes > 0;
}
