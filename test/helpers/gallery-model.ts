/**
 * A stand-in for a gallery model: the shipped model's backbone with a centroid head over many
 * people (random prototypes), a similarity scale, a people.json with an old spelling, and every
 * person's thumbnail borrowed from the shipped model's. Answers are meaningless, but every path
 * a gallery takes is real.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CentroidHead } from '../../src/engine/heads/centroid.js';
import { readManifest, writeModelDir } from '../../src/engine/model/model-dir.js';
import type { ModelManifest } from '../../src/engine/model/manifest.js';
import { GALLERY_PEOPLE_FILE, type GalleryPerson } from '../../src/engine/model/people-file.js';
import { DEFAULT_MODEL } from './fixtures.js';
import { tempDir } from './temp.js';

/** Real names the tests look up, then made-up ones up to the count. */
export const GALLERY_PEOPLE = ['Tom Hanks', 'Scarlett Johansson', 'Robert Downey Jr', 'Beyoncé Knowles', 'Chris Pratt'];
/** Other spellings in people.json, as `gallery build` keeps them after a rename. */
export const GALLERY_ALIASES: Record<string, string[]> = { 'Chris Pratt': ['Chris Patt'] };
const BORROWED = ['tom-hanks.jpg', 'scarlett-johansson.jpg', 'robert-downey-jr.jpg'];

export function galleryLabels(count: number): string[] {
  const made = Array.from({ length: count - GALLERY_PEOPLE.length }, (_, i) => `Example Person ${String(i + 1).padStart(4, '0')}`);
  return [...GALLERY_PEOPLE, ...made];
}

function randomUnit(dim: number, seed: number): Float32Array {
  let s = seed;
  const v = new Float32Array(dim).map(() => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** Writes the gallery to `dir`; `count` people, all with a thumbnail. */
export async function writeGalleryModel(dir: string, count: number): Promise<ModelManifest> {
  const base = await readManifest(DEFAULT_MODEL);
  const labels = galleryLabels(count);
  const head = new CentroidHead(
    labels,
    labels.map((_, i) => randomUnit(base.dim, i + 1)),
  );
  const thumbnails = Object.fromEntries(labels.map((name, i) => [name, `thumbnails/${BORROWED[i % BORROWED.length]}`]));
  const manifest: ModelManifest = {
    ...base,
    head: { kind: 'centroid', file: 'centroids.bin', dtype: 'float16' },
    labels,
    temperature: 0.05,
    thumbnails,
    data: { source: 'test gallery', images: { train: count, val: 0, test: 0 }, perPerson: {} },
    metrics: null,
    // Random prototypes meet a face at cosines near 0: anchors there so the answer shows varied percentages.
    similarity: {
      anchors: [
        [-0.1, 0],
        [0.05, 0.5],
        [0.1, 0.9],
        [0.2, 0.99],
      ],
    },
    run: undefined,
    gallery: { people: GALLERY_PEOPLE_FILE, sources: {} },
  };
  const roster: GalleryPerson[] = labels.map((name) => ({
    name,
    ...(GALLERY_ALIASES[name] ? { aliases: GALLERY_ALIASES[name] } : {}),
    sources: {},
    photos: 1,
  }));
  const files = Object.fromEntries(BORROWED.map((file) => [`thumbnails/${file}`, readFileSync(path.join(DEFAULT_MODEL, 'thumbnails', file))]));
  await writeModelDir(dir, manifest, { 'centroids.bin': head.toBytes('float16'), [GALLERY_PEOPLE_FILE]: JSON.stringify(roster), ...files });
  return manifest;
}

/** A temporary workspace whose `default` model is a gallery of `count` people. */
export async function galleryWorkspace(count: number): Promise<string> {
  const tmp = tempDir('celeb-gallery-');
  mkdirSync(path.join(tmp, 'models'), { recursive: true });
  await writeGalleryModel(path.join(tmp, 'models', 'default'), count);
  return tmp;
}
