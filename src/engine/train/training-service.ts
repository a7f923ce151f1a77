/**
 * The training API the bots and the CLI use: start a run (its id comes back at once),
 * follow its progress, cancel it. One run at a time; the work happens in a worker
 * thread so the caller's event loop stays free to answer photos.
 */
import { Worker } from 'node:worker_threads';
import type { BackendChoice } from '../../config.js';
import { CelebError } from '../errors.js';
import { createRun, failRun, getRun, interruptRun, type Database } from '../../store/index.js';
import { plannedRuntimeLabel } from '../runtime/runtime.js';
import { runConfig, type PresetId, type RunConfig, type RunOverrides } from './presets.js';
import type { TrainingOutcome, TrainingProgress } from './progress.js';
import type { FromTrainingWorker, TrainingWorkerData } from './worker-protocol.js';

export interface TrainingServiceOptions {
  db: Database;
  dbPath: string;
  /** Run models go to `<modelDir>/runs/run-<id>`. */
  modelDir: string;
  /** Default dataset: `<dataDir>/face_data`. */
  dataDir: string;
  backend: BackendChoice;
  /** Intra-op threads per ONNX session. Default 1. */
  onnxThreads?: number;
  /** Extraction workers used while building the feature bank. */
  workers: number;
}

export interface RunningTraining {
  runId: number;
  config: RunConfig;
  startedAt: number;
  /** Latest progress, null until the worker reports. */
  progress: TrainingProgress | null;
}

export class TrainingBusyError extends CelebError {
  override name = 'TrainingBusyError';
  constructor(readonly running: RunningTraining) {
    super('training_busy', `Training run #${running.runId} is still in progress.`);
  }
}

type Listener<T> = (value: T) => void;

interface Active extends RunningTraining {
  worker: Worker;
  cancelFlag: Int32Array;
  done: Promise<TrainingOutcome>;
  /** Set by shutdown(): the worker's end is an interruption, not a failure. */
  interrupting: boolean;
}

export class TrainingService {
  private active: Active | null = null;
  /** The latest run's end, so `wait()` called just after it ended still gets its outcome. */
  private latest: Promise<TrainingOutcome> | null = null;
  private readonly progressListeners = new Set<Listener<TrainingProgress>>();
  private readonly finishListeners = new Set<Listener<TrainingOutcome>>();

  constructor(private readonly options: TrainingServiceOptions) {}

  get current(): RunningTraining | null {
    if (!this.active) return null;
    const { runId, config, startedAt, progress } = this.active;
    return { runId, config, startedAt, progress };
  }

  onProgress(listener: Listener<TrainingProgress>): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  onFinished(listener: Listener<TrainingOutcome>): () => void {
    this.finishListeners.add(listener);
    return () => this.finishListeners.delete(listener);
  }

  /** Creates the run row and starts the worker; throws TrainingBusyError while another run is going. */
  start(preset: PresetId, overrides: RunOverrides = {}): RunningTraining {
    if (this.active) throw new TrainingBusyError(this.current!);
    const config = runConfig(preset, overrides.data ?? `${this.options.dataDir}/face_data`, overrides);
    const runId = createRun(this.options.db, {
      preset,
      config: { ...config },
      backbone: config.backbone,
      backend: plannedRuntimeLabel(this.options.backend),
      head: config.head,
      loss: config.loss,
      samplePairing: config.samplePairing,
      epochs: config.epochs,
    });
    const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
    const data: TrainingWorkerData = {
      runId,
      config,
      dbPath: this.options.dbPath,
      modelDir: this.options.modelDir,
      backend: this.options.backend,
      onnxThreads: this.options.onnxThreads ?? 1,
      workers: this.options.workers,
      cancelFlag: cancelFlag.buffer,
    };
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: data });
    let settle: (outcome: TrainingOutcome) => void = () => undefined;
    const done = new Promise<TrainingOutcome>((resolve) => (settle = resolve));
    const active: Active = { runId, config, startedAt: Date.now(), progress: null, worker, cancelFlag, done, interrupting: false };
    this.active = active;
    this.latest = done;

    let outcome: TrainingOutcome | null = null;
    let crash = '';
    worker.on('message', (message: FromTrainingWorker) => {
      if (message.type === 'progress') {
        active.progress = message.progress;
        for (const listener of this.progressListeners) listener(message.progress);
      } else {
        outcome = message.outcome;
      }
    });
    worker.on('error', (error) => (crash = error.message));
    worker.once('exit', (code) => {
      if (!outcome) {
        // Stopped by shutdown(), or died without an answer (out of memory, native crash). Either way the
        // active model is untouched; the database says which it was.
        const error = active.interrupting
          ? 'interrupted: the program was stopped during the run'
          : `the training worker stopped unexpectedly (exit code ${code}${crash ? `: ${crash}` : ''})`;
        const status = getRun(this.options.db, runId)?.status;
        if (status === 'queued' || status === 'running') {
          if (active.interrupting) interruptRun(this.options.db, runId, error);
          else failRun(this.options.db, runId, error);
        }
        outcome = {
          runId,
          preset,
          status: active.interrupting ? 'interrupted' : 'failed',
          error,
          backend: plannedRuntimeLabel(this.options.backend),
          seconds: (Date.now() - active.startedAt) / 1000,
        };
      }
      this.active = null;
      for (const listener of this.finishListeners) listener(outcome);
      settle(outcome);
    });
    return this.current!;
  }

  /** Asks the running run to stop at its next batch; it ends as `cancelled`. False when nothing runs. */
  cancel(): boolean {
    if (!this.active) return false;
    Atomics.store(this.active.cancelFlag, 0, 1);
    return true;
  }

  /** The outcome of the current run, or of the latest one if it has ended; null before any run. */
  async wait(): Promise<TrainingOutcome | null> {
    return this.latest;
  }

  /** Shutdown: stop the worker now and record the run as interrupted (not failed, not cancelled). */
  async shutdown(): Promise<void> {
    const active = this.active;
    if (!active) return;
    active.interrupting = true;
    await active.worker.terminate(); // the exit handler records the interruption
    await active.done;
  }
}
