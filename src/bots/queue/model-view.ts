/**
 * A front end's view of the model answering photos, without loading it: its names (/help,
 * /who, Discord's autocomplete) and reference thumbnails, read from the model directory the
 * primary published. The engine itself lives in the workers.
 */
import path from 'node:path';
import { readManifest } from '../../engine/model/model-dir.js';
import type { ModelManifest } from '../../engine/model/manifest.js';
import type { AnsweringModel } from '../core/recognize.js';

export class ModelView {
  private constructor(private model: AnsweringModel & { manifest: ModelManifest }) {}

  static async open(dir: string): Promise<ModelView> {
    return new ModelView(await ModelView.read(dir));
  }

  private static async read(dir: string): Promise<AnsweringModel & { manifest: ModelManifest }> {
    const abs = path.resolve(dir);
    return { dir: abs, name: path.basename(abs), manifest: await readManifest(abs) };
  }

  get current(): AnsweringModel {
    return this.model;
  }

  /** Switches to `dir`; throws (and keeps the current model) when its manifest cannot be read. */
  async use(dir: string): Promise<void> {
    if (path.resolve(dir) === this.model.dir) return;
    this.model = await ModelView.read(dir);
  }
}
