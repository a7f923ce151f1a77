/**
 * Which runtime runs each stage, decided once per thread (`planRuntime`). The networks run on
 * onnxruntime when `CELEB_BACKEND` is `auto` or `onnx` and its binary loads: detection in our
 * ONNX detector, the backbone from its converted model. Otherwise, or where a conversion fails,
 * they run on a tfjs backend (Human for detection). Crops and resizing are plain loops either way.
 */
import { createRequire } from 'node:module';
import type { BackendChoice } from '../run-options.js';
import { BackendError, plannedBackend, selectBackend, type BackendInfo, type BackendName } from './backend.js';
import { loadOnnxRuntime, onnxRuntimeVersion } from './onnx/session.js';

const require = createRequire(import.meta.url);

export interface RuntimeInfo {
  /** The thread's tfjs backend when tfjs runs something (Human's detection, a backbone that fell back); null when onnxruntime runs everything. */
  tfjs: BackendInfo | null;
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

/** Whether this thread can run networks on ONNX; `onnx` insists, `auto` falls back quietly. */
export function useOnnx(choice: BackendChoice): boolean {
  if (!wantsOnnx(choice)) return false;
  const r = loadOnnxRuntime();
  if ('error' in r && choice === 'onnx') throw new BackendError(`CELEB_BACKEND=onnx, but ${r.error}`);
  return 'ort' in r;
}

/**
 * What one thread runs on, decided once: onnxruntime when wanted and loadable, else tfjs. The
 * tfjs backend is selected (and tfjs loaded, about half a second) only when something needs it.
 */
export interface RuntimePlan {
  readonly choice: BackendChoice;
  /** Networks run on onnxruntime. */
  readonly onnx: boolean;
  /** The thread's tfjs backend, selected on the first call. */
  tfjs(): Promise<BackendInfo>;
  /** The tfjs backend if something needed it so far, else null. */
  readonly tfjsBackend: BackendInfo | null;
}

export function planRuntime(choice: BackendChoice): RuntimePlan {
  let backend: BackendInfo | null = null;
  return {
    choice,
    onnx: useOnnx(choice),
    async tfjs() {
      backend ??= await selectBackend(choice);
      return backend;
    },
    get tfjsBackend() {
      return backend;
    },
  };
}

/** "onnx", "wasm", or "onnx+wasm" (embedding runtime, then detection's when they differ). Stored with every training run. */
export function runtimeLabel(r: Pick<RuntimeInfo, 'detector' | 'embedding'>): string {
  return r.embedding === r.detector ? r.embedding : `${r.embedding}+${r.detector}`;
}

/** The label `runtimeLabel` will most likely give, without loading anything heavy. */
export function plannedRuntimeLabel(choice: BackendChoice): string {
  if (wantsOnnx(choice)) {
    try {
      require.resolve('onnxruntime-node');
      return 'onnx';
    } catch {
      // not installed: tfjs
    }
  }
  return plannedBackend(choice);
}

/** What a thread's embedder reports, from the plan and what each stage ended up on. */
export function runtimeInfo(plan: RuntimePlan, embedding: 'onnx' | 'tfjs', detector: 'onnx' | 'tfjs', onnxFallback: string | null): RuntimeInfo {
  const tfjs = plan.tfjsBackend;
  const name = (on: 'onnx' | 'tfjs') => (on === 'onnx' ? 'onnx' : (tfjs?.name ?? plannedBackend(plan.choice)));
  return {
    tfjs,
    detector: name(detector),
    embedding: name(embedding),
    onnxruntime: embedding === 'onnx' || detector === 'onnx' ? onnxRuntimeVersion() : null,
    onnxFallback,
  };
}
