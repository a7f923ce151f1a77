/**
 * The feature cache of a frozen backbone: one embedding per (image content hash,
 * backbone, view). A NULL vector records "no face found" so the image is not run
 * through detection again. Vectors are stored as Float32 little-endian BLOBs.
 */
import os from 'node:os';
import type { Box } from '../base/box.js';
import { StoreValidationError, parseJson, type Database } from './shared.js';

export interface FeatureKey {
  readonly contentHash: string;
  readonly backbone: string;
  /** How the image was prepared: `clean`, `aug:flip=1,rot=-4.2,...`, `pair:<hash2>`. */
  readonly view: string;
}

export interface FeatureRecord extends FeatureKey {
  /** The embedding, or null when no face was found in the image. */
  readonly vector: Float32Array | null;
  /** The face in the original image as [x, y, w, h], or null. Only with a vector. */
  readonly box: Box | null;
}

interface FeatureRow {
  content_hash: string;
  backbone: string;
  view: string;
  dim: number | null;
  vector: Buffer | null;
  box: string | null;
}

/** Hashes per `IN (...)` list: well below SQLite's bound-parameter limit, big enough to be quick. */
const LOOKUP_CHUNK = 500;
const LITTLE_ENDIAN = os.endianness() === 'LE';

/** Float32Array -> little-endian bytes (a copy). */
export function encodeVector(vector: Float32Array): Buffer {
  const bytes = Buffer.alloc(vector.length * 4);
  if (LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
  } else {
    for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i], i * 4);
  }
  return bytes;
}

/**
 * Little-endian bytes -> a fresh Float32Array. Copies, because a Buffer returned by
 * SQLite may sit at a byteOffset that is not a multiple of 4 inside a shared pool.
 */
export function decodeVector(bytes: Uint8Array, dim?: number): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new StoreValidationError(`vector BLOB has ${bytes.byteLength} bytes, not a multiple of 4`);
  const vector = new Float32Array(bytes.byteLength / 4);
  if (dim !== undefined && vector.length !== dim) throw new StoreValidationError(`vector BLOB holds ${vector.length} floats but dim is ${dim}`);
  if (LITTLE_ENDIAN) {
    new Uint8Array(vector.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(i * 4, true);
  }
  return vector;
}

function parseBox(text: string): Box {
  const value = parseJson(text, 'face box');
  if (!Array.isArray(value) || value.length !== 4 || !value.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    throw new StoreValidationError(`stored face box ${text} is not [x, y, w, h]`);
  }
  return value as Box;
}

function toRecord(row: FeatureRow): FeatureRecord {
  return {
    contentHash: row.content_hash,
    backbone: row.backbone,
    view: row.view,
    vector: row.vector === null ? null : decodeVector(row.vector, row.dim ?? undefined),
    box: row.box === null ? null : parseBox(row.box),
  };
}

function validate(record: FeatureRecord): void {
  for (const field of ['contentHash', 'backbone', 'view'] as const) {
    if (typeof record[field] !== 'string' || record[field] === '') throw new StoreValidationError(`feature ${field} must be a non-empty string`);
  }
  const where = `${record.backbone}/${record.view}/${record.contentHash}`;
  if (record.vector !== null) {
    if (!(record.vector instanceof Float32Array) || record.vector.length === 0)
      throw new StoreValidationError(`feature ${where}: vector must be a non-empty Float32Array or null`);
    if (!record.vector.every(Number.isFinite)) throw new StoreValidationError(`feature ${where}: vector contains NaN or Infinity`);
  } else if (record.box !== null) {
    throw new StoreValidationError(`feature ${where}: a "no face" entry cannot have a box`);
  }
  if (record.box !== null && (record.box.length !== 4 || !record.box.every(Number.isFinite))) {
    throw new StoreValidationError(`feature ${where}: box must be four finite numbers [x, y, w, h]`);
  }
}

const COLUMNS = 'content_hash, backbone, view, dim, vector, box';

/** One cached entry, or null if this (hash, backbone, view) was never computed. */
export function getFeature(db: Database, key: FeatureKey): FeatureRecord | null {
  const row = db
    .prepare<[string, string, string], FeatureRow>(`SELECT ${COLUMNS} FROM features WHERE backbone = ? AND view = ? AND content_hash = ?`)
    .get(key.backbone, key.view, key.contentHash);
  return row === undefined ? null : toRecord(row);
}

/**
 * Cached entries for many images of one backbone and view, keyed by content hash.
 * Hashes missing from the result have never been computed. Duplicates are fine.
 */
export function getFeatures(db: Database, backbone: string, view: string, hashes: readonly string[]): Map<string, FeatureRecord> {
  const unique = [...new Set(hashes)];
  const found = new Map<string, FeatureRecord>();
  const statements = new Map<number, ReturnType<typeof prepareLookup>>();
  const lookup = (size: number) => {
    let statement = statements.get(size);
    if (statement === undefined) statements.set(size, (statement = prepareLookup(db, size)));
    return statement;
  };
  db.transaction(() => {
    for (let start = 0; start < unique.length; start += LOOKUP_CHUNK) {
      const chunk = unique.slice(start, start + LOOKUP_CHUNK);
      for (const row of lookup(chunk.length).all(backbone, view, ...chunk)) found.set(row.content_hash, toRecord(row));
    }
  })();
  return found;
}

function prepareLookup(db: Database, size: number) {
  const marks = new Array<string>(size).fill('?').join(', ');
  return db.prepare<string[], FeatureRow>(`SELECT ${COLUMNS} FROM features WHERE backbone = ? AND view = ? AND content_hash IN (${marks})`);
}

/** Inserts or replaces all records in one transaction (all or nothing). Returns how many were written. */
export function putFeatures(db: Database, records: readonly FeatureRecord[]): number {
  records.forEach(validate);
  const insert = db.prepare(`INSERT OR REPLACE INTO features (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (const r of records) {
      insert.run(
        r.contentHash,
        r.backbone,
        r.view,
        r.vector === null ? null : r.vector.length,
        r.vector === null ? null : encodeVector(r.vector),
        r.box === null ? null : JSON.stringify(r.box),
      );
    }
  }).immediate();
  return records.length;
}

/**
 * Drops every cached entry made with the built-in `part`: its own, its `+flip` ones and those of
 * concatenations holding it (`faceres+faceapi8@0.5+flip`). For when the network behind an id
 * changed (an int8 backbone's new calibration). Returns how many went.
 */
export function forgetFeatures(db: Database, part: string): number {
  const holds = (backbone: string) => backbone.split('+').some((p) => p.split('@')[0] === part);
  const backbones = db
    .prepare<[], { backbone: string }>('SELECT DISTINCT backbone FROM features')
    .all()
    .map((r) => r.backbone)
    .filter(holds);
  const remove = db.prepare<[string]>('DELETE FROM features WHERE backbone = ?');
  let removed = 0;
  db.transaction(() => {
    for (const b of backbones) removed += remove.run(b).changes;
  }).immediate();
  return removed;
}

/** Cached entries for a backbone (all views, "no face" entries included), or for one view of it. */
export function countFeatures(db: Database, backbone: string, view?: string): number {
  const row =
    view === undefined
      ? db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM features WHERE backbone = ?').get(backbone)
      : db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM features WHERE backbone = ? AND view = ?').get(backbone, view);
  return row?.n ?? 0;
}
