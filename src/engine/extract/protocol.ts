/** Messages between the extraction pool and its worker threads. */
import type { EmbedderOptions, EmbedRequest, EmbeddedImage } from './face-embedder.js';
import type { RuntimeInfo } from '../runtime/runtime.js';
import type { SerializedError } from '../../base/errors.js';
import type { EngineEvent } from '../events.js';

export interface WorkerInit {
  options: Partial<EmbedderOptions>;
}

export type ToWorker = { type: 'embed'; id: number; bytes: Uint8Array; request: EmbedRequest } | { type: 'pair'; id: number; a: Uint8Array; b: Uint8Array };

export type FromWorker =
  | { type: 'ready'; runtime: RuntimeInfo; backbone: string; dim: number }
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'result'; id: number; result: EmbeddedImage }
  | { type: 'pair-result'; id: number; embedding: Float32Array }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'log'; event: EngineEvent };
