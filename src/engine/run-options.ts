/**
 * How the engine can be asked to run: on which runtime, with how many worker threads. The
 * engine's own option types, so nothing in the engine reads the configuration; src/config
 * fills them from the environment and library callers pass them directly. A leaf module.
 */

/**
 * `auto`: backbones on onnxruntime when its binary loads, and tfjs-node-gpu, then tfjs-node,
 * then wasm for the rest. `onnx` insists on onnxruntime (detection on wasm).
 */
export type BackendChoice = 'auto' | 'onnx' | 'tensorflow' | 'wasm' | 'cpu';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'onnx', 'tensorflow', 'wasm', 'cpu'];

/**
 * Intra-op threads of each worker's embedding networks when none are asked for: the cores shared
 * among the workers. Measured on 2 cores: one worker answers a photo in 27.7 ms on 2 threads,
 * 35.0 ms on 1 (engine bench, 2026-12-06); two workers on 2 threads each only wait on each other
 * (their threads do not spin, and a layer's threads meet at its end), so they take one each.
 */
export function defaultOnnxThreads(cores: number, workers: number): number {
  return Math.max(1, Math.floor(cores / Math.max(1, workers)));
}

/** Extraction workers when none are asked for: one per core, at most 4. */
export function defaultWorkerCount(cores: number): number {
  return Math.max(1, Math.min(4, cores));
}
