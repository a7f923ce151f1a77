/** Where each backbone's files are and how to feed it. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { humanModelsDirectory } from '../runtime/human.js';
import type { BackboneSpec, CustomBackboneFile, Preprocess } from './spec.js';
import { CelebError } from '../errors.js';

export const DEFAULT_BACKBONE = 'faceres';

const RAW_0_255: Preprocess = { mean: 0, std: 1, channelOrder: 'rgb' };
const UNIT_0_1: Preprocess = { mean: 0, std: 255, channelOrder: 'rgb' };

type BuiltIn = Omit<BackboneSpec, 'modelPath'> & { file: string };

// Preprocessing follows how Human itself feeds each model (faceres.ts, mobilefacenet.ts, insightface.ts).
const BUILT_INS: BuiltIn[] = [
  {
    id: 'faceres',
    file: 'faceres.json',
    format: 'graph',
    inputSize: 224,
    preprocess: RAW_0_255,
    output: 'global_pooling/Mean',
    dim: 1024,
    description: 'HSE FaceRes (MobileNet-based), 1024-d; 99.6% top-1 on celebrity-faces-17 with a linear head',
  },
  {
    id: 'faceres-deep',
    file: 'faceres-deep.json',
    format: 'graph',
    inputSize: 224,
    preprocess: RAW_0_255,
    output: 'global_pooling/Mean',
    dim: 1024,
    description: 'HSE FaceRes, deeper variant (2x the weights), 1024-d',
  },
  {
    id: 'mobilefacenet',
    file: 'mobilefacenet.json',
    format: 'graph',
    inputSize: 112,
    preprocess: UNIT_0_1,
    output: 'embeddings',
    dim: 192,
    description: 'MobileFaceNet, 112 px input; marked obsolete by Human, measured far below faceres',
  },
  {
    id: 'mobileface',
    file: 'mobileface.json',
    format: 'graph',
    inputSize: 112,
    preprocess: UNIT_0_1,
    output: 'batchnorm0/add_1',
    dim: 256,
    description: 'MobileFace (insightface-style), 256-d, smallest and fastest',
  },
];

export const BUILT_IN_BACKBONES: readonly string[] = BUILT_INS.map((b) => b.id);

export class UnknownBackboneError extends CelebError {
  override name = 'UnknownBackboneError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('backbone', message, options);
  }
}

function customSpec(id: string): BackboneSpec {
  const modelPath = path.resolve(id.slice('custom:'.length));
  const describePath = path.join(path.dirname(modelPath), 'backbone.json');
  if (!existsSync(modelPath)) throw new UnknownBackboneError(`${id}: no model file at ${modelPath}`);
  if (!existsSync(describePath)) {
    throw new UnknownBackboneError(`${id}: missing ${describePath} (inputSize, output, dim, optional format and preprocess)`);
  }
  const file = JSON.parse(readFileSync(describePath, 'utf8')) as CustomBackboneFile;
  for (const key of ['inputSize', 'output', 'dim'] as const) {
    if (file[key] === undefined) throw new UnknownBackboneError(`${describePath}: "${key}" is required`);
  }
  const format = file.format ?? ((JSON.parse(readFileSync(modelPath, 'utf8')) as { format?: string }).format === 'graph-model' ? 'graph' : 'layers');
  return {
    id,
    modelPath,
    format,
    inputSize: file.inputSize,
    output: file.output,
    dim: file.dim,
    preprocess: { ...RAW_0_255, ...file.preprocess },
    description: file.description ?? `custom ${format} model, ${file.dim}-d`,
  };
}

/** The id suffix that makes any backbone mirror-invariant (see BackboneSpec.mirrorAverage). */
export const MIRROR_SUFFIX = '+flip';

export function resolveBackbone(id: string): BackboneSpec {
  if (id.endsWith(MIRROR_SUFFIX)) {
    const base = resolveBackbone(id.slice(0, -MIRROR_SUFFIX.length));
    return { ...base, id, mirrorAverage: true, description: `${base.description}; averaged with its mirror image` };
  }
  if (id.startsWith('custom:')) return customSpec(id);
  const builtIn = BUILT_INS.find((b) => b.id === id);
  if (!builtIn) {
    throw new UnknownBackboneError(
      `Unknown backbone "${id}". Choose one of ${BUILT_IN_BACKBONES.join(', ')} or custom:<path to model.json>, optionally followed by ${MIRROR_SUFFIX}.`,
    );
  }
  const { file, ...spec } = builtIn;
  return { ...spec, modelPath: path.join(humanModelsDirectory(), file) };
}
