/** Messages between the training job (caller's thread) and its worker. */
import type { BackendChoice } from '../run-options.js';
import type { RunConfig } from './presets.js';
import type { TrainingOutcome, TrainingProgress } from './progress.js';

export interface TrainingWorkerData {
  runId: number;
  config: RunConfig;
  dbPath: string;
  /** `<modelDir>/default` is the promotion baseline. */
  modelDir: string;
  /** Run models go to `<runsDir>/run-<id>`. */
  runsDir: string;
  backend: BackendChoice;
  /** Intra-op threads of each extraction worker's embedding networks; undefined: the pool's default. */
  onnxThreads: number | undefined;
  /** Where the networks' ONNX conversions are kept; undefined: the engine's default. */
  onnxCacheDir?: string;
  /** Extraction workers the training worker starts for itself. */
  workers: number;
  /** Int32 flag: 1 = stop at the next batch. Shared memory, so it works even while the worker computes. */
  cancelFlag: SharedArrayBuffer;
  /** Int32 gate: while 1, the run waits at its next checkpoint (tests hold a run open; see TrainingService.hold). */
  holdFlag: SharedArrayBuffer;
}

/** Values of a run's cancel flag: 1 a cancel (the run ends as cancelled), 2 a shutdown (it ends as interrupted). */
export const CANCEL = 1;
export const INTERRUPT = 2;

/** `held`: the run reached a checkpoint while the gate was closed and is waiting there. */
export type FromTrainingWorker = { type: 'progress'; progress: TrainingProgress } | { type: 'outcome'; outcome: TrainingOutcome } | { type: 'held' };
