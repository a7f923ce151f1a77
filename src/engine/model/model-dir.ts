/** Reading and writing model directories; writes are atomic (temp dir, then rename). */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CentroidHead } from '../heads/centroid.js';
import { decodeFloat16 } from './float16.js';
import { readAliases } from './people-file.js';
import type { Head } from '../heads/head.js';
import { ModelFormatError, validateManifest, type ModelManifest } from './manifest.js';

export interface LoadedModel {
  /** Absolute path of the directory. */
  dir: string;
  /** Directory name, e.g. `default`. */
  name: string;
  manifest: ModelManifest;
  head: Head;
  /** Other spelling -> label, from a gallery's people.json (empty for other models). */
  aliases: Readonly<Record<string, string>>;
}

export async function readManifest(dir: string): Promise<ModelManifest> {
  const file = path.join(dir, 'model.json');
  if (!existsSync(file)) throw new ModelFormatError(`No model at ${dir} (model.json is missing)`);
  return validateManifest(JSON.parse(await readFile(file, 'utf8')), file);
}

/** `nativeRanking`: rank a large gallery on onnxruntime (default true; see EngineOptions). `manifest`: already read by the caller. */
export async function loadModel(dir: string, options: { nativeRanking?: boolean; manifest?: ModelManifest } = {}): Promise<LoadedModel> {
  const abs = path.resolve(dir);
  const manifest = options.manifest ?? (await readManifest(abs));
  // A trained layers head needs tfjs; a gallery's centroid head does not, so tfjs loads only for the former.
  const head: Head =
    manifest.head.kind === 'centroid' ? await loadCentroidHead(abs, manifest, options.nativeRanking ?? true) : await (await import('../heads/layers-head.js')).loadLayersHead(abs, manifest);
  const aliases = await readAliases(abs, manifest);
  return { dir: abs, name: path.basename(abs), manifest, head, aliases };
}

/** People from which a centroid head ranks on onnxruntime (below, the session costs more than it saves). */
const NATIVE_RANKING_FROM = 200;

async function loadCentroidHead(dir: string, manifest: ModelManifest, nativeRanking: boolean): Promise<CentroidHead> {
  const { file, dtype, penalties, projection } = manifest.head;
  let weights: Float32Array | undefined;
  if (penalties) {
    const bytes = await readFile(path.join(dir, penalties));
    weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    if (weights.length !== manifest.labels.length) throw new ModelFormatError(`${penalties} holds ${weights.length} values for ${manifest.labels.length} labels`);
  }
  let map: Float32Array | null = null;
  if (projection) {
    map = decodeFloat16(await readFile(path.join(dir, projection)));
    if (map.length !== manifest.dim * manifest.dim) throw new ModelFormatError(`${projection} holds ${map.length} values, not ${manifest.dim}x${manifest.dim}`);
  }
  const head = CentroidHead.fromBytes(manifest.labels, await readFile(path.join(dir, file)), dtype, weights, map);
  // A gallery ranks on onnxruntime where it loads; a small model is as fast in JavaScript.
  if (nativeRanking && manifest.labels.length >= NATIVE_RANKING_FROM) await head.useNative();
  return head;
}

/** Files of a model directory, relative path -> bytes, written together. */
export type ModelFiles = Record<string, Uint8Array | string>;

/**
 * Writes `model.json` plus `files` into `dir` atomically: everything goes into a sibling
 * temp directory first, which then replaces `dir`, so a crash never leaves half a model.
 */
export async function writeModelDir(dir: string, manifest: ModelManifest, files: ModelFiles): Promise<void> {
  const target = path.resolve(dir);
  const temp = `${target}.tmp-${process.pid}-${Date.now()}`;
  const old = `${target}.old-${process.pid}-${Date.now()}`;
  await mkdir(temp, { recursive: true });
  try {
    for (const [rel, content] of Object.entries(files)) {
      const file = path.join(temp, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    await writeFile(path.join(temp, 'model.json'), JSON.stringify(manifest, null, 2) + '\n');
    if (existsSync(target)) await rename(target, old);
    await rename(temp, target);
    await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Bytes on disk of a directory and everything under it (a model's size). */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    total += entry.isDirectory() ? await directoryBytes(file) : (await stat(file)).size;
  }
  return total;
}

/** Every file of a model directory except model.json, relative path -> bytes. */
async function readModelFiles(dir: string, rel = ''): Promise<ModelFiles> {
  const files: ModelFiles = {};
  for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const name = path.join(rel, entry.name);
    if (entry.isDirectory()) Object.assign(files, await readModelFiles(dir, name));
    else if (name !== 'model.json') files[name] = await readFile(path.join(dir, name));
  }
  return files;
}

/** Copies a model directory (e.g. a run's) to `target` atomically, e.g. to publish it as `model/default`. */
export async function copyModelDir(source: string, target: string, patch: Partial<ModelManifest> = {}): Promise<ModelManifest> {
  const manifest = { ...(await readManifest(source)), ...patch };
  await writeModelDir(target, manifest, await readModelFiles(path.resolve(source)));
  return manifest;
}
