/**
 * The model the bots answer with: a single row. It changes automatically only when the
 * promotion rule (src/engine/train/promotion-rule.ts) says a finished run replaces it; a
 * user's explicit choice (`pinActiveModel`) pins it until `clearPin`.
 */
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

/** Decides, from the active model as it is inside the transaction, whether the offered run replaces it. */
export type PromotionRule = (active: ActiveModel | null) => OfferOutcome;

/**
 * Offers a finished run's model for promotion. The store does not judge models: `decide` (the
 * promotion rule, src/engine/train/promotion-rule.ts) sees the active model inside one IMMEDIATE
 * transaction, and its decision is written in that same transaction. Only a `done` run is ever
 * offered to the rule. Throws `RunNotFoundError` for an unknown run.
 */
export function offerModel(db: Database, offer: ModelOffer, decide: PromotionRule): OfferOutcome {
  requireText(offer.modelPath, 'modelPath');
  requireFraction(offer.testAccuracy, 'testAccuracy');
  return db
    .transaction((): OfferOutcome => {
      const { status } = runStatus(db, offer.runId);
      if (status !== 'done') return { promoted: false, reason: `run ${offer.runId} is ${status}; only finished runs are promoted` };
      const outcome = decide(getActiveModel(db));
      if (outcome.promoted) setActive(db, offer.runId, offer.modelPath, offer.testAccuracy, false);
      return outcome;
    })
    .immediate();
}

/** Back to the shipped default model: forgets the active run (and its pin). */
export function resetActiveModel(db: Database): void {
  db.prepare('DELETE FROM active_model WHERE id = 1').run();
}
