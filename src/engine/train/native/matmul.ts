/**
 * Matrix products for training heads: C = op(A) · op(B), op a transpose when asked. The heavy
 * part of a head's epoch is three such products per batch (forward, weight gradient, input
 * gradient), so they run on onnxruntime's Gemm (native, vectorised) when its binary loads, and
 * on a typed-array loop otherwise. Everything else in training is elementwise and stays in
 * JavaScript. Matrices are row-major Float32Arrays.
 */
import { emptyGraph, encodeModel } from '../../runtime/onnx/graph.js';
import { loadOnnxRuntime } from '../../runtime/onnx/session.js';
import type * as Ort from 'onnxruntime-node';

export type MatMulKind = 'onnx' | 'js';

/** A row-major matrix. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

export interface MatMul {
  readonly kind: MatMulKind;
  /** op(a) · op(b): `transA` multiplies by aᵀ, `transB` by bᵀ. */
  product(a: Matrix, b: Matrix, transA?: boolean, transB?: boolean): Promise<Matrix>;
  dispose(): Promise<void>;
}

export const matrix = (data: Float32Array, rows: number, cols: number): Matrix => ({ data, rows, cols });

function checkShapes(a: Matrix, b: Matrix, transA: boolean, transB: boolean): { m: number; k: number; n: number } {
  const [m, k] = transA ? [a.cols, a.rows] : [a.rows, a.cols];
  const [k2, n] = transB ? [b.cols, b.rows] : [b.rows, b.cols];
  if (k !== k2) throw new Error(`matrix product of ${m}x${k} by ${k2}x${n}`);
  return { m, k, n };
}

function transpose(a: Matrix): Matrix {
  const out = new Float32Array(a.data.length);
  for (let r = 0; r < a.rows; r++) for (let c = 0; c < a.cols; c++) out[c * a.rows + r] = a.data[r * a.cols + c];
  return matrix(out, a.cols, a.rows);
}

/** The typed-array product: row of A times rows of B (i-k-j order, contiguous inner loop). */
export function productJs(a: Matrix, b: Matrix, transA = false, transB = false): Matrix {
  const { m, k, n } = checkShapes(a, b, transA, transB);
  const A = transA ? transpose(a).data : a.data;
  const B = transB ? transpose(b).data : b.data;
  const C = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const x = A[i * k + p];
      if (x === 0) continue; // ReLU and dropout leave many zeros
      const from = p * n;
      for (let j = 0; j < n; j++) C[row + j] += x * B[from + j];
    }
  }
  return matrix(C, m, n);
}

export const jsMatMul: MatMul = {
  kind: 'js',
  product: (a, b, transA = false, transB = false) => Promise.resolve(productJs(a, b, transA, transB)),
  dispose: () => Promise.resolve(),
};

/** One Gemm graph per transpose combination, both operands as inputs (weights change every step). */
function gemmModel(transA: boolean, transB: boolean): Uint8Array {
  const graph = emptyGraph();
  graph.inputs.push({ name: 'a', shape: ['a0', 'a1'] }, { name: 'b', shape: ['b0', 'b1'] });
  graph.outputs.push({ name: 'c', shape: ['m', 'n'] });
  graph.nodes.push({ op: 'Gemm', inputs: ['a', 'b'], outputs: ['c'], attrs: { transA: { int: transA ? 1 : 0 }, transB: { int: transB ? 1 : 0 } } });
  return encodeModel(graph, 'celeb-lookalike training gemm');
}

class OnnxMatMul implements MatMul {
  readonly kind = 'onnx' as const;
  private readonly sessions = new Map<string, Promise<Ort.InferenceSession>>();
  constructor(
    private readonly ort: typeof Ort,
    private readonly threads: number,
  ) {}

  private session(transA: boolean, transB: boolean): Promise<Ort.InferenceSession> {
    const key = `${transA ? 1 : 0}${transB ? 1 : 0}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = this.ort.InferenceSession.create(gemmModel(transA, transB), {
        intraOpNumThreads: this.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      this.sessions.set(key, session);
    }
    return session;
  }

  async product(a: Matrix, b: Matrix, transA = false, transB = false): Promise<Matrix> {
    const { m, n } = checkShapes(a, b, transA, transB);
    const session = await this.session(transA, transB);
    const feeds = { a: new this.ort.Tensor('float32', a.data, [a.rows, a.cols]), b: new this.ort.Tensor('float32', b.data, [b.rows, b.cols]) };
    const result = await session.run(feeds, ['c']);
    return matrix(result.c.data as Float32Array, m, n);
  }

  async dispose(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map(async (s) => (await s).release()));
  }
}

/**
 * onnxruntime's Gemm when it loads (unless `prefer` is 'js'), else the typed-array loop.
 * `threads`: intra-op threads of the Gemm sessions.
 */
export function createMatMul(prefer: MatMulKind = 'onnx', threads = 1): MatMul {
  if (prefer === 'js') return jsMatMul;
  const runtime = loadOnnxRuntime();
  return 'ort' in runtime ? new OnnxMatMul(runtime.ort, threads) : jsMatMul;
}
