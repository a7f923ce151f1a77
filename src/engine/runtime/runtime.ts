/**
 * Which runtime runs each stage. The embedding network runs on onnxruntime when
 * `CELEB_BACKEND` is `auto` or `onnx` and its binary loads, else on a tfjs backend; the
 * detection networks (BlazeFace, FaceMesh) follow it: on ONNX through our port of Human's
 * glue, else in Human on tfjs. Crops, resizing and heads stay on the tfjs backend.
 */
import { createRequire } from 'node:module';
import type { BackendChoice } from '../run-options.js';
import { BackendError, plannedBackend, type BackendInfo, type BackendName } from './backend.js';
import { loadOnnxRuntime, onnxRuntimeVersion } from './onnx/session.js';

const require = createRequire(import.meta.url);

export interface RuntimeInfo {
  /** tfjs backend of the thread: Human's detection when it runs there, crops, resizing, heads. */
  detection: BackendInfo;
  /** What runs the detection networks (BlazeFace, FaceMesh). */
  detector: 'onnx' | BackendName;
  /** What runs the backbone network. */
  embedding: 'onnx' | BackendName;
  /** onnxruntime-node version when it is used, else null. */
  onnxruntime: string | null;
  /** Why ONNX was wanted but the backbone runs on tfjs (an unsupported op...), else null. */
  onnxFallback: string | null;
}

export const wantsOnnx = (choice: BackendChoice): boolean => choice === 'auto' || choice === 'onnx';

/** Whether this thread can run backbones on ONNX; `onnx` insists, `auto` falls back quietly. */
export function useOnnx(choice: BackendChoice): boolean {
  if (!wantsOnnx(choice)) return false;
  const r = loadOnnxRuntime();
  if ('error' in r && choice === 'onnx') throw new BackendError(`CELEB_BACKEND=onnx, but ${r.error}`);
  return 'ort' in r;
}

/** "onnx+wasm": embedding runtime, then detection backend when they differ. Stored with every training run. */
export function runtimeLabel(r: Pick<RuntimeInfo, 'detection' | 'embedding'>): string {
  return r.embedding === r.detection.name ? r.embedding : `${r.embedding}+${r.detection.name}`;
}

/** The label `runtimeLabel` will most likely give, without loading anything heavy. */
export function plannedRuntimeLabel(choice: BackendChoice): string {
  const detection = plannedBackend(choice);
  let onnx = false;
  if (wantsOnnx(choice)) {
    try {
      require.resolve('onnxruntime-node');
      onnx = true;
    } catch {
      onnx = false;
    }
  }
  return onnx ? `onnx+${detection}` : detection;
}

export function runtimeInfo(detection: BackendInfo, embedding: 'onnx' | 'tfjs', onnxFallback: string | null, detector: 'onnx' | 'tfjs' = 'tfjs'): RuntimeInfo {
  return {
    detection,
    detector: detector === 'onnx' ? 'onnx' : detection.name,
    embedding: embedding === 'onnx' ? 'onnx' : detection.name,
    onnxruntime: embedding === 'onnx' || detector === 'onnx' ? onnxRuntimeVersion() : null,
    onnxFallback,
  };
}
