/**
 * The original design's fc1 and fc2 heads in a run: trained on the bank (trainer.ts), optionally
 * starting from imprinted prototypes (`--init prototypes`), calibrated on validation, saved as a
 * tfjs layers model.
 */
import { scoreSamples } from '../heads/evaluate.js';
import { MIN_TEMPERATURE } from '../heads/head.js';
import { LayersHead } from '../heads/layers-head.js';
import { fitTemperature, type Scored } from '../heads/metrics.js';
import { prototypeWithTwins } from '../heads/prototype.js';
import type { FeatureBank } from './feature-bank.js';
import { serialiseHeadModel } from './heads.js';
import { initDenseHead, type DenseHeadWeights } from './native/dense-head.js';
import { productJs, matrix } from './native/matmul.js';
import type { RunConfig } from './presets.js';
import { trainHead } from './trainer.js';
import type { HeadTrainingHooks, TrainedModel } from './trained-model.js';
import { stack } from './schedule.js';

/** Unit class means of `rows` (one per training photo, with its twin where known), [classes x width]. */
function classMeans(bank: FeatureBank, rows: readonly Float32Array[], twins: readonly (Float32Array | null)[]): Float32Array[] {
  const byLabel = bank.labels.map(() => [] as { embedding: Float32Array; twin: Float32Array | null }[]);
  bank.train.forEach((b, i) => byLabel[b.label].push({ embedding: rows[i], twin: twins[i] }));
  return byLabel.map((photos) => prototypeWithTwins(photos)!);
}

/**
 * Imprinted starting weights (Qi et al. 2018): the output layer's column for a person is their
 * prototype, scaled so softmax(logits) is calibrated on the training photos. fc1 imprints on the
 * embedding; fc2 keeps its random hidden layer and imprints on the hidden activations.
 */
export function imprintedDenseHead(bank: FeatureBank, config: RunConfig): DenseHeadWeights {
  const dim = bank.train[0].clean.length;
  const head = initDenseHead(config.head, dim, bank.labels.length, config.seed);
  const out = head.layers.at(-1)!;
  let rows = bank.train.map((b) => b.clean);
  let twins = bank.train.map((b) => b.twin ?? null);
  if (config.head === 'fc2') {
    const hidden = head.layers[0];
    const relu = (xs: readonly Float32Array[]) => {
      const h = productJs(matrix(stack(xs), xs.length, dim), matrix(hidden.kernel, dim, hidden.units)).data;
      for (let i = 0; i < h.length; i++) h[i] = Math.max(0, h[i] + hidden.bias[i % hidden.units]);
      return xs.map((_, r) => h.subarray(r * hidden.units, (r + 1) * hidden.units));
    };
    rows = relu(rows);
    const known = twins.filter((t): t is Float32Array => t !== null);
    const mapped = known.length ? relu(known) : [];
    let k = 0;
    twins = twins.map((t) => (t ? mapped[k++] : null));
  }
  const means = classMeans(bank, rows, twins);
  const width = rows[0].length;
  const norm = rows.reduce((sum, r) => sum + Math.sqrt(r.reduce((s, v) => s + v * v, 0)), 0) / rows.length || 1;
  // The scale is fitted on up to 512 training photos: enough for one number, cheap at 1,734 people.
  const sample = rows.slice(0, 512);
  const cos = productJs(matrix(stack(sample), sample.length, width), matrix(stack(means), means.length, width), false, true).data;
  const scores: Scored[] = sample.map((_, i) => ({
    label: bank.train[i].label,
    scores: cos.slice(i * means.length, (i + 1) * means.length).map((v) => v / norm),
  }));
  const scale = 1 / fitTemperature(scores, MIN_TEMPERATURE.centroid);
  means.forEach((m, c) => m.forEach((v, j) => (out.kernel[j * out.units + c] = (scale * v) / norm)));
  return head;
}

export async function trainDenseModel(bank: FeatureBank, config: RunConfig, hooks: HeadTrainingHooks): Promise<TrainedModel> {
  const initial = config.init === 'prototypes' ? imprintedDenseHead(bank, config) : undefined;
  const trained = await trainHead(bank, config, { ...hooks, initial });
  const head = new LayersHead(config.head, bank.labels, trained.model);
  const temperature = fitTemperature(await scoreSamples(head, bank.val.length ? bank.val : bank.test), MIN_TEMPERATURE[config.head]);
  const { data: _data, ...settings } = config;
  return {
    head,
    manifestHead: { kind: config.head, file: 'head/model.json', config: settings },
    files: await serialiseHeadModel(trained.model),
    temperature,
    bestEpoch: trained.bestEpoch,
    bestValLoss: trained.bestValLoss,
    stopped: trained.stopped,
  };
}
