/** Preset 6 in a run: the imprinted cosine head (imprint/train-imprinted.ts), saved as a gallery model's centroid head. */
import { encodeFloat16 } from '../model/float16.js';
import type { FeatureBank } from './feature-bank.js';
import type { RunConfig } from './presets.js';
import { trainImprinted, WHITENING_STRENGTHS } from './imprint/train-imprinted.js';
import type { HeadTrainingHooks, TrainedModel } from './trained-model.js';

export const PROTOTYPES_FILE = 'prototypes.f16';
export const PROJECTION_FILE = 'projection.f16';

export async function trainImprintedModel(
  bank: FeatureBank,
  config: RunConfig,
  hooks: HeadTrainingHooks & { onStage?: (stage: 'whitening' | 'refit', done: number, total: number) => void },
): Promise<TrainedModel> {
  const result = await trainImprinted(
    bank,
    {
      epochs: config.epochs,
      learningRate: config.learningRate,
      batchSize: config.batchSize,
      seed: config.seed,
      margin: config.margin,
      whitening: config.whitening ? WHITENING_STRENGTHS : [],
    },
    {
      shouldStop: hooks.shouldStop,
      onStage: hooks.onStage,
      onEpoch: (e) =>
        hooks.onEpoch({
          epoch: e.epoch,
          epochs: config.epochs,
          trainLoss: e.trainLoss,
          valLoss: e.valLoss,
          valAccuracy: e.valAccuracy,
          samplePairing: false,
          seconds: e.seconds,
        }),
    },
  );
  const { head } = result;
  const { data: _data, ...settings } = config;
  const files: TrainedModel['files'] = { [PROTOTYPES_FILE]: head.toBytes('float16') };
  if (head.projection) files[PROJECTION_FILE] = encodeFloat16(head.projection);
  return {
    head,
    manifestHead: { kind: 'centroid', file: PROTOTYPES_FILE, dtype: 'float16', ...(head.projection ? { projection: PROJECTION_FILE } : {}), config: settings },
    files,
    temperature: result.temperature,
    similarity: result.similarity,
    bestEpoch: result.fineTune.bestEpoch,
    bestValLoss: result.fineTune.bestValLoss,
    stopped: result.stopped,
    notes: {
      whitening: result.strength,
      trials: result.trials,
      start: result.fineTune.start,
      scale: result.fineTune.scale,
    },
  };
}
