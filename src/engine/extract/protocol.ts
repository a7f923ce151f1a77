/** Messages between the extraction pool and its worker threads. */
import type { EmbedderOptions, EmbedRequest, EmbeddedImage } from './face-embedder.js';
import type { BackendInfo } from '../runtime/backend.js';

export interface WorkerInit {
  options: Partial<EmbedderOptions>;
}

export type ToWorker =
  | { type: 'embed'; id: number; bytes: Uint8Array; request: EmbedRequest }
  | { type: 'pair'; id: number; a: Uint8Array; b: Uint8Array };

/** Errors cross the thread boundary as plain data; InputError keeps its code. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
}

export type FromWorker =
  | { type: 'ready'; backend: BackendInfo; backbone: string; dim: number }
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'result'; id: number; result: EmbeddedImage }
  | { type: 'pair-result'; id: number; embedding: Float32Array }
  | { type: 'error'; id: number; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}
