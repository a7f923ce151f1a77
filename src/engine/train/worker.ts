/** The training worker thread: runs one training run and reports progress to the job. */
import { parentPort, workerData } from 'node:worker_threads';
import { failRun, openDatabase } from '../../store/index.js';
import { EmbedderPool } from '../extract/pool.js';
import { selectBackend } from '../runtime/backend.js';
import { runtimeLabel } from '../runtime/runtime.js';
import { runTraining } from './run-training.js';
import { INTERRUPT } from './worker-protocol.js';
import type { TrainingOutcome } from './progress.js';
import type { FromTrainingWorker, TrainingWorkerData } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('train/worker.ts must run in a worker thread');
const send = (message: FromTrainingWorker) => port.postMessage(message);

const data = workerData as TrainingWorkerData;
const cancelFlag = new Int32Array(data.cancelFlag);
const holdFlag = new Int32Array(data.holdFlag);

/** Cancelled or shut down? Waits first while the gate is closed, so a held run neither ends nor moves on by itself. */
let toldHeld = false;
function shouldStop(): boolean {
  while (Atomics.load(holdFlag, 0) === 1 && Atomics.load(cancelFlag, 0) === 0) {
    if (!toldHeld) send({ type: 'held' });
    toldHeld = true;
    Atomics.wait(holdFlag, 0, 1, 100);
  }
  return Atomics.load(cancelFlag, 0) !== 0;
}
const started = Date.now();
// This thread does not own crash recovery: the process that created the run does.
const db = openDatabase(data.dbPath, { recoverInterruptedRuns: false });
let pool: EmbedderPool | null = null;
let outcome: TrainingOutcome;
try {
  await selectBackend(data.backend); // the head trains on this thread's tfjs backend
  pool = await EmbedderPool.start({
    backbone: data.config.backbone,
    backend: data.backend,
    onnxThreads: data.onnxThreads,
    onnxCacheDir: data.onnxCacheDir,
    workers: data.workers,
  });
  outcome = await runTraining({
    runId: data.runId,
    config: data.config,
    db,
    pool,
    backend: runtimeLabel(pool.runtime),
    modelDir: data.modelDir,
    runsDir: data.runsDir,
    onProgress: (progress) => send({ type: 'progress', progress }),
    shouldStop,
    interrupted: () => Atomics.load(cancelFlag, 0) === INTERRUPT,
  });
} catch (error) {
  // Start-up failed (models, backend): the run never got going.
  const message = error instanceof Error ? error.message : String(error);
  try {
    failRun(db, data.runId, message);
  } catch {
    // Already final (e.g. marked by the job): nothing more to record.
  }
  outcome = { runId: data.runId, preset: data.config.preset, status: 'failed', error: message, backend: data.backend, seconds: (Date.now() - started) / 1000 };
} finally {
  await pool?.close();
  db.close();
}
send({ type: 'outcome', outcome });
