/**
 * A celebrity's reference thumbnail: from the model answering photos, or, when that model has
 * none for the person (run models made before runs kept thumbnails), from the shipped default
 * model if it knows the same name (or had it before a rename: run models trained on a split
 * laid out before the gallery's names were corrected still say `Chris Patt`).
 * Thumbnails are small (at most 192 px, one per person), so they are cached once read.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readAliases } from '../../engine/model/people-file.js';
import { readManifest } from '../../engine/model/model-dir.js';

/** The part of a loaded model this needs. */
export interface ModelWithThumbnails {
  readonly dir: string;
  readonly manifest: { readonly thumbnails: Readonly<Record<string, string>> };
  /** Other spelling -> label (a gallery's people.json). */
  readonly aliases?: Readonly<Record<string, string>>;
}

export class Thumbnails {
  private readonly cache = new Map<string, Buffer | null>();
  private fallback: Promise<ModelWithThumbnails | null> | null = null;

  constructor(private readonly defaultModelDir: string) {}

  async find(model: ModelWithThumbnails, person: string): Promise<Buffer | null> {
    const own = await this.read(model, person);
    if (own) return own;
    this.fallback ??= readManifest(this.defaultModelDir).then(
      async (manifest) => ({ dir: this.defaultModelDir, manifest, aliases: await readAliases(this.defaultModelDir, manifest).catch(() => ({})) }),
      () => null,
    );
    const fallback = await this.fallback;
    return fallback && fallback.dir !== model.dir ? this.read(fallback, person) : null;
  }

  private async read(model: ModelWithThumbnails, person: string): Promise<Buffer | null> {
    const rel = model.manifest.thumbnails[person] ?? model.manifest.thumbnails[model.aliases?.[person] ?? ''];
    if (!rel) return null;
    const file = path.resolve(model.dir, rel);
    if (!this.cache.has(file)) this.cache.set(file, await readFile(file).catch(() => null));
    return this.cache.get(file) ?? null;
  }
}
