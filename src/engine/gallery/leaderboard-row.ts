/**
 * A gallery as a leaderboard row: its prototype head's accuracy on the test photos of its own
 * split, read from its manifest (`gallery build` records the split's fingerprint and what
 * `gallery eval` measured there), stored beside the training runs so a run trained on that split
 * (`gallery split`, then `celeb train`) is shown, and promoted, against the same test photos.
 */
import path from 'node:path';
import { recordGalleryResult, type Database, type GalleryResult } from '../../store/index.js';
import type { ModelManifest } from '../model/manifest.js';
import { readManifest } from '../model/model-dir.js';

/** The row a gallery's manifest makes; null when it is no gallery or predates the split (nothing to compare on). Pure. */
export function galleryResultOf(dir: string, manifest: ModelManifest, cwd = process.cwd()): GalleryResult | null {
  const split = manifest.gallery?.split;
  const testSplit = manifest.data.testSplit;
  if (!manifest.gallery || !split || !testSplit || !manifest.metrics || split.test < 1) return null;
  const people = manifest.labels.length;
  const shown = path.relative(cwd, dir) || dir;
  const n = (x: number) => x.toLocaleString('en-US');
  return {
    modelPath: path.resolve(dir),
    head: manifest.head.kind,
    backbone: manifest.backbone,
    people,
    testPhotos: split.test,
    testTop1: manifest.metrics.testTop1,
    testTop3: manifest.metrics.testTop3,
    testSplit,
    description:
      `${shown}, prototypes of ${n(people)} people (${manifest.backbone}), no training: the ${n(split.test)} test photos of its split ` +
      `ranked among all of them, with prototypes built without those photos (the shipped prototypes use every photo)`,
    builtAt: manifest.created,
  };
}

/**
 * Records (or refreshes) the leaderboard row of the gallery in `dir`. Returns it, or null when
 * `dir` holds no gallery with a recorded split (then nothing is written).
 */
export async function recordGallery(db: Database, dir: string): Promise<GalleryResult | null> {
  const manifest = await readManifest(dir).catch(() => null);
  const result = manifest ? galleryResultOf(dir, manifest) : null;
  if (result) recordGalleryResult(db, result);
  return result;
}
