/** What a training run reports while it works: the bots edit their progress message from this. */
import type { BankPhase } from './feature-bank.js';
import type { PresetId } from './presets.js';

export type TrainingProgress =
  | { runId: number; phase: 'extract'; step: BankPhase; done: number; total: number; etaSeconds: number }
  | {
      runId: number;
      phase: 'train';
      epoch: number;
      epochs: number;
      trainLoss: number;
      valLoss: number;
      valAccuracy: number;
      bestEpoch: number;
      samplePairing: boolean;
      etaSeconds: number;
    }
  /** Preset 6 between the bank and its epochs: the whitening strengths tried, then the refit on train + val. */
  | { runId: number; phase: 'fit'; step: 'whitening' | 'refit'; done: number; total: number }
  | { runId: number; phase: 'evaluate' | 'save' };

export interface TrainingOutcome {
  runId: number;
  preset: PresetId | null;
  status: 'done' | 'cancelled' | 'failed' | 'interrupted';
  error?: string;
  testAccuracy?: number;
  top3Accuracy?: number;
  bestEpoch?: number;
  valLoss?: number;
  backend: string;
  seconds: number;
  modelPath?: string;
  /** Whether the run's model became the active one, and why (not). */
  promoted?: boolean;
  promotion?: string;
  /** Feature bank: backbone passes made now vs. found in the cache. */
  features?: { computed: number; cached: number; seconds: number };
}

/**
 * Seconds left in a phase of the feature bank, from its rate since the phase started (NaN until
 * a few items are done). `clock` is the phase's start and the count done when it started.
 */
export function phaseEta(started: { at: number; done: number }, done: number, total: number, now = Date.now()): number {
  const made = done - started.done;
  if (made < 2 || now <= started.at) return NaN;
  return ((now - started.at) / 1000 / made) * (total - done);
}

/** Seconds left, from the mean epoch time so far. */
export function estimateEta(epochSeconds: readonly number[], epochsLeft: number): number {
  if (epochSeconds.length === 0) return NaN;
  return (epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length) * epochsLeft;
}
