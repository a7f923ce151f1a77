/** Messages between the training job (caller's thread) and its worker. */
import type { BackendChoice } from '../../config.js';
import type { RunConfig } from './presets.js';
import type { TrainingOutcome, TrainingProgress } from './progress.js';

export interface TrainingWorkerData {
  runId: number;
  config: RunConfig;
  dbPath: string;
  modelDir: string;
  backend: BackendChoice;
  /** Intra-op threads of each extraction worker's ONNX session. */
  onnxThreads: number;
  /** Extraction workers the training worker starts for itself. */
  workers: number;
  /** Int32 flag: 1 = stop at the next batch. Shared memory, so it works even while the worker computes. */
  cancelFlag: SharedArrayBuffer;
}

export type FromTrainingWorker = { type: 'progress'; progress: TrainingProgress } | { type: 'outcome'; outcome: TrainingOutcome };
