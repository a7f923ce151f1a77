/**
 * Schema migrations, tracked with `PRAGMA user_version`. Append new entries with the
 * next version number; never edit one that has shipped. Each migration runs in its
 * own IMMEDIATE transaction together with the version bump, so a failing migration
 * leaves the database at the previous version, untouched.
 */
import { NOW_SQL, SchemaVersionError, StoreError, type Database } from './shared.js';

export interface Migration {
  readonly version: number;
  readonly description: string;
  /**
   * Rebuilds a table other tables reference: SQLite's procedure runs it with foreign keys off
   * (a pragma that cannot change inside a transaction), then checks them before committing.
   */
  readonly rebuildsTable?: boolean;
  up(db: Database): void;
}

const RUN_STATUSES_SQL = "'queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'";

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'feature cache, training runs, epochs, results, active model',
    up(db) {
      db.exec(`
        CREATE TABLE features (
          content_hash TEXT NOT NULL,
          backbone     TEXT NOT NULL,
          view         TEXT NOT NULL,
          dim          INTEGER,
          vector       BLOB,
          box          TEXT,
          created_at   TEXT NOT NULL DEFAULT (${NOW_SQL}),
          PRIMARY KEY (backbone, view, content_hash),
          CHECK ((vector IS NULL AND dim IS NULL)
              OR (typeof(vector) = 'blob' AND dim > 0 AND length(vector) = 4 * dim)),
          CHECK (box IS NULL OR (vector IS NOT NULL AND json_valid(box)))
        );

        CREATE TABLE runs (
          id             INTEGER PRIMARY KEY AUTOINCREMENT,
          preset         INTEGER CHECK (preset IS NULL OR preset BETWEEN 1 AND 5),
          config         TEXT NOT NULL CHECK (json_valid(config)),
          backbone       TEXT NOT NULL,
          backend        TEXT NOT NULL,
          head           TEXT NOT NULL,
          loss           TEXT NOT NULL,
          sample_pairing INTEGER NOT NULL CHECK (sample_pairing IN (0, 1)),
          epochs         INTEGER NOT NULL CHECK (epochs > 0),
          status         TEXT NOT NULL DEFAULT 'queued' CHECK (status IN (${RUN_STATUSES_SQL})),
          created_at     TEXT NOT NULL DEFAULT (${NOW_SQL}),
          started_at     TEXT,
          finished_at    TEXT,
          seconds        REAL,
          error          TEXT,
          model_path     TEXT,
          best_epoch     INTEGER,
          best_val_loss  REAL
        );
        CREATE INDEX runs_by_status ON runs (status);

        CREATE TABLE epochs (
          run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          epoch        INTEGER NOT NULL CHECK (epoch >= 0),
          train_loss   REAL NOT NULL,
          val_loss     REAL,
          val_accuracy REAL CHECK (val_accuracy IS NULL OR val_accuracy BETWEEN 0 AND 1),
          seconds      REAL NOT NULL CHECK (seconds >= 0),
          PRIMARY KEY (run_id, epoch)
        ) WITHOUT ROWID;

        CREATE TABLE results (
          run_id      INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
          test_top1   REAL NOT NULL CHECK (test_top1 BETWEEN 0 AND 1),
          test_top3   REAL NOT NULL CHECK (test_top3 BETWEEN 0 AND 1),
          per_person  TEXT NOT NULL CHECK (json_valid(per_person)),
          confusion   TEXT NOT NULL CHECK (json_valid(confusion)),
          temperature REAL,
          ece_before  REAL,
          ece_after   REAL
        );

        CREATE TABLE active_model (
          id            INTEGER PRIMARY KEY CHECK (id = 1),
          run_id        INTEGER REFERENCES runs (id) ON DELETE SET NULL,
          model_path    TEXT NOT NULL,
          test_accuracy REAL CHECK (test_accuracy IS NULL OR test_accuracy BETWEEN 0 AND 1),
          pinned        INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
          updated_at    TEXT NOT NULL DEFAULT (${NOW_SQL})
        );
      `);
    },
  },
  {
    version: 2,
    description: 'runs.owner_pid: crash recovery only interrupts runs whose process is gone',
    up(db) {
      db.exec('ALTER TABLE runs ADD COLUMN owner_pid INTEGER');
    },
  },
  {
    version: 3,
    description: 'results.test_split: which test photos the accuracy was measured on (NULL for older results)',
    up(db) {
      db.exec('ALTER TABLE results ADD COLUMN test_split TEXT');
    },
  },
  {
    version: 4,
    description: 'gallery_results: a gallery model measured on the test photos of its own split, a leaderboard row beside the runs',
    up(db) {
      db.exec(`
        CREATE TABLE gallery_results (
          model_path  TEXT PRIMARY KEY,
          head        TEXT NOT NULL,
          backbone    TEXT NOT NULL,
          people      INTEGER NOT NULL CHECK (people > 0),
          test_photos INTEGER NOT NULL CHECK (test_photos > 0),
          test_top1   REAL NOT NULL CHECK (test_top1 BETWEEN 0 AND 1),
          test_top3   REAL NOT NULL CHECK (test_top3 BETWEEN test_top1 AND 1),
          test_split  TEXT NOT NULL CHECK (test_split <> ''),
          description TEXT NOT NULL,
          built_at    TEXT NOT NULL,
          recorded_at TEXT NOT NULL DEFAULT (${NOW_SQL})
        );
      `);
    },
  },
  {
    version: 5,
    description: 'runs.preset allows preset 6 (the imprinted cosine head): the runs table rebuilt with the wider CHECK',
    rebuildsTable: true,
    up(db) {
      const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'runs'").pluck().get() as string;
      const indexes = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL").pluck().all() as string[];
      const wider = table.replace('preset BETWEEN 1 AND 5', 'preset BETWEEN 1 AND 6').replace(/^CREATE TABLE runs\b/, 'CREATE TABLE runs_new');
      if (wider === table || !wider.startsWith('CREATE TABLE runs_new'))
        throw new StoreError('migration 5: the runs table is not the one this migration knows');
      db.exec(wider);
      db.exec('INSERT INTO runs_new SELECT * FROM runs; DROP TABLE runs; ALTER TABLE runs_new RENAME TO runs;');
      for (const sql of indexes) db.exec(sql);
    },
  },
  {
    version: 6,
    description: 'features: embeddings of detected faces dropped, since detection became mirror-symmetric and cuts different crops',
    up(db) {
      // A cache: the faces are found and embedded again on next use. Whole-image embeddings (`whole`) involve no detection and stay.
      db.exec("DELETE FROM features WHERE view <> 'whole'");
    },
  },
];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.length === 0 ? 0 : MIGRATIONS[MIGRATIONS.length - 1].version;

export function readSchemaVersion(db: Database): number {
  const value = db.pragma('user_version', { simple: true });
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new StoreError(`unexpected user_version ${String(value)}`);
  return value;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new StoreError(`migration list is broken: entry ${i} has version ${m.version}, expected ${i + 1}`);
    }
  });
}

/**
 * Brings the schema up to the newest version in `migrations` and returns the versions
 * that were applied. Throws `SchemaVersionError` (changing nothing) if the file is newer.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  checkOrder(migrations);
  const latest = migrations.length;
  const current = readSchemaVersion(db);
  if (current > latest) throw new SchemaVersionError(current, latest, db.name);
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
    if (migration.rebuildsTable) db.pragma('foreign_keys = OFF');
    const apply = db.transaction(() => {
      // Another process may have migrated between our read and taking the write lock.
      if (readSchemaVersion(db) >= migration.version) return false;
      migration.up(db);
      if (migration.rebuildsTable && (db.pragma('foreign_key_check') as unknown[]).length > 0)
        throw new StoreError(`migration ${migration.version} broke a foreign key`);
      db.pragma(`user_version = ${migration.version}`);
      return true;
    });
    try {
      if (apply.immediate()) applied.push(migration.version);
    } finally {
      if (migration.rebuildsTable && foreignKeys) db.pragma('foreign_keys = ON');
    }
  }
  return applied;
}
