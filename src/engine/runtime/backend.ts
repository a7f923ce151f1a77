/**
 * Picks the fastest tfjs backend that works here: native TensorFlow (tfjs-node-gpu, then
 * tfjs-node) when installed, else WebAssembly. The pure-JS `cpu` backend is 12-17x slower
 * than wasm and is only used when asked for.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BackendChoice } from '../run-options.js';
import { CelebError } from '../../base/errors.js';

const require = createRequire(import.meta.url);

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  /** Which package provides it, e.g. `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-backend-wasm`. */
  provider: string;
  tfjsVersion: string;
}

export class BackendError extends CelebError {
  override name = 'BackendError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('backend', message, options);
  }
}

export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** Loads a native binding if it is installed; it registers the `tensorflow` backend as a side effect. */
function loadNative(): string | null {
  for (const pkg of NATIVE_PACKAGES) {
    try {
      require(pkg);
      return pkg;
    } catch {
      // Not installed (its install script needs the internet) or its binary does not load: try the next.
    }
  }
  return null;
}

/**
 * Whether a native tfjs package is installed with its addon built: its install script builds
 * `lib/`, and the project's `allowScripts` denies that script by default (see README), which
 * leaves the package present but unloadable.
 */
export function nativeAddonBuilt(pkg: (typeof NATIVE_PACKAGES)[number]): boolean {
  try {
    return existsSync(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'lib'));
  } catch {
    return false;
  }
}

/** The backend `selectBackend(choice)` will most likely pick, without initialising anything. */
export function plannedBackend(choice: BackendChoice): BackendName {
  if (choice === 'cpu' || choice === 'wasm') return choice;
  if (choice === 'onnx') return 'wasm'; // detection still needs tfjs: the portable one
  return NATIVE_PACKAGES.some(nativeAddonBuilt) ? 'tensorflow' : 'wasm';
}

export const wasmDirectory = (): string => path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;

let selected: BackendInfo | null = null;

/**
 * The tfjs backend of this thread (detection, crop resizing, heads). `onnx` asks for
 * onnxruntime for the backbone (see runtime.ts) and wasm here.
 */
export async function selectBackend(choice: BackendChoice): Promise<BackendInfo> {
  if (selected) return selected;
  let provider: string | null = null;
  if (choice === 'auto' || choice === 'tensorflow') {
    provider = loadNative();
    if (!provider && choice === 'tensorflow') {
      throw new BackendError('CELEB_BACKEND=tensorflow, but neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed and loadable.');
    }
  }
  // Loaded here, not at the top: a thread that answers on onnxruntime alone never loads tfjs.
  const tf = await import('@tensorflow/tfjs');
  let name: BackendName;
  if (provider) {
    name = 'tensorflow';
  } else if (choice === 'cpu') {
    name = 'cpu';
    provider = '@tensorflow/tfjs-backend-cpu';
  } else {
    name = 'wasm';
    provider = '@tensorflow/tfjs-backend-wasm';
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(wasmDirectory());
  }
  if (!(await tf.setBackend(name))) throw new BackendError(`The tfjs backend "${name}" failed to initialise.`);
  await tf.ready();
  selected = { name, provider, tfjsVersion: tf.version.tfjs };
  return selected;
}
