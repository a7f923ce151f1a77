/**
 * Training runs and their per-epoch metrics. Lifecycle:
 *   queued -> running -> done
 *   queued | running -> failed | cancelled | interrupted
 * done/failed/cancelled/interrupted are final; any other change throws `RunStateError`.
 */
import {
  NOW_SQL,
  RunNotFoundError,
  RunStateError,
  StoreError,
  StoreValidationError,
  isPlainObject,
  parseJson,
  requireFinite,
  requireFraction,
  requireText,
  type Database,
} from './shared.js';

export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'];
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['done', 'failed', 'cancelled', 'interrupted'];

export interface NewRun {
  /** Preset number 1..6, or null for a hand-made configuration. */
  readonly preset: number | null;
  /** The full training configuration; stored as JSON. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly backbone: string;
  readonly backend: string;
  readonly head: string;
  readonly loss: string;
  readonly samplePairing: boolean;
  /** Planned number of epochs. */
  readonly epochs: number;
}

/** A stored run: what it was created with, plus its lifecycle. */
export interface RunRecord extends NewRun {
  readonly id: number;
  readonly status: RunStatus;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly seconds: number | null;
  readonly error: string | null;
  readonly modelPath: string | null;
  readonly bestEpoch: number | null;
  readonly bestValLoss: number | null;
}

export interface EpochMetrics {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly valLoss: number | null;
  /** Fraction in [0, 1]. */
  readonly valAccuracy: number | null;
  readonly seconds: number;
}

/** A run with its recorded epochs, in epoch order. */
export interface RunWithEpochs extends RunRecord {
  readonly history: EpochMetrics[];
}

export interface FinishRun {
  readonly seconds: number;
  readonly modelPath: string | null;
  readonly bestEpoch: number | null;
  readonly bestValLoss: number | null;
}

interface RunRow {
  id: number;
  preset: number | null;
  config: string;
  backbone: string;
  backend: string;
  head: string;
  loss: string;
  sample_pairing: number;
  epochs: number;
  status: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  seconds: number | null;
  error: string | null;
  model_path: string | null;
  best_epoch: number | null;
  best_val_loss: number | null;
}

interface EpochRow {
  epoch: number;
  train_loss: number;
  val_loss: number | null;
  val_accuracy: number | null;
  seconds: number;
}

function toStatus(value: string): RunStatus {
  if ((RUN_STATUSES as readonly string[]).includes(value)) return value as RunStatus;
  throw new StoreError(`unknown run status "${value}"`);
}

function toRun(row: RunRow): RunRecord {
  const config = parseJson(row.config, `config of run ${row.id}`);
  if (!isPlainObject(config)) throw new StoreError(`stored config of run ${row.id} is not a JSON object`);
  return {
    id: row.id,
    preset: row.preset,
    config,
    backbone: row.backbone,
    backend: row.backend,
    head: row.head,
    loss: row.loss,
    samplePairing: row.sample_pairing === 1,
    epochs: row.epochs,
    status: toStatus(row.status),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    seconds: row.seconds,
    error: row.error,
    modelPath: row.model_path,
    bestEpoch: row.best_epoch,
    bestValLoss: row.best_val_loss,
  };
}

function toEpoch(row: EpochRow): EpochMetrics {
  return { epoch: row.epoch, trainLoss: row.train_loss, valLoss: row.val_loss, valAccuracy: row.val_accuracy, seconds: row.seconds };
}

function requireCount(value: number, what: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new StoreValidationError(`${what} must be an integer >= ${min}, got ${value}`);
  return value;
}

export function createRun(db: Database, run: NewRun): number {
  if (run.preset !== null && (!Number.isInteger(run.preset) || run.preset < 1 || run.preset > 6)) {
    throw new StoreValidationError(`preset must be an integer 1..6 or null, got ${run.preset}`);
  }
  const config = JSON.stringify(run.config);
  if (!isPlainObject(run.config) || config === undefined) throw new StoreValidationError('config must be a JSON-serialisable object');
  const result = db
    .prepare(
      `
    INSERT INTO runs (preset, config, backbone, backend, head, loss, sample_pairing, epochs, status, owner_pid)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?)
  `,
    )
    .run(
      run.preset,
      config,
      requireText(run.backbone, 'backbone'),
      requireText(run.backend, 'backend'),
      requireText(run.head, 'head'),
      requireText(run.loss, 'loss'),
      run.samplePairing ? 1 : 0,
      requireCount(run.epochs, 'epochs', 1),
      process.pid,
    );
  return Number(result.lastInsertRowid);
}

function statusOf(db: Database, runId: number): RunStatus {
  const row = db.prepare<[number], { status: string }>('SELECT status FROM runs WHERE id = ?').get(runId);
  if (row === undefined) throw new RunNotFoundError(runId);
  return toStatus(row.status);
}

/** Runs `UPDATE runs SET <set> WHERE id = @id AND status IN <from>`; throws if no row changed. */
function transition(
  db: Database,
  runId: number,
  from: readonly RunStatus[],
  action: string,
  set: string,
  params: Record<string, string | number | null> = {},
): void {
  const allowed = from.map((s) => `'${s}'`).join(', ');
  const result = db.prepare(`UPDATE runs SET ${set} WHERE id = @id AND status IN (${allowed})`).run({ ...params, id: runId });
  if (result.changes === 0) throw new RunStateError(runId, statusOf(db, runId), action);
}

const ELAPSED_SQL = `CASE WHEN started_at IS NULL THEN NULL ELSE (julianday('now') - julianday(started_at)) * 86400.0 END`;

/** `backend`: the tfjs backend the run actually got, when it differs from the one planned at creation. */
export function markRunning(db: Database, runId: number, backend?: string): void {
  transition(db, runId, ['queued'], 'start', `status = 'running', started_at = ${NOW_SQL}, backend = COALESCE(@backend, backend)`, {
    backend: backend ?? null,
  });
}

/** Stores one epoch's metrics; the run must be running and the epoch not yet recorded. */
export function recordEpoch(db: Database, runId: number, metrics: EpochMetrics): void {
  requireCount(metrics.epoch, 'epoch', 0);
  requireFinite(metrics.trainLoss, 'trainLoss');
  if (metrics.valLoss !== null) requireFinite(metrics.valLoss, 'valLoss');
  if (metrics.valAccuracy !== null) requireFraction(metrics.valAccuracy, 'valAccuracy');
  if (!Number.isFinite(metrics.seconds) || metrics.seconds < 0) throw new StoreValidationError(`seconds must be >= 0, got ${metrics.seconds}`);
  db.transaction(() => {
    const status = statusOf(db, runId);
    if (status !== 'running') throw new RunStateError(runId, status, `record epoch ${metrics.epoch} of`);
    const exists = db.prepare<[number, number], { one: number }>('SELECT 1 AS one FROM epochs WHERE run_id = ? AND epoch = ?').get(runId, metrics.epoch);
    if (exists !== undefined) throw new StoreValidationError(`epoch ${metrics.epoch} of run ${runId} is already recorded`);
    db.prepare('INSERT INTO epochs (run_id, epoch, train_loss, val_loss, val_accuracy, seconds) VALUES (?, ?, ?, ?, ?, ?)').run(
      runId,
      metrics.epoch,
      metrics.trainLoss,
      metrics.valLoss,
      metrics.valAccuracy,
      metrics.seconds,
    );
  }).immediate();
}

/** running -> done. */
export function finishRun(db: Database, runId: number, outcome: FinishRun): void {
  if (!Number.isFinite(outcome.seconds) || outcome.seconds < 0) throw new StoreValidationError(`seconds must be >= 0, got ${outcome.seconds}`);
  if (outcome.modelPath !== null) requireText(outcome.modelPath, 'modelPath');
  if (outcome.bestEpoch !== null) requireCount(outcome.bestEpoch, 'bestEpoch', 0);
  if (outcome.bestValLoss !== null) requireFinite(outcome.bestValLoss, 'bestValLoss');
  transition(
    db,
    runId,
    ['running'],
    'finish',
    `status = 'done', finished_at = ${NOW_SQL}, seconds = @seconds, model_path = @modelPath, best_epoch = @bestEpoch, best_val_loss = @bestValLoss`,
    { seconds: outcome.seconds, modelPath: outcome.modelPath, bestEpoch: outcome.bestEpoch, bestValLoss: outcome.bestValLoss },
  );
}

/** queued | running -> failed, keeping the error message. */
export function failRun(db: Database, runId: number, error: string | Error): void {
  const message = typeof error === 'string' ? error : `${error.name}: ${error.message}`;
  transition(db, runId, ['queued', 'running'], 'fail', `status = 'failed', finished_at = ${NOW_SQL}, seconds = ${ELAPSED_SQL}, error = @message`, { message });
}

/** queued | running -> cancelled. */
export function cancelRun(db: Database, runId: number): void {
  transition(db, runId, ['queued', 'running'], 'cancel', `status = 'cancelled', finished_at = ${NOW_SQL}, seconds = ${ELAPSED_SQL}`);
}

/** A shutdown (SIGTERM) while the run was in progress: not a failure of the run itself. */
export function interruptRun(db: Database, runId: number, reason = 'interrupted: the program was stopped during the run'): void {
  transition(db, runId, ['queued', 'running'], 'interrupt', `status = 'interrupted', finished_at = ${NOW_SQL}, seconds = ${ELAPSED_SQL}, error = @reason`, {
    reason,
  });
}

/** Whether a process with this id is running on this machine. */
function processAlive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Crash recovery, called by `openDatabase`: a run still queued or running whose owning
 * process is gone becomes `interrupted`. Runs owned by a live process (a bot training
 * while `celeb leaderboard` opens the same file) are left alone. Returns how many changed.
 */
export function interruptUnfinishedRuns(db: Database): number {
  const orphans = db
    .prepare<[], { id: number; owner_pid: number | null }>("SELECT id, owner_pid FROM runs WHERE status IN ('queued', 'running')")
    .all()
    .filter((r) => !processAlive(r.owner_pid));
  const interrupt = db.prepare(`
    UPDATE runs SET status = 'interrupted', finished_at = ${NOW_SQL}, seconds = ${ELAPSED_SQL},
      error = 'interrupted: the process stopped before the run finished'
    WHERE id = ? AND status IN ('queued', 'running')
  `);
  return db.transaction(() => orphans.reduce((n, r) => n + interrupt.run(r.id).changes, 0))();
}

function epochsOf(db: Database, runId: number): EpochMetrics[] {
  return db
    .prepare<[number], EpochRow>('SELECT epoch, train_loss, val_loss, val_accuracy, seconds FROM epochs WHERE run_id = ? ORDER BY epoch')
    .all(runId)
    .map(toEpoch);
}

/** The run with its epochs, or null if there is no such run. */
export function getRun(db: Database, runId: number): RunWithEpochs | null {
  return db.transaction(() => {
    const row = db.prepare<[number], RunRow>('SELECT * FROM runs WHERE id = ?').get(runId);
    return row === undefined ? null : { ...toRun(row), history: epochsOf(db, runId) };
  })();
}

/** All runs, newest first, without epochs. */
export function listRuns(db: Database): RunRecord[] {
  return db.prepare<[], RunRow>('SELECT * FROM runs ORDER BY id DESC').all().map(toRun);
}

/** The run currently in progress (the newest one if several), with its epochs, or null. */
export function runningRun(db: Database): RunWithEpochs | null {
  const row = db.prepare<[], { id: number }>("SELECT id FROM runs WHERE status = 'running' ORDER BY id DESC LIMIT 1").get();
  return row === undefined ? null : getRun(db, row.id);
}
