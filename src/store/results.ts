/**
 * Test-set results of finished runs, and the leaderboard that compares them.
 * Accuracies are fractions in [0, 1].
 */
import { StoreValidationError, isPlainObject, parseJson, requireFinite, requireFraction, type Database } from './shared.js';
import type { RunStatus } from './runs.js';

export interface ConfusionMatrix {
  /** Class names; row i / column j of `matrix` are labels[i] (true) / labels[j] (predicted). */
  readonly labels: string[];
  readonly matrix: number[][];
}

export interface RunResult {
  readonly testTop1: number;
  readonly testTop3: number;
  /** Person name -> test accuracy for that person. */
  readonly perPerson: Record<string, number>;
  readonly confusion: ConfusionMatrix;
  /** Temperature from calibration, or null when calibration was skipped. */
  readonly temperature: number | null;
  readonly eceBefore: number | null;
  readonly eceAfter: number | null;
  /** Fingerprint of the test split (src/engine/dataset/test-split.ts); null for results saved before it existed. */
  readonly testSplit: string | null;
}

/**
 * A row of the leaderboard: a training run's test result, or a gallery's (its prototype head
 * measured on the test photos of its own split, see gallery-results.ts). Rows with the same
 * `testSplit` were measured on the same test photos.
 */
export interface LeaderboardRow {
  readonly kind: 'run' | 'gallery';
  /** The run; null for a gallery. */
  readonly runId: number | null;
  /** A gallery's model directory; null for a run. */
  readonly model: string | null;
  /** For a gallery, what its numbers measure; null for a run. */
  readonly description: string | null;
  readonly preset: number | null;
  readonly head: string;
  readonly loss: string;
  readonly samplePairing: boolean;
  /** Planned epochs; 0 for a gallery (no training). */
  readonly epochs: number;
  readonly bestEpoch: number | null;
  /** The run's best validation loss. */
  readonly valLoss: number | null;
  readonly testTop1: number;
  readonly testTop3: number;
  readonly backend: string;
  readonly seconds: number | null;
  readonly createdAt: string;
  readonly status: RunStatus;
  readonly testSplit: string | null;
  /** The best epoch was the last one run: validation loss was still falling, more epochs may help. */
  readonly stillImproving: boolean;
}

interface ResultRow {
  test_top1: number;
  test_top3: number;
  per_person: string;
  confusion: string;
  temperature: number | null;
  ece_before: number | null;
  ece_after: number | null;
  test_split: string | null;
}

interface LeaderboardSqlRow {
  kind: 'run' | 'gallery';
  id: number | null;
  model: string | null;
  description: string | null;
  preset: number | null;
  head: string;
  loss: string;
  sample_pairing: number;
  epochs: number;
  best_epoch: number | null;
  best_val_loss: number | null;
  test_top1: number;
  test_top3: number;
  backend: string;
  seconds: number | null;
  created_at: string;
  status: RunStatus;
  test_split: string | null;
  last_epoch: number | null;
}

function checkPerPerson(value: unknown, where: string): Record<string, number> {
  if (!isPlainObject(value)) throw new StoreValidationError(`${where}: perPerson must be an object of name -> accuracy`);
  for (const [name, accuracy] of Object.entries(value)) {
    if (typeof accuracy !== 'number') throw new StoreValidationError(`${where}: perPerson["${name}"] is not a number`);
    requireFraction(accuracy, `${where}: perPerson["${name}"]`);
  }
  return value as Record<string, number>;
}

function checkConfusion(value: unknown, where: string): ConfusionMatrix {
  if (!isPlainObject(value) || !Array.isArray(value.labels) || !Array.isArray(value.matrix)) {
    throw new StoreValidationError(`${where}: confusion must be { labels, matrix }`);
  }
  const { labels, matrix } = value;
  const n = labels.length;
  if (!labels.every((l) => typeof l === 'string')) throw new StoreValidationError(`${where}: confusion labels must be strings`);
  const square =
    matrix.length === n &&
    matrix.every((row) => Array.isArray(row) && row.length === n && row.every((c) => typeof c === 'number' && Number.isFinite(c) && c >= 0));
  if (!square) throw new StoreValidationError(`${where}: confusion matrix must be ${n}x${n} non-negative numbers`);
  return { labels: labels, matrix: matrix as number[][] };
}

function validate(runId: number, result: RunResult): void {
  const where = `result of run ${runId}`;
  requireFraction(result.testTop1, `${where}: testTop1`);
  requireFraction(result.testTop3, `${where}: testTop3`);
  if (result.testTop3 < result.testTop1) throw new StoreValidationError(`${where}: testTop3 (${result.testTop3}) < testTop1 (${result.testTop1})`);
  checkPerPerson(result.perPerson, where);
  checkConfusion(result.confusion, where);
  if (result.temperature !== null && !(Number.isFinite(result.temperature) && result.temperature > 0)) {
    throw new StoreValidationError(`${where}: temperature must be a positive number or null`);
  }
  if (result.eceBefore !== null) requireFinite(result.eceBefore, `${where}: eceBefore`);
  if (result.eceAfter !== null) requireFinite(result.eceAfter, `${where}: eceAfter`);
  if (result.testSplit !== null && (typeof result.testSplit !== 'string' || result.testSplit === '')) {
    throw new StoreValidationError(`${where}: testSplit must be a non-empty string or null`);
  }
}

/** Stores (or replaces, after a re-evaluation) the test result of a run. The run must exist. */
export function saveResult(db: Database, runId: number, result: RunResult): void {
  validate(runId, result);
  db.prepare(
    `
    INSERT INTO results (run_id, test_top1, test_top3, per_person, confusion, temperature, ece_before, ece_after, test_split)
    VALUES (@runId, @testTop1, @testTop3, @perPerson, @confusion, @temperature, @eceBefore, @eceAfter, @testSplit)
    ON CONFLICT (run_id) DO UPDATE SET test_top1 = excluded.test_top1, test_top3 = excluded.test_top3,
      per_person = excluded.per_person, confusion = excluded.confusion, temperature = excluded.temperature,
      ece_before = excluded.ece_before, ece_after = excluded.ece_after, test_split = excluded.test_split
  `,
  ).run({
    runId,
    testTop1: result.testTop1,
    testTop3: result.testTop3,
    perPerson: JSON.stringify(result.perPerson),
    confusion: JSON.stringify({ labels: result.confusion.labels, matrix: result.confusion.matrix }),
    temperature: result.temperature,
    eceBefore: result.eceBefore,
    eceAfter: result.eceAfter,
    testSplit: result.testSplit,
  });
}

export function getResult(db: Database, runId: number): RunResult | null {
  const row = db
    .prepare<[number], ResultRow>(
      'SELECT test_top1, test_top3, per_person, confusion, temperature, ece_before, ece_after, test_split FROM results WHERE run_id = ?',
    )
    .get(runId);
  if (row === undefined) return null;
  const where = `stored result of run ${runId}`;
  return {
    testTop1: row.test_top1,
    testTop3: row.test_top3,
    perPerson: checkPerPerson(parseJson(row.per_person, `${where} per_person`), where),
    confusion: checkConfusion(parseJson(row.confusion, `${where} confusion`), where),
    temperature: row.temperature,
    eceBefore: row.ece_before,
    eceAfter: row.ece_after,
    testSplit: row.test_split,
  };
}

/** Whether the best epoch was the last one actually run (runs may stop early): the loss was still falling. */
export function stillImproving(bestEpoch: number | null, lastEpoch: number | null): boolean {
  return bestEpoch !== null && lastEpoch !== null && bestEpoch === lastEpoch;
}

/**
 * One row per run that has a result and per recorded gallery: best test top-1 first; ties go
 * to the lower best validation loss (galleries and runs without one last), then to the older.
 */
export function leaderboard(db: Database): LeaderboardRow[] {
  return db
    .prepare<[], LeaderboardSqlRow>(
      `
    SELECT 'run' AS kind, r.id AS id, NULL AS model, NULL AS description, r.preset AS preset, r.head AS head, r.loss AS loss,
           r.sample_pairing AS sample_pairing, r.epochs AS epochs, r.best_epoch AS best_epoch, r.best_val_loss AS best_val_loss,
           res.test_top1 AS test_top1, res.test_top3 AS test_top3, r.backend AS backend, r.seconds AS seconds,
           r.created_at AS created_at, r.status AS status, res.test_split AS test_split,
           (SELECT MAX(e.epoch) FROM epochs AS e WHERE e.run_id = r.id) AS last_epoch
    FROM results AS res JOIN runs AS r ON r.id = res.run_id
    UNION ALL
    SELECT 'gallery', NULL, g.model_path, g.description, NULL, g.head, '-', 0, 0, NULL, NULL,
           g.test_top1, g.test_top3, '-', NULL, g.built_at, 'done', g.test_split, NULL
    FROM gallery_results AS g
    ORDER BY test_top1 DESC, best_val_loss ASC NULLS LAST, created_at ASC, id ASC NULLS LAST
  `,
    )
    .all()
    .map((row) => ({
      kind: row.kind,
      runId: row.id,
      model: row.model,
      description: row.description,
      preset: row.preset,
      head: row.head,
      loss: row.loss,
      samplePairing: row.sample_pairing === 1,
      epochs: row.epochs,
      bestEpoch: row.best_epoch,
      valLoss: row.best_val_loss,
      testTop1: row.test_top1,
      testTop3: row.test_top3,
      backend: row.backend,
      seconds: row.seconds,
      createdAt: row.created_at,
      status: row.status,
      testSplit: row.test_split,
      stillImproving: stillImproving(row.best_epoch, row.last_epoch),
    }));
}
