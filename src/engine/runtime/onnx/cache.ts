/**
 * Converted models are derived files: built from the installed tfjs model at first use and
 * kept in a git-ignored cache, keyed by a hash of the source (model.json, its weight shards,
 * the requested outputs and the converter version), so an upgrade of the models package or of
 * the converter re-converts. A sidecar records the .onnx file's own hash: a truncated or
 * corrupt cached file is detected when read and rebuilt. A stat index lets a start whose
 * sources have not changed find its entry without reading them.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_MODEL_DIR } from '../../package-paths.js';
import { CONVERTER_VERSION, convertGraphSource, type GraphModelJson, type GraphSource } from './convert.js';
import { QUANTIZER_VERSION, type ActivationRanges } from './quantize.js';

/** An int8 conversion's calibration: its file (a source of the conversion), text (part of the key) and ranges. */
export interface Int8Source {
  file: string;
  text: string;
  ranges: ActivationRanges;
}

/** What an int8 conversion adds to the cache key: the quantiser's version and the calibration. */
const int8Identity = (int8?: Int8Source): string[] => (int8 ? [`quantizer ${QUANTIZER_VERSION} ${int8.text}`] : []);

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

/**
 * The source files' sizes and modification times when a model was last converted or checked,
 * and the cache entry it gave: while they stay the same, the next start finds the entry without
 * reading or hashing 40 MB of weights (measured: about 200 ms of a worker's start).
 */
interface StatIndex {
  files: { file: string; size: number; mtimeMs: number }[];
  outputs: string[];
  converter: number;
  base: string;
}

export interface CachedModel {
  /** The converted model's bytes, read (and checked against its recorded hash) on first call. */
  bytes: () => Promise<Uint8Array>;
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

async function fileStats(files: readonly string[]): Promise<StatIndex['files']> {
  return Promise.all(
    files.map(async (file) => {
      const s = await stat(file);
      return { file, size: s.size, mtimeMs: s.mtimeMs };
    }),
  );
}

const sameStats = (a: StatIndex['files'], b: StatIndex['files']) =>
  a.length === b.length && a.every((x, i) => x.file === b[i].file && x.size === b[i].size && x.mtimeMs === b[i].mtimeMs);

/** The cache entry the stat index points to, when the sources look unchanged; null otherwise. */
async function fastPath(
  name: string,
  sources: readonly string[],
  outputs: string[],
  cacheDir: string,
  slow: () => Promise<CachedModel>,
): Promise<CachedModel | null> {
  try {
    const index = JSON.parse(await readFile(path.join(cacheDir, `${name}.stat.json`), 'utf8')) as StatIndex;
    if (index.converter !== CONVERTER_VERSION || JSON.stringify(index.outputs) !== JSON.stringify(outputs)) return null;
    if (!sameStats(index.files, await fileStats(sources))) return null;
    const file = path.join(cacheDir, `${index.base}.onnx`);
    const sidecar = JSON.parse(await readFile(path.join(cacheDir, `${index.base}.json`), 'utf8')) as Sidecar;
    const bytes = async () => {
      const data = await readFile(file);
      // A damaged file is converted again (the slow path checks and rewrites it).
      return sha256(data) === sidecar.sha256 ? data : (await slow()).bytes();
    };
    return { bytes, input: sidecar.input, path: file, converted: false };
  } catch {
    return null; // no index yet, or a source is gone: the slow path says why
  }
}

async function writeStatIndex(name: string, sources: readonly string[], outputs: string[], cacheDir: string, base: string): Promise<void> {
  const index: StatIndex = { files: await fileStats(sources), outputs, converter: CONVERTER_VERSION, base };
  await writeAtomic(path.join(cacheDir, `${name}.stat.json`), JSON.stringify(index)).catch(() => undefined);
}

async function readSource(modelJsonPath: string): Promise<{ json: GraphModelJson; jsonBytes: Buffer; shards: Buffer[]; files: string[] }> {
  const jsonBytes = await readFile(modelJsonPath);
  const json = JSON.parse(jsonBytes.toString('utf8')) as GraphModelJson;
  const dir = path.dirname(modelJsonPath);
  const files = json.weightsManifest.flatMap((g) => g.paths).map((p) => path.join(dir, p));
  const shards = await Promise.all(files.map((f) => readFile(f)));
  return { json, jsonBytes, shards, files: [modelJsonPath, ...files] };
}

/** The files a tfjs weights manifest (or model.json) names, with itself: what a conversion depends on. */
export async function manifestFiles(manifestPath: string): Promise<string[]> {
  const parsed = JSON.parse(await readFile(manifestPath, 'utf8')) as GraphModelJson | { paths: string[] }[];
  const groups = Array.isArray(parsed) ? parsed : parsed.weightsManifest;
  return [manifestPath, ...groups.flatMap((g) => g.paths).map((p) => path.join(path.dirname(manifestPath), p))];
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

/** A tfjs graph model's content, read from its model.json and weight shards. */
export async function readGraphSource(modelJsonPath: string): Promise<GraphSource> {
  const { json, shards } = await readSource(modelJsonPath);
  return { json, weightData: Buffer.concat(shards) };
}

/**
 * The ONNX conversion of a tfjs graph model, from the cache or converted now (refused ops throw);
 * with `int8`, quantised over its calibration (which joins the sources and the key).
 */
export async function cachedOnnxModel(modelJsonPath: string, outputs: string[], cacheDir = DEFAULT_ONNX_CACHE_DIR, int8?: Int8Source): Promise<CachedModel> {
  const name = path.basename(modelJsonPath, '.json') + (int8 ? '-int8' : '');
  const sources = [...(await manifestFiles(modelJsonPath)), ...(int8 ? [int8.file] : [])];
  const slow = async () => {
    const { json, jsonBytes, shards } = await readSource(modelJsonPath);
    const model = { json, weightData: Buffer.concat(shards) };
    return cachedConversion(name, model, [jsonBytes, ...shards, ...int8Identity(int8)], outputs, cacheDir, sources, int8?.ranges);
  };
  return (await fastPath(name, sources, outputs, cacheDir, slow)) ?? slow();
}

/**
 * The same for a graph model built in memory (face-api's network) from `sources`, cached under
 * `name`; with `int8`, quantised over its calibration (which joins the sources and the key).
 */
export async function cachedOnnxGraph(
  name: string,
  load: () => Promise<GraphSource>,
  sources: readonly string[],
  outputs: string[],
  cacheDir = DEFAULT_ONNX_CACHE_DIR,
  int8?: Int8Source,
): Promise<CachedModel> {
  const allSources = int8 ? [...sources, int8.file] : sources;
  const slow = async () => {
    const model = await load();
    const identity = [JSON.stringify(model.json), model.weightData, ...int8Identity(int8)];
    return cachedConversion(name, model, identity, outputs, cacheDir, allSources, int8?.ranges);
  };
  return (await fastPath(name, allSources, outputs, cacheDir, slow)) ?? slow();
}

async function cachedConversion(
  name: string,
  model: GraphSource,
  identity: (Uint8Array | string)[],
  outputs: string[],
  cacheDir: string,
  sources: readonly string[],
  int8?: ActivationRanges,
): Promise<CachedModel> {
  const source = sha256(...identity, JSON.stringify(outputs), `converter ${CONVERTER_VERSION}`);
  const base = `${name}-${source.slice(0, 16)}`;
  const file = path.join(cacheDir, `${base}.onnx`);
  const sidecarFile = path.join(cacheDir, `${base}.json`);
  const hit = await readCached(file, sidecarFile, source);
  if (hit) {
    await writeStatIndex(name, sources, outputs, cacheDir, base);
    return { bytes: () => Promise.resolve(hit.bytes), input: hit.input, path: file, converted: false };
  }

  const converted = convertGraphSource(model, outputs, int8);
  const sidecar: Sidecar = { source, sha256: sha256(converted.onnx), input: converted.input, outputs, converter: CONVERTER_VERSION };
  try {
    await mkdir(cacheDir, { recursive: true });
    await writeAtomic(file, converted.onnx);
    await writeAtomic(sidecarFile, JSON.stringify(sidecar, null, 2));
    await writeStatIndex(name, sources, outputs, cacheDir, base);
  } catch {
    // A read-only install still works: the conversion is used from memory, and redone next time.
  }
  return { bytes: () => Promise.resolve(converted.onnx), input: converted.input, path: file, converted: true };
}
