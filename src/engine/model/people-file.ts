/** `people.json` of a gallery model: who is in it and where their photos came from. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelManifest } from './manifest.js';

export const GALLERY_PEOPLE_FILE = 'people.json';

export interface GalleryPerson {
  /** Display name, as in the model's labels. */
  name: string;
  /** Other spellings search and `/who` find the person by (the sources' spelling before a rename); absent when none. */
  aliases?: string[];
  /** Source id -> photos of that source in the prototype. */
  sources: Record<string, number>;
  photos: number;
}

/** Alias -> label, for search: every other spelling of every person of the roster. */
export function aliasesOf(people: readonly GalleryPerson[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of people) for (const alias of p.aliases ?? []) out[alias] = p.name;
  return out;
}

/** A gallery model's aliases (alias -> label); none for other models, or a gallery whose people.json is missing. */
export async function readAliases(dir: string, manifest: ModelManifest): Promise<Record<string, string>> {
  if (!manifest.gallery || !existsSync(path.join(dir, manifest.gallery.people))) return {};
  return aliasesOf(await readGalleryPeople(dir, manifest));
}

/** The roster of a gallery model; for other models, one entry per label with no sources. */
export async function readGalleryPeople(dir: string, manifest: ModelManifest): Promise<GalleryPerson[]> {
  if (!manifest.gallery) return manifest.labels.map((name) => ({ name, sources: {}, photos: 0 }));
  return JSON.parse(await readFile(path.join(dir, manifest.gallery.people), 'utf8')) as GalleryPerson[];
}
