/** Trained fc1/fc2 heads at inference: a tfjs layers model mapping embeddings to logits. */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModelManifest } from '../model/manifest.js';
import { selectBackend } from '../runtime/backend.js';
import { fileUrl, registerFileLoader } from '../runtime/file-io.js';
import type { Head, TrainableHeadKind } from './head.js';

/** A trained head in use: embeddings -> logits. */
export class LayersHead implements Head {
  constructor(
    readonly kind: TrainableHeadKind,
    readonly labels: readonly string[],
    private readonly model: tf.LayersModel,
  ) {}

  async scores(embeddings: readonly Float32Array[]): Promise<Float32Array[]> {
    if (embeddings.length === 0) return [];
    const dim = embeddings[0].length;
    const flat = new Float32Array(embeddings.length * dim);
    embeddings.forEach((e, i) => flat.set(e, i * dim));
    const logits = tf.tidy(() => this.model.predict(tf.tensor2d(flat, [embeddings.length, dim])) as tf.Tensor2D);
    const data = (await logits.data()) as Float32Array;
    logits.dispose();
    const classes = this.labels.length;
    return embeddings.map((_, i) => data.slice(i * classes, (i + 1) * classes));
  }

  dispose(): void {
    this.model.dispose();
  }
}

export async function loadLayersHead(dir: string, manifest: ModelManifest): Promise<LayersHead> {
  await selectBackend('auto'); // no-op when this thread already chose a backend
  registerFileLoader();
  const model = await tf.loadLayersModel(fileUrl(path.join(dir, manifest.head.file)));
  return new LayersHead(manifest.head.kind as TrainableHeadKind, manifest.labels, model);
}
