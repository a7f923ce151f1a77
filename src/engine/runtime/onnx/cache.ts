/**
 * Converted models are derived files: built from the installed tfjs model at first use and
 * kept in a git-ignored cache, keyed by a hash of the source (model.json, its weight shards,
 * the requested outputs and the converter version), so an upgrade of the models package or of
 * the converter re-converts. A sidecar records the .onnx file's own hash: a truncated or
 * corrupt cached file is detected on load and rebuilt.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_MODEL_DIR } from '../../package-paths.js';
import { CONVERTER_VERSION, convertGraphModel, type GraphModelJson, type GraphSource } from './convert.js';

/**
 * `<package root>/model/.onnx-cache`: beside the shipped models, independent of the working
 * directory. The library's default; the CLI and the bots keep theirs in the data directory.
 */
export const DEFAULT_ONNX_CACHE_DIR = path.join(PACKAGE_MODEL_DIR, '.onnx-cache');

interface Sidecar {
  source: string;
  sha256: string;
  input: string;
  outputs: string[];
  converter: number;
}

export interface CachedModel {
  bytes: Uint8Array;
  input: string;
  path: string;
  /** True when this call converted (first use, source changed, or the cached file was corrupt). */
  converted: boolean;
}

const sha256 = (...parts: (Uint8Array | string)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

async function readSource(modelJsonPath: string): Promise<{ json: GraphModelJson; jsonBytes: Buffer; shards: Buffer[] }> {
  const jsonBytes = await readFile(modelJsonPath);
  const json = JSON.parse(jsonBytes.toString('utf8')) as GraphModelJson;
  const dir = path.dirname(modelJsonPath);
  const shards = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(path.join(dir, p))));
  return { json, jsonBytes, shards };
}

async function readCached(file: string, sidecarFile: string, source: string): Promise<{ bytes: Uint8Array; input: string } | null> {
  try {
    const sidecar = JSON.parse(await readFile(sidecarFile, 'utf8')) as Sidecar;
    const bytes = await readFile(file);
    return sidecar.source === source && sidecar.sha256 === sha256(bytes) ? { bytes, input: sidecar.input } : null;
  } catch {
    return null; // missing or unreadable: convert
  }
}

/** Writes via a temporary name and rename, so a concurrent reader (another worker) never sees half a file. */
async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/** The ONNX conversion of a tfjs graph model, from the cache or converted now (refused ops throw). */
export async function cachedOnnxModel(modelJsonPath: string, outputs: string[], cacheDir = DEFAULT_ONNX_CACHE_DIR): Promise<CachedModel> {
  const { json, jsonBytes, shards } = await readSource(modelJsonPath);
  return cachedConversion(path.basename(modelJsonPath, '.json'), { json, weightData: Buffer.concat(shards) }, [jsonBytes, ...shards], outputs, cacheDir);
}

/** The same for a graph model built in memory (face-api's network), cached under `name`. */
export async function cachedOnnxGraph(name: string, model: GraphSource, outputs: string[], cacheDir = DEFAULT_ONNX_CACHE_DIR): Promise<CachedModel> {
  return cachedConversion(name, model, [JSON.stringify(model.json), model.weightData], outputs, cacheDir);
}

async function cachedConversion(
  name: string,
  model: GraphSource,
  identity: (Uint8Array | string)[],
  outputs: string[],
  cacheDir: string,
): Promise<CachedModel> {
  const source = sha256(...identity, JSON.stringify(outputs), `converter ${CONVERTER_VERSION}`);
  const base = `${name}-${source.slice(0, 16)}`;
  const file = path.join(cacheDir, `${base}.onnx`);
  const sidecarFile = path.join(cacheDir, `${base}.json`);
  const hit = await readCached(file, sidecarFile, source);
  if (hit) return { ...hit, path: file, converted: false };

  const w = model.weightData;
  const converted = convertGraphModel(model.json, w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer, outputs);
  const sidecar: Sidecar = { source, sha256: sha256(converted.onnx), input: converted.input, outputs, converter: CONVERTER_VERSION };
  try {
    await mkdir(cacheDir, { recursive: true });
    await writeAtomic(file, converted.onnx);
    await writeAtomic(sidecarFile, JSON.stringify(sidecar, null, 2));
  } catch {
    // A read-only install still works: the conversion is used from memory, and redone next time.
  }
  return { bytes: converted.onnx, input: converted.input, path: file, converted: true };
}
