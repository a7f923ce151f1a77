/** `people.json` of a gallery model: who is in it and where their photos came from. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelManifest } from '../model/manifest.js';

export const GALLERY_PEOPLE_FILE = 'people.json';

export interface GalleryPerson {
  /** Display name, as in the model's labels. */
  name: string;
  /** Source id -> photos of that source in the prototype. */
  sources: Record<string, number>;
  photos: number;
}

/** The roster of a gallery model; for other models, one entry per label with no sources. */
export async function readGalleryPeople(dir: string, manifest: ModelManifest): Promise<GalleryPerson[]> {
  if (!manifest.gallery) return manifest.labels.map((name) => ({ name, sources: {}, photos: 0 }));
  return JSON.parse(await readFile(path.join(dir, manifest.gallery.people), 'utf8')) as GalleryPerson[];
}
