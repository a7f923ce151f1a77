/** The five training processes of the original design, and how flags override them. */
import { DEFAULT_AUGMENT, type AugmentConfig } from '../augment/recipe.js';
import { DEFAULT_BACKBONE } from '../backbones/registry.js';
import type { TrainableHeadKind } from '../heads/head.js';
import type { LossKind } from './losses.js';
import type { TrainConfig } from './trainer.js';
import { CelebError } from '../errors.js';

export type PresetId = 1 | 2 | 3 | 4 | 5;
export const PRESET_IDS: readonly PresetId[] = [1, 2, 3, 4, 5];

export interface TrainingPreset {
  id: PresetId;
  head: TrainableHeadKind;
  loss: LossKind;
  samplePairing: boolean;
  epochs: number;
}

export const PRESETS: Record<PresetId, TrainingPreset> = {
  1: { id: 1, head: 'fc2', loss: 'nll', samplePairing: false, epochs: 200 },
  2: { id: 2, head: 'fc1', loss: 'nll', samplePairing: false, epochs: 50 },
  3: { id: 3, head: 'fc1', loss: 'focal', samplePairing: false, epochs: 50 },
  4: { id: 4, head: 'fc1', loss: 'nll', samplePairing: false, epochs: 100 },
  5: { id: 5, head: 'fc1', loss: 'nll', samplePairing: true, epochs: 100 },
};

/** "fc2 + NLL, 200 epochs": what a preset is, for replies and choice names. */
export function describePreset(p: Pick<TrainingPreset, 'head' | 'loss' | 'samplePairing' | 'epochs'>): string {
  return `${p.head} + ${p.loss === 'nll' ? 'NLL' : 'focal'}${p.samplePairing ? ' + sample pairing' : ''}, ${p.epochs} epochs`;
}

/** Everything a run needs, stored as the run's config JSON. */
export interface RunConfig extends TrainConfig {
  preset: PresetId | null;
  backbone: string;
  augment: AugmentConfig;
  /** ImageFolder dataset root. */
  data: string;
  assumeCrop: boolean;
}

export const TRAINING_DEFAULTS = { focalGamma: 2, learningRate: 0.003, weightDecay: 1e-5, batchSize: 128, seed: 42 } as const;

export type RunOverrides = Partial<Omit<RunConfig, 'augment' | 'preset'>> & { augment?: Partial<AugmentConfig> };

export class PresetError extends CelebError {
  override name = 'PresetError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('preset', message, options);
  }
}

export function isPresetId(value: unknown): value is PresetId {
  return typeof value === 'number' && PRESET_IDS.includes(value as PresetId);
}

export function runConfig(preset: PresetId, data: string, overrides: RunOverrides = {}): RunConfig {
  if (!isPresetId(preset)) throw new PresetError(`There are five training presets, 1 to 5; got ${String(preset)}.`);
  const { augment, ...rest } = overrides;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<RunConfig>;
  const { id: _id, ...fromPreset } = PRESETS[preset];
  const config: RunConfig = {
    ...fromPreset,
    ...TRAINING_DEFAULTS,
    backbone: DEFAULT_BACKBONE,
    data,
    assumeCrop: false,
    ...defined,
    preset,
    augment: { ...DEFAULT_AUGMENT, ...augment },
  };
  if (!['fc1', 'fc2'].includes(config.head)) throw new PresetError(`the head must be fc1 or fc2, got "${config.head}"`);
  if (!['nll', 'focal'].includes(config.loss)) throw new PresetError(`the loss must be nll or focal, got "${config.loss}"`);
  for (const key of ['epochs', 'batchSize'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) throw new PresetError(`${key} must be a whole number of at least 1`);
  }
  if (!(config.learningRate > 0)) throw new PresetError('the learning rate must be positive');
  return config;
}
