/**
 * The model the bots answer with: a single row. It changes automatically only when a
 * finished run beats it on test accuracy and it is not pinned; a user's explicit
 * choice (`pinActiveModel`) pins it until `clearPin`.
 */
import { percent } from '../format.js';
import { NOW_SQL, RunNotFoundError, StoreValidationError, requireFraction, requireText, type Database } from './shared.js';

export interface ActiveModel {
  /** The run that produced the model; null if that run was deleted. */
  readonly runId: number | null;
  readonly modelPath: string;
  /** Test top-1 accuracy in [0, 1], or null when unknown. */
  readonly testAccuracy: number | null;
  readonly pinned: boolean;
  readonly updatedAt: string;
}

export interface ModelOffer {
  readonly runId: number;
  readonly modelPath: string;
  /** Test top-1 accuracy in [0, 1]. */
  readonly testAccuracy: number;
}

export interface OfferOutcome {
  readonly promoted: boolean;
  /** Why, in a sentence fit for a log line or a chat reply. */
  readonly reason: string;
}

interface ActiveRow {
  run_id: number | null;
  model_path: string;
  test_accuracy: number | null;
  pinned: number;
  updated_at: string;
}

export function getActiveModel(db: Database): ActiveModel | null {
  const row = db.prepare<[], ActiveRow>('SELECT run_id, model_path, test_accuracy, pinned, updated_at FROM active_model WHERE id = 1').get();
  return row === undefined
    ? null
    : {
        runId: row.run_id,
        modelPath: row.model_path,
        testAccuracy: row.test_accuracy,
        pinned: row.pinned === 1,
        updatedAt: row.updated_at,
      };
}

function setActive(db: Database, runId: number, modelPath: string, testAccuracy: number | null, pinned: boolean): void {
  db.prepare(
    `
    INSERT INTO active_model (id, run_id, model_path, test_accuracy, pinned, updated_at) VALUES (1, ?, ?, ?, ?, ${NOW_SQL})
    ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id, model_path = excluded.model_path,
      test_accuracy = excluded.test_accuracy, pinned = excluded.pinned, updated_at = excluded.updated_at
  `,
  ).run(runId, modelPath, testAccuracy, pinned ? 1 : 0);
}

function runStatus(db: Database, runId: number): { status: string; modelPath: string | null } {
  const row = db.prepare<[number], { status: string; model_path: string | null }>('SELECT status, model_path FROM runs WHERE id = ?').get(runId);
  if (row === undefined) throw new RunNotFoundError(runId);
  return { status: row.status, modelPath: row.model_path };
}

/**
 * A user's explicit choice: makes the run's model active and pins it, whatever its
 * accuracy. The run must be `done` and have a model path. Its test accuracy is taken
 * from its saved result (null if there is none).
 */
export function pinActiveModel(db: Database, runId: number): ActiveModel {
  return db
    .transaction(() => {
      const run = runStatus(db, runId);
      if (run.status !== 'done') throw new StoreValidationError(`run ${runId} is ${run.status}; only a finished (done) run can be pinned`);
      if (run.modelPath === null) throw new StoreValidationError(`run ${runId} has no saved model to pin`);
      const result = db.prepare<[number], { test_top1: number }>('SELECT test_top1 FROM results WHERE run_id = ?').get(runId);
      setActive(db, runId, run.modelPath, result?.test_top1 ?? null, true);
      const active = getActiveModel(db);
      if (active === null) throw new Error('active model row vanished inside its own transaction');
      return active;
    })
    .immediate();
}

/** Unpins the active model so better runs can replace it again. No-op without an active model. */
export function clearPin(db: Database): void {
  db.prepare(`UPDATE active_model SET pinned = 0, updated_at = ${NOW_SQL} WHERE id = 1 AND pinned = 1`).run();
}

/**
 * Offers a run's model for promotion. It becomes active only if the run is `done`, the
 * active model is not pinned, and it is strictly more accurate on the test set than the
 * active model (an active model with unknown accuracy is always beaten; no active model
 * at all means any finished run is promoted). Throws `RunNotFoundError` for an unknown run.
 */
export function offerModel(db: Database, offer: ModelOffer): OfferOutcome {
  requireText(offer.modelPath, 'modelPath');
  requireFraction(offer.testAccuracy, 'testAccuracy');
  const pct = (x: number | null) => percent(x, 2);
  return db
    .transaction((): OfferOutcome => {
      const { status } = runStatus(db, offer.runId);
      if (status !== 'done') return { promoted: false, reason: `run ${offer.runId} is ${status}; only finished runs are promoted` };
      const active = getActiveModel(db);
      if (active?.pinned) return { promoted: false, reason: `the active model (run ${active.runId ?? 'unknown'}) is pinned` };
      if (active !== null && active.runId === offer.runId && active.modelPath === offer.modelPath) {
        return { promoted: false, reason: `run ${offer.runId} is already the active model` };
      }
      if (active !== null && active.testAccuracy !== null && offer.testAccuracy <= active.testAccuracy) {
        return {
          promoted: false,
          reason: `run ${offer.runId} (${pct(offer.testAccuracy)}) does not beat the active model (run ${active.runId ?? 'unknown'}, ${pct(active.testAccuracy)})`,
        };
      }
      setActive(db, offer.runId, offer.modelPath, offer.testAccuracy, false);
      const reason =
        active === null
          ? `run ${offer.runId} (${pct(offer.testAccuracy)}) is the first active model`
          : active.testAccuracy === null
            ? `run ${offer.runId} (${pct(offer.testAccuracy)}) replaces a model of unknown accuracy`
            : `run ${offer.runId} (${pct(offer.testAccuracy)}) beats run ${active.runId ?? 'unknown'} (${pct(active.testAccuracy)})`;
      return { promoted: true, reason };
    })
    .immediate();
}

/** Back to the shipped default model: forgets the active run (and its pin). */
export function resetActiveModel(db: Database): void {
  db.prepare('DELETE FROM active_model WHERE id = 1').run();
}
