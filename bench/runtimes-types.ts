/** Shape of `bench/results/runtimes-<date>.json`: tfjs-wasm vs onnxruntime in one run. Times in ms. */
import type { CpuReport, QuietCheck } from './cpu.js';
import type { MachineInfo } from './machine.js';
import type { MemoryReport } from './memory.js';
import type { Summary } from './stats.js';

export type RuntimeName = 'wasm' | 'onnx';

/** One measure for both runtimes, and onnx / wasm (below 1: onnx is faster). */
export interface Pair {
  wasm: Summary;
  onnx: Summary;
  /** Ratio of medians, onnx / wasm. */
  ratio: number;
}

export interface ThroughputPair {
  workers: number;
  photos: number;
  /** images/s (or views/s) per round, each runtime's rounds interleaved with the other's. */
  wasmRounds: number[];
  onnxRounds: number[];
  wasm: number;
  onnx: number;
  /** onnx / wasm (above 1: onnx is faster). */
  speedup: number;
}

export interface RuntimesResult {
  section: 'runtimes';
  formatVersion: 1;
  machine: MachineInfo;
  onnxruntime: string | null;
  source: { description: string; photos: number };
  /** faceres alone on the same aligned crops, alternating runtimes crop by crop. */
  backbone: Pair & { crops: number };
  /** In-process, decode to answer (head included), one-face photos, alternating runtimes photo by photo. */
  endToEnd: { oneFacePhotos: number; decode: Pair; detect: Pair; embed: Pair; total: Pair; throughputImagesPerSec: { wasm: number; onnx: number } };
  /** Smallest cosine between the two runtimes' embeddings of the same face. */
  agreementMinCosine: number;
  /** FaceEmbedder.create (models loaded; ONNX from its cache). */
  startupMs: { wasm: number; onnx: number };
  throughput: ThroughputPair[];
  /** Feature bank: each photo with 8 augmented views through a 2-worker pool. */
  featureBank: ThroughputPair & { viewsPerPhoto: number };
  memory: MemoryReport;
  cpu: CpuReport;
  quietBeforeStart: QuietCheck;
  durationMs: number;
}
