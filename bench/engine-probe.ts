/**
 * A child process of the engine benchmark: one pipeline, timed stage by stage on photos the
 * parent names on stdin, one JSON line out per photo. `--root` is the checkout whose engine it
 * loads: this one, or an older commit's (the "before" of the same run), or `--peer` for
 * @vladmandic/face-api. Only APIs both versions share are used.
 *
 * Stages: the ONNX sessions are told apart by their input size (256 BlazeFace, 192 FaceMesh,
 * 224 faceres, 150 faceapi); "align" is the rest of detection (resizes, decoding, crops),
 * "prepare" the rest of embedding (fitting crops to the networks, normalising).
 */
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export interface ProbeTiming {
  file: string;
  faces: number;
  totalMs: number;
  decodeMs: number;
  detectMs: number;
  blazefaceMs: number;
  meshMs: number;
  embedMs: number;
  faceresMs: number;
  faceapiMs: number;
  rankMs: number;
}

const { values } = parseArgs({ options: { root: { type: 'string' }, model: { type: 'string' }, peer: { type: 'boolean' }, threads: { type: 'string' } } });

type Handler = (file: string) => Promise<ProbeTiming>;

/** Sums onnxruntime time per network into `sink`, by input size. */
function instrument(session: { prototype: Record<string, unknown> }, sink: Record<number, number>): void {
  for (const method of ['run', 'runOutputs']) {
    const original = session.prototype[method] as (this: unknown, data: Float32Array, shape: number[], ...rest: unknown[]) => Promise<unknown>;
    session.prototype[method] = async function (this: unknown, data: Float32Array, shape: number[], ...rest: unknown[]) {
      const t = performance.now();
      try {
        return await original.call(this, data, shape, ...rest);
      } finally {
        sink[shape[1]] = (sink[shape[1]] ?? 0) + performance.now() - t;
      }
    };
  }
}

async function ourPipeline(root: string, modelDir: string, onnxThreads: number): Promise<Handler> {
  // Typed by this checkout's modules; the baseline's share these APIs.
  const load = async <T>(p: string) => (await import(pathToFileURL(path.join(root, 'dist', 'src', 'engine', p)).href)) as T;
  const { OnnxSession } = await load<typeof import('../src/engine/runtime/onnx/session.js')>('runtime/onnx/session.js');
  const { FaceEmbedder } = await load<typeof import('../src/engine/extract/face-embedder.js')>('extract/face-embedder.js');
  const { loadModel } = await load<typeof import('../src/engine/model/model-dir.js')>('model/model-dir.js');
  const sink: Record<number, number> = {};
  instrument(OnnxSession as unknown as { prototype: Record<string, unknown> }, sink);
  // The backbone the model was built with: each checkout's own default.
  const model = await loadModel(modelDir);
  const embedder = await FaceEmbedder.create({ backbone: model.manifest.backbone, backend: 'auto', onnxThreads });
  return async (file) => {
    for (const k of Object.keys(sink)) delete sink[Number(k)];
    const bytes = readFileSync(file);
    const t0 = performance.now();
    const r = await embedder.embedImage(bytes, { maxFaces: 1, symmetric: true });
    const t1 = performance.now();
    if (r.faces.length) await model.head.scores(r.faces.map((f) => f.embedding));
    const t2 = performance.now();
    return {
      file,
      faces: r.faces.length,
      totalMs: t2 - t0,
      decodeMs: r.timings.decodeMs,
      detectMs: r.timings.detectMs,
      blazefaceMs: sink[256] ?? 0,
      meshMs: sink[192] ?? 0,
      embedMs: r.timings.embedMs,
      faceresMs: sink[224] ?? 0,
      faceapiMs: sink[150] ?? 0,
      rankMs: t2 - t1,
    };
  };
}

/** face-api as people use it: SSD MobileNet detector, 68 landmarks, its recognition net, on tfjs-wasm. */
async function peerPipeline(): Promise<Handler> {
  const require = createRequire(import.meta.url);
  // face-api's node-wasm build is CommonJS and untyped where we use it: the few calls are typed here.
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as {
    tf: { setBackend(n: string): Promise<boolean>; ready(): Promise<void>; node?: unknown; dispose(t: unknown): void };
    nets: Record<'ssdMobilenetv1' | 'faceLandmark68Net' | 'faceRecognitionNet', { loadFromDisk(dir: string): Promise<void> }>;
    detectAllFaces(input: unknown): { withFaceLandmarks(): { withFaceDescriptors(): Promise<unknown[]> } };
    tf_tensor?: never;
  };
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(p: string): void };
  wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  await faceapi.tf.setBackend('wasm');
  await faceapi.tf.ready();
  const models = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  for (const net of ['ssdMobilenetv1', 'faceLandmark68Net', 'faceRecognitionNet'] as const) await faceapi.nets[net].loadFromDisk(models);
  const sharp = (await import('sharp')).default;
  return async (file) => {
    const t0 = performance.now();
    const { data, info } = await sharp(readFileSync(file)).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const input = tf.tensor3d(data, [info.height, info.width, 3], 'int32');
    const t1 = performance.now();
    const faces = await faceapi.detectAllFaces(input).withFaceLandmarks().withFaceDescriptors();
    const t2 = performance.now();
    input.dispose();
    return {
      file,
      faces: faces.length,
      totalMs: t2 - t0,
      decodeMs: t1 - t0,
      detectMs: 0,
      blazefaceMs: 0,
      meshMs: 0,
      embedMs: 0,
      faceresMs: 0,
      faceapiMs: 0,
      rankMs: 0,
      peerMs: t2 - t1,
    };
  };
}

const handle: Handler = values.peer ? await peerPipeline() : await ourPipeline(values.root!, values.model!, Number(values.threads ?? 1));
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  try {
    process.stdout.write(JSON.stringify(await handle(line.trim())) + '\n');
  } catch (error) {
    process.stdout.write(JSON.stringify({ file: line.trim(), error: String(error) }) + '\n');
  }
}
