/**
 * A fixed set of worker threads, each with its own backbone, fed from one bounded queue,
 * so both cores work and a flood of photos is refused rather than buffered without end.
 */
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { defaultOnnxThreads } from '../run-options.js';
import { CelebError, deserializeError } from '../../base/errors.js';
import { stderrLog, type EngineLog } from '../events.js';
import type { RuntimeInfo } from '../runtime/runtime.js';
import type { EmbedderOptions, EmbedRequest, EmbeddedImage } from './face-embedder.js';
import type { FromWorker, ToWorker } from './protocol.js';

export interface PoolOptions extends EmbedderOptions {
  /** Worker threads. Default 2. */
  workers: number;
  /** Photos waiting (not yet in a worker) beyond which `embed` rejects with PoolBusyError. Default 256. */
  maxQueue: number;
}

export class PoolBusyError extends CelebError {
  override name = 'PoolBusyError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('busy', message, options);
  }
}

type Answer = Extract<FromWorker, { type: 'result' | 'pair-result' }>;

interface Job {
  message: ToWorker;
  transfer: ArrayBuffer[];
  resolve: (answer: Answer) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  /** False while a replacement for a crashed worker starts. */
  ready: boolean;
  /** No replacement could be started after REPLACEMENT_ATTEMPTS tries. */
  dead?: boolean;
}

/** How long close() lets photos in workers finish before it stops the threads anyway. */
const CLOSE_GRACE_MS = 10_000;

/** Starts tried for a crashed worker's replacement before its slot is given up. */
const REPLACEMENT_ATTEMPTS = 3;

const WORKER_URL = new URL('./worker.js', import.meta.url);

function spawnWorker(options: Partial<EmbedderOptions>): Worker {
  return new Worker(WORKER_URL, { workerData: { options } });
}

/** Resolves on the worker's `ready` message; rejects if it fails to load its models. Events it sends first go to `log`. */
function waitReady(worker: Worker, log: EngineLog): Promise<Extract<FromWorker, { type: 'ready' }>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`extraction worker exited with code ${code} during start-up`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    const onMessage = (m: FromWorker) => {
      if (m.type === 'log') return log(m.event);
      worker.off('message', onMessage);
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (m.type === 'ready') resolve(m);
      else reject(deserializeError(m.type === 'init-failed' ? m.error : { name: 'Error', message: `unexpected first message ${m.type}` }));
    };
    worker.on('message', onMessage);
  });
}

export class EmbedderPool {
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** Set when every worker died and none could be restarted. */
  private noWorkers: CelebError | null = null;

  private constructor(
    private readonly slots: Slot[],
    private readonly options: Partial<EmbedderOptions>,
    /** Per stage, as the first worker reported it (all workers load the same way). */
    readonly runtime: RuntimeInfo,
    readonly dim: number,
    private readonly maxQueue: number,
    private readonly log: EngineLog,
  ) {
    for (const slot of slots) this.listen(slot);
  }

  static async start(options: Partial<PoolOptions> = {}): Promise<EmbedderPool> {
    const count = Math.max(1, options.workers ?? 2);
    const embedder: Partial<EmbedderOptions> = {
      backbone: options.backbone,
      backend: options.backend,
      limits: options.limits,
      onnxThreads: options.onnxThreads ?? defaultOnnxThreads(os.availableParallelism(), count),
      onnxCacheDir: options.onnxCacheDir,
    };
    const workers = Array.from({ length: count }, () => spawnWorker(embedder));
    try {
      const log = options.log ?? stderrLog;
      const ready = await Promise.all(workers.map((w) => waitReady(w, log)));
      const slots = workers.map((worker) => ({ worker, job: null, ready: true }));
      return new EmbedderPool(slots, embedder, ready[0].runtime, ready[0].dim, options.maxQueue ?? 256, log);
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
  }

  private listen(slot: Slot): void {
    let crash = '';
    slot.worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    slot.worker.on('error', (e) => (crash = e.message)); // an uncaught error in the worker; 'exit' follows
    slot.worker.once('exit', (code) => this.onExit(slot, code, crash));
  }

  get size(): number {
    return this.slots.length;
  }

  /** Workers that can take photos: 0 once closed or when none could be (re)started. */
  get alive(): number {
    return this.closed ? 0 : this.slots.filter((s) => !s.dead).length;
  }

  /** The backbone every worker embeds with. */
  get backbone(): string | undefined {
    return this.options.backbone;
  }

  /** Photos waiting for a free worker. */
  get queued(): number {
    return this.queue.length;
  }

  /** Photos being processed right now. */
  get busy(): number {
    return this.slots.filter((s) => s.job).length;
  }

  /** Embed one photo's faces in a worker. The bytes are copied, never kept after the answer. */
  async embed(bytes: Uint8Array, request: EmbedRequest = {}): Promise<EmbeddedImage> {
    // A copy (Buffer.slice is a view) so transferring it never detaches the caller's memory.
    const copy = new Uint8Array(bytes);
    const answer = await this.submit({ type: 'embed', id: this.nextId++, bytes: copy, request }, [copy.buffer]);
    if (answer.type !== 'result') throw new Error(`unexpected ${answer.type} for an embed job`);
    return answer.result;
  }

  /** Sample pairing: the embedding of the pixel average of two crops returned with `returnCrop`. */
  async embedPair(a: Uint8Array, b: Uint8Array): Promise<Float32Array> {
    const [ca, cb] = [new Uint8Array(a), new Uint8Array(b)];
    const answer = await this.submit({ type: 'pair', id: this.nextId++, a: ca, b: cb }, [ca.buffer, cb.buffer]);
    if (answer.type !== 'pair-result') throw new Error(`unexpected ${answer.type} for a pair job`);
    return answer.embedding;
  }

  private submit(message: ToWorker, transfer: ArrayBuffer[]): Promise<Answer> {
    if (this.closed) return Promise.reject(new Error('the extraction pool is closed'));
    if (this.noWorkers) return Promise.reject(this.noWorkers);
    if (this.queue.length >= this.maxQueue) return Promise.reject(new PoolBusyError(`${this.queue.length} photos are already waiting`));
    return new Promise((resolve, reject) => {
      this.queue.push({ message, transfer, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || !slot.ready || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage(job.message, job.transfer);
    }
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (message.type === 'log') return this.log(message.event);
    const job = slot.job;
    if (!job || !('id' in message) || message.id !== job.message.id) return;
    slot.job = null;
    if (message.type === 'error') job.reject(deserializeError(message.error));
    else job.resolve(message);
    this.dispatch();
  }

  /** A worker that dies (out of memory, a native crash) fails its photo and is replaced. */
  private onExit(slot: Slot, code: number, crash: string): void {
    slot.job?.reject(new Error(`extraction worker stopped unexpectedly (exit code ${code}${crash ? `: ${crash}` : ''})`));
    slot.job = null;
    if (this.closed) return;
    slot.ready = false;
    this.replace(slot, 1);
  }

  /**
   * Starts a replacement worker in the slot, retrying a failed start a few times. Only
   * waitReady's own listeners are removed once it is up: removeAllListeners() would also drop
   * the Worker's internal listeners that start its message port, and the replacement's answers
   * would never arrive.
   */
  private replace(slot: Slot, attempt: number): void {
    slot.worker = spawnWorker(this.options);
    waitReady(slot.worker, this.log).then(
      () => {
        if (this.closed) return void slot.worker.terminate();
        this.listen(slot);
        slot.ready = true;
        this.dispatch();
      },
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.log({ event: 'pool.replacement_failed', attempt, reason });
        if (this.closed) return;
        if (attempt < REPLACEMENT_ATTEMPTS) setTimeout(() => this.closed || this.replace(slot, attempt + 1), 500 * attempt).unref();
        else this.giveUp(slot, reason);
      },
    );
  }

  /** Marks the slot dead; with every slot dead, queued photos would wait for ever: refuse them, and any later one. */
  private giveUp(slot: Slot, reason: string): void {
    slot.dead = true;
    if (!this.slots.every((s) => s.dead)) return;
    this.noWorkers = new CelebError('backend', `no extraction worker could be started: ${reason}`);
    for (const job of this.queue.splice(0)) job.reject(this.noWorkers);
  }

  /** Finish the photos in workers (within a grace period), refuse the queued ones, stop the threads. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the extraction pool is closing'));
    const deadline = performance.now() + CLOSE_GRACE_MS;
    await Promise.all(
      this.slots.map(async (slot) => {
        while (slot.job && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        slot.job?.reject(new Error(`the extraction pool closed before this photo was done (${CLOSE_GRACE_MS / 1000} s grace)`));
        slot.job = null;
        slot.worker.removeAllListeners('exit');
        await slot.worker.terminate();
      }),
    );
  }
}
