/**
 * onnxruntime-node, loaded only when wanted (its native binary may be missing or fail to load
 * on some platform, and then tfjs answers), and a one-input, one-output session over it.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import os from 'node:os';
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
  /**
   * Where to keep the model as onnxruntime optimised it for this machine, so later sessions
   * skip the optimisation. Its weights go to a file beside it (`weightsFileFor`), which
   * onnxruntime maps into memory instead of reading and copying: measured for faceres and
   * faceapi, 87 ms to create both sessions against 375 ms from one inline file (and 1.6 s to
   * optimise from scratch). Omitted: optimise every time.
   */
  optimizedFile?: string;
  /** 'basic' for graphs with nothing to gain from layout changes (one Gemm). Default 'all'. */
  optimization?: 'all' | 'basic';
}

/** Bump when the optimised files' format changes (2: weights in a file of their own). */
const OPTIMIZED_FORMAT = 2;

/** What the optimised graph depends on besides the model: onnxruntime's version and the CPU (its layouts are hardware-specific). */
export function optimizedGraphKey(ort: OrtModule): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  return createHash('sha256')
    .update(`${OPTIMIZED_FORMAT} ${ort.env.versions.node ?? ''} ${os.arch()} ${cpu}`)
    .digest('hex')
    .slice(0, 12);
}

/** Where the optimised graph of the converted model at `modelPath` (a cache file) is kept on this machine. */
export function optimizedFileFor(modelPath: string): string | undefined {
  const r = loadOnnxRuntime();
  return 'ort' in r ? modelPath.replace(/\.onnx$/, `.opt-${optimizedGraphKey(r.ort)}.onnx`) : undefined;
}

/** The weights file of an optimised graph, in the same folder (the graph names it without a path). */
export const weightsFileFor = (optimizedFile: string): string => optimizedFile.replace(/\.onnx$/, '.weights');

/** A model's bytes, or a function reading them when needed (not at all when the optimised graph serves). */
export type ModelBytes = Uint8Array | (() => Promise<Uint8Array>);

async function createSession(ort: OrtModule, source: ModelBytes, options: SessionOptions): Promise<Ort.InferenceSession> {
  const model = async () => (typeof source === 'function' ? source() : source);
  // Chosen by measurement (faceres and faceapi, a batch of 2, medians of 40 runs): sequential
  // execution; with more than one thread, no spinning (spinning threads took the core from the
  // other networks and from JavaScript: 75 ms a photo instead of 35). The memory arena, memory
  // patterns and denormals-as-zero made no difference (13.4-14.2 ms faceres, 6.3-7.0 ms faceapi either way).
  const sessionConfig = options.threads > 1 ? { intra_op: { allow_spinning: '0' } } : {};
  const base: Ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    extra: { session: sessionConfig },
  };
  const file = options.optimizedFile;
  if (!file || options.optimization === 'basic')
    return ort.InferenceSession.create(await model(), { ...base, graphOptimizationLevel: options.optimization ?? 'all' });
  // The optimised graph kept earlier, or null when there is none or it does not load (then it is written again).
  const written = async () => (existsSync(file) ? ort.InferenceSession.create(file, { ...base, graphOptimizationLevel: 'basic' }).catch(() => null) : null);
  const kept = await written();
  if (kept) return kept;
  // One writer at a time (a lock file), re-checking under the lock: a graph file read with another
  // writer's weights would load without error and compute garbage, if two optimisations ever differed.
  const release = await takeLock(`${file}.lock`);
  if (!release) return ort.InferenceSession.create(await model(), { ...base, graphOptimizationLevel: 'all' }); // being written, or a read-only cache
  let tmpDir: string | undefined;
  try {
    const keptMeanwhile = await written(); // by the writer that held the lock before
    if (keptMeanwhile) return keptMeanwhile;
    // Written in a folder of its own (the graph names its weights file without a path), then moved
    // in: the weights first, so a graph file that exists has its weights.
    const dir = await mkdtemp(`${file}.tmp-`);
    tmpDir = dir;
    const inTmp = (f: string) => path.join(dir, path.basename(f));
    // Severity 3: onnxruntime warns that the file is hardware-specific, which is why it is keyed by CPU.
    const session = await ort.InferenceSession.create(await model(), {
      ...base,
      graphOptimizationLevel: 'all',
      optimizedModelFilePath: inTmp(file),
      logSeverityLevel: 3,
      extra: {
        session: {
          ...sessionConfig,
          optimized_model_external_initializers_file_name: path.basename(weightsFileFor(file)),
          optimized_model_external_initializers_min_size_in_bytes: '1024',
        },
      },
    });
    await rename(inTmp(weightsFileFor(file)), weightsFileFor(file));
    await rename(inTmp(file), file);
    return session;
  } catch {
    return ort.InferenceSession.create(await model(), { ...base, graphOptimizationLevel: 'all' });
  } finally {
    if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
    await release();
  }
}

/** A lock left by a writer that died is taken over after this long (writing takes seconds). */
const STALE_LOCK_MS = 10 * 60_000;

/** Creates `lock` exclusively; returns its release, or null when another writer holds it or the folder is read-only. */
async function takeLock(lock: string): Promise<(() => Promise<void>) | null> {
  const release = async () => void (await rm(lock, { force: true }));
  try {
    await (await open(lock, 'wx')).close();
    return release;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return null;
  }
  const age = await stat(lock).then(
    (s) => Date.now() - s.mtimeMs,
    () => 0,
  );
  if (age < STALE_LOCK_MS) return null;
  await rm(lock, { force: true });
  return takeLock(lock);
}

export class OnnxSession {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    readonly input: string,
    readonly output: string,
  ) {}

  static async create(model: ModelBytes, input: string, output: string, options: SessionOptions): Promise<OnnxSession> {
    const r = loadOnnxRuntime();
    if ('error' in r) throw new CelebError('backend', r.error);
    return new OnnxSession(r.ort, await createSession(r.ort, model, options), input, output);
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
