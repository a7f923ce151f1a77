/** Runs a frozen backbone over a batch of aligned face crops. */
import * as tf from '@tensorflow/tfjs';
import { fileUrl, registerFileLoader } from '../runtime/file-io.js';
import type { BackboneSpec, Preprocess } from './spec.js';

type Runner = (input: tf.Tensor4D) => tf.Tensor;

async function loadRunner(spec: BackboneSpec): Promise<{ run: Runner; dispose: () => void }> {
  registerFileLoader();
  const url = fileUrl(spec.modelPath);
  if (spec.format === 'graph') {
    const model = await tf.loadGraphModel(url);
    return { run: (input) => model.execute(input, spec.output) as tf.Tensor, dispose: () => model.dispose() };
  }
  const full = await tf.loadLayersModel(url);
  const features = tf.model({ inputs: full.inputs, outputs: full.getLayer(spec.output).output as tf.SymbolicTensor });
  return { run: (input) => features.predict(input) as tf.Tensor, dispose: () => full.dispose() };
}

/** `x = (pixel255 - mean) / std` per channel, with optional RGB->BGR swap. */
export function preprocessCrop(crops01: tf.Tensor4D, p: Preprocess): tf.Tensor4D {
  return tf.tidy(() => {
    let x: tf.Tensor4D = tf.mul(crops01, 255);
    if (p.channelOrder === 'bgr') x = tf.reverse(x, 3);
    return tf.div(tf.sub(x, tf.tensor1d(typeof p.mean === 'number' ? [p.mean] : p.mean)), tf.tensor1d(typeof p.std === 'number' ? [p.std] : p.std)) as tf.Tensor4D;
  });
}

export class Backbone {
  private constructor(readonly spec: BackboneSpec, private readonly runner: { run: Runner; dispose: () => void }) {}

  static async load(spec: BackboneSpec): Promise<Backbone> {
    return new Backbone(spec, await loadRunner(spec));
  }

  /**
   * Resize, normalise, run and L2-normalise: one embedding per crop (crops are [1,h,w,3] in 0..1).
   * A mirror-averaging backbone runs each crop and its mirror image in one batch and averages them.
   */
  async embed(crops: tf.Tensor4D[]): Promise<Float32Array[]> {
    if (crops.length === 0) return [];
    const size = this.spec.inputSize;
    const n = crops.length;
    const normalised = tf.tidy(() => {
      const m = this.spec.preprocess.cropMargin ?? 0;
      // Half-pixel centres make resizing commute with mirroring, so a `+flip` embedding of a mirrored crop is the same.
      const symmetric = this.spec.mirrorAverage === true;
      const fit = (c: tf.Tensor4D) => (m > 0 ? tf.image.cropAndResize(c, [[m, m, 1 - m, 1 - m]], [0], [size, size]) : tf.image.resizeBilinear(c, [size, size], false, symmetric));
      const fitted = tf.concat(crops.map(fit)) as tf.Tensor4D;
      const batch = this.spec.mirrorAverage ? tf.concat([fitted, tf.image.flipLeftRight(fitted)]) : fitted;
      const raw = tf.reshape(this.runner.run(preprocessCrop(batch as tf.Tensor4D, this.spec.preprocess)), [batch.shape[0], -1]);
      const unit = (x: tf.Tensor2D) => tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12));
      // Each view normalised before averaging, so neither dominates; the mean is normalised again.
      const features = this.spec.mirrorAverage ? tf.add(unit(tf.slice(raw, [0, 0], [n, -1]) as tf.Tensor2D), unit(tf.slice(raw, [n, 0], [n, -1]) as tf.Tensor2D)) : raw;
      return unit(features as tf.Tensor2D);
    });
    const flat = (await normalised.data()) as Float32Array;
    normalised.dispose();
    const dim = flat.length / crops.length;
    if (dim !== this.spec.dim) throw new Error(`backbone ${this.spec.id} produced ${dim}-d features, expected ${this.spec.dim}`);
    return crops.map((_, i) => flat.slice(i * dim, (i + 1) * dim));
  }

  dispose(): void {
    this.runner.dispose();
  }
}
