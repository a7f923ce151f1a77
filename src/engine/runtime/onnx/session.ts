/**
 * onnxruntime-node, loaded only when wanted (its native binary may be missing or fail to load
 * on some platform, and then tfjs answers), and a one-input, one-output session over it.
 */
import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';
import { CelebError, errorMessage } from '../../../base/errors.js';

const require = createRequire(import.meta.url);

type OrtModule = typeof Ort;

let loaded: { ort: OrtModule } | { error: string } | undefined;

/** The onnxruntime module, or why it cannot be used here. Loads once per thread. */
export function loadOnnxRuntime(): { ort: OrtModule } | { error: string } {
  if (!loaded) {
    try {
      const ort = require('onnxruntime-node') as OrtModule;
      // The binding loads lazily; listing backends forces the native library now.
      ort.listSupportedBackends();
      loaded = { ort };
    } catch (error) {
      loaded = { error: `onnxruntime-node does not load: ${errorMessage(error)}` };
    }
  }
  return loaded;
}

/** The onnxruntime version when its binary loads, else null. */
export function onnxRuntimeVersion(): string | null {
  const r = loadOnnxRuntime();
  return 'ort' in r ? (r.ort.env.versions.node ?? null) : null;
}

export interface SessionOptions {
  /** Intra-op threads. One per worker thread is fastest on a busy 2-core machine. */
  threads: number;
}

export class OnnxSession {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    readonly input: string,
    readonly output: string,
  ) {}

  static async create(model: Uint8Array, input: string, output: string, options: SessionOptions): Promise<OnnxSession> {
    const r = loadOnnxRuntime();
    if ('error' in r) throw new CelebError('backend', r.error);
    const session = await r.ort.InferenceSession.create(model, {
      intraOpNumThreads: options.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return new OnnxSession(r.ort, session, input, output);
  }

  /** Runs one float32 batch (tfjs layout, e.g. NHWC) and returns the output's values. */
  async run(data: Float32Array, shape: number[]): Promise<Float32Array> {
    const feeds = { [this.input]: new this.ort.Tensor('float32', data, shape) };
    const result = await this.session.run(feeds, [this.output]);
    return result[this.output].data as Float32Array;
  }

  /** Runs one float32 batch and returns several outputs by name (a detector's scores, boxes, mesh...). */
  async runOutputs(data: Float32Array, shape: number[], outputs: readonly string[]): Promise<Float32Array[]> {
    const feeds = { [this.input]: new this.ort.Tensor('float32', data, shape) };
    const result = await this.session.run(feeds, [...outputs]);
    return outputs.map((o) => result[o].data as Float32Array);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
