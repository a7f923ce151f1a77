/**
 * The training API the bots and the CLI use: start a run (its id comes back at once),
 * follow its progress, cancel it. One run at a time; the work happens in a worker
 * thread so the caller's event loop stays free to answer photos.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BackendChoice } from '../run-options.js';
import { CelebError } from '../../base/errors.js';
import { createRun, failRun, getRun, interruptRun, type Database } from '../../store/index.js';
import { plannedRuntimeLabel } from '../runtime/runtime.js';
import { defaultPreset, runConfig, type PresetId, type RunConfig, type RunOverrides } from './presets.js';
import { gallerySplitBackbone } from '../gallery/split-layout.js';
import type { TrainingOutcome, TrainingProgress } from './progress.js';
import { CANCEL, INTERRUPT, type FromTrainingWorker, type TrainingWorkerData } from './worker-protocol.js';

export interface TrainingServiceOptions {
  db: Database;
  dbPath: string;
  /** `<modelDir>/default` is the promotion baseline. */
  modelDir: string;
  /** Run models go to `<runsDir>/run-<id>`. Default `<modelDir>/runs`. */
  runsDir?: string;
  /** Default dataset: `<dataDir>/face_data`. */
  dataDir: string;
  backend: BackendChoice;
  /** Intra-op threads of each extraction worker's embedding networks. Default: the pool's (the cores shared among its workers). */
  onnxThreads?: number;
  /** Where the networks' ONNX conversions are kept. Default: the engine's. */
  onnxCacheDir?: string;
  /** Extraction workers used while building the feature bank. */
  workers: number;
}

export interface RunningTraining {
  runId: number;
  config: RunConfig;
  startedAt: number;
  /** Latest progress, null until the worker reports. */
  progress: TrainingProgress | null;
  /** True once the run waits at a checkpoint of a closed gate (see `hold`). */
  held: boolean;
}

export class TrainingBusyError extends CelebError {
  override name = 'TrainingBusyError';
  constructor(readonly running: RunningTraining) {
    super('training_busy', `Training run #${running.runId} is still in progress.`);
  }
}

type Listener<T> = (value: T) => void;

/** How long shutdown waits for a run to stop by itself before terminating its worker. */
const SHUTDOWN_GRACE_MS = 10_000;

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
  /** Shared with every run's worker: while 1, runs wait at their next checkpoint. */
  private readonly holdFlag = new Int32Array(new SharedArrayBuffer(4));

  constructor(private readonly options: TrainingServiceOptions) {}

  get current(): RunningTraining | null {
    if (!this.active) return null;
    const { runId, config, startedAt, progress, held } = this.active;
    return { runId, config, startedAt, progress, held };
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
  start(requested: PresetId | 'default', overrides: RunOverrides = {}): RunningTraining {
    if (this.active) throw new TrainingBusyError(this.current!);
    const dataDir = overrides.data ?? `${this.options.dataDir}/face_data`;
    // On a gallery split, runs use the split's backbone (the gallery's) and default to preset 6.
    const splitBackbone = gallerySplitBackbone(dataDir);
    const preset = requested === 'default' ? defaultPreset(splitBackbone !== undefined) : requested;
    const config = runConfig(preset, dataDir, overrides, splitBackbone);
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
      runsDir: this.options.runsDir ?? path.join(this.options.modelDir, 'runs'),
      backend: this.options.backend,
      onnxThreads: this.options.onnxThreads,
      onnxCacheDir: this.options.onnxCacheDir,
      workers: this.options.workers,
      cancelFlag: cancelFlag.buffer,
      holdFlag: this.holdFlag.buffer,
    };
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: data });
    let settle: (outcome: TrainingOutcome) => void = () => undefined;
    const done = new Promise<TrainingOutcome>((resolve) => (settle = resolve));
    const active: Active = { runId, config, startedAt: Date.now(), progress: null, held: false, worker, cancelFlag, done, interrupting: false };
    this.active = active;
    this.latest = done;

    let outcome: TrainingOutcome | null = null;
    let crash = '';
    worker.on('message', (message: FromTrainingWorker) => {
      if (message.type === 'held') {
        active.held = true;
      } else if (message.type === 'progress') {
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
    Atomics.store(this.active.cancelFlag, 0, CANCEL);
    Atomics.notify(this.holdFlag, 0);
    return true;
  }

  /**
   * Holds runs at their next checkpoint (after the feature bank, between batches) until the
   * returned function is called; a cancel or a shutdown still ends them. For tests of what
   * happens during a run, so they never race the run's speed.
   */
  hold(): () => void {
    Atomics.store(this.holdFlag, 0, 1);
    return () => {
      Atomics.store(this.holdFlag, 0, 0);
      Atomics.notify(this.holdFlag, 0);
    };
  }

  /** The outcome of the current run, or of the latest one if it has ended; null before any run. */
  async wait(): Promise<TrainingOutcome | null> {
    return this.latest;
  }

  /**
   * Shutdown: the run stops at its next checkpoint (within about a batch) and records itself as
   * interrupted (not failed, not cancelled). A worker that has not ended after SHUTDOWN_GRACE_MS
   * is terminated and the run recorded here. The worker is not terminated at once because a
   * native onnxruntime call in flight in a terminated thread aborts the whole process.
   */
  async shutdown(): Promise<void> {
    const active = this.active;
    if (!active) return;
    active.interrupting = true;
    Atomics.store(active.cancelFlag, 0, INTERRUPT);
    Atomics.notify(this.holdFlag, 0);
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      active.done.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), SHUTDOWN_GRACE_MS))),
    ]);
    clearTimeout(timer);
    if (!ended) await active.worker.terminate(); // the exit handler records the interruption
    await active.done;
  }
}
