/** A worker thread holding one FaceEmbedder (its ONNX sessions, or its tfjs engine; one core). */
import { parentPort, workerData } from 'node:worker_threads';
import { FaceEmbedder } from './face-embedder.js';
import { serializeError } from '../../base/errors.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const { options } = workerData as WorkerInit;
try {
  // Events go to the pool, which logs them where its caller asked.
  const embedder = await FaceEmbedder.create({ ...options, log: (event) => send({ type: 'log', event }) });
  send({ type: 'ready', runtime: embedder.runtime, backbone: embedder.backbone.spec.id, dim: embedder.backbone.spec.dim });
  // The handler settles every job itself (an answer or an error message), so nothing is left to a rejected promise.
  port.on('message', (job: ToWorker) => void answer(embedder, job));
} catch (error) {
  send({ type: 'init-failed', error: serializeError(error) });
}

/** One job, answered by a result or an error message: never a rejected promise. */
async function answer(embedder: FaceEmbedder, job: ToWorker): Promise<void> {
  try {
    if (job.type === 'pair') {
      const embedding = await embedder.embedPair(job.a, job.b);
      send({ type: 'pair-result', id: job.id, embedding }, [embedding.buffer as ArrayBuffer]);
    } else {
      const result = await embedder.embedImage(job.bytes, job.request);
      send({ type: 'result', id: job.id, result });
    }
  } catch (error) {
    send({ type: 'error', id: job.id, error: serializeError(error) });
  }
}
