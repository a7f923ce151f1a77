/**
 * tfjs loads models with `fetch`, and Node's fetch has no `file://`. This registers a
 * load router so `tf.loadGraphModel('file:///…/model.json')` (ours and Human's) reads
 * from disk. Nothing is ever downloaded: every model comes from npm or the repo.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';

interface ModelJson {
  modelTopology?: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: object;
  userDefinedMetadata?: Record<string, object>;
  modelInitializer?: object;
  trainingConfig?: tf.io.TrainingConfig;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Reads a tfjs model.json and its weight shards from a local path. */
export async function loadModelArtifacts(modelJsonPath: string): Promise<tf.io.ModelArtifacts> {
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as ModelJson;
  const dir = path.dirname(modelJsonPath);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const shard of group.paths) shards.push(await readFile(path.join(dir, shard)));
  }
  const all = Buffer.concat(shards);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    modelInitializer: json.modelInitializer,
    trainingConfig: json.trainingConfig,
    weightSpecs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
}

let registered = false;

/** Idempotent: safe to call from every engine and worker. */
export function registerFileLoader(): void {
  if (registered) return;
  registered = true;
  // tfjs's IORouter type does not admit `null`, but the registry documents null as "not mine".
  const router = (url: string | string[]) =>
    typeof url === 'string' && url.startsWith('file://') ? { load: () => loadModelArtifacts(fileURLToPath(url)) } : null;
  tf.io.registerLoadRouter(router as Parameters<typeof tf.io.registerLoadRouter>[0]);
}

export const fileUrl = (p: string): string => pathToFileURL(path.resolve(p)).href;
