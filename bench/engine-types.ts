/** Shape of `bench/results/engine-<date>.json`. Times are milliseconds unless named otherwise. */
import type { CpuReport, QuietCheck } from './cpu.js';
import type { MachineInfo } from './machine.js';
import type { MemoryReport } from './memory.js';
import type { BenchOptions } from './section.js';
import type { Summary } from './stats.js';

/** One photo through one mode. */
export interface Sample {
  photo: string;
  detectedFaces: number;
  decodeMs: number;
  detectMs: number;
  embedMs: number;
  headMs: number;
  /** Wall-clock from the call to the answer, measured by the bench in the main thread. */
  totalMs: number;
}

export type StageName = 'decode' | 'detect' | 'embed' | 'head' | 'other' | 'total';

/** `other` = total - (decode + detect + embed + head): thread hand-off, copies, event loop, queueing. */
export type StageSummaries = Record<StageName, Summary>;

export interface LatencyRun {
  mode: 'in-process' | 'engine-1-worker' | 'engine-2-workers-concurrent';
  description: string;
  /** Requests in flight at once. */
  concurrency: number;
  photos: number;
  /** Stage statistics are over these (photos where exactly one face was detected). */
  oneFacePhotos: number;
  multiFacePhotos: string[];
  failures: { photo: string; error: string }[];
  wallMs: number;
  imagesPerSec: number;
  stages: StageSummaries;
  /** Every photo, in submission order (rounded). */
  samples: Sample[];
}

export interface ThroughputResult {
  workers: number;
  photos: number;
  /** Time to start the pool (workers load wasm and models). */
  startupMs: number;
  roundsWallMs: number[];
  roundsImagesPerSec: number[];
  /** From the median round. */
  imagesPerSec: number;
}

export interface GroupResult {
  photo: string;
  width: number;
  height: number;
  maxFaces: number;
  runs: number;
  detectedFaces: number;
  inProcess: StageSummaries;
  engine1Worker: StageSummaries;
}

export interface EngineResult {
  section: 'engine';
  formatVersion: 1;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  source: { kind: 'celebrity-faces-17' | 'fixtures'; location: string; description: string; warmup: string[]; measured: string[] };
  settings: BenchOptions & { backbone: string; maxFaces: number; top: number; embedderStartupMs: number };
  latency: LatencyRun[];
  throughput: ThroughputResult[];
  scaling: { ratio2vs1: number; ideal: number };
  group: GroupResult;
  memory: MemoryReport;
  /** CPU used by this process and by everything else while the section ran. */
  cpu: CpuReport;
  /** Other processes' load just before the section, after waiting for it to drop. */
  quietBeforeStart: QuietCheck;
  tensors: { mainThreadBefore: number; mainThreadAfter: number; grew: boolean; note: string };
  durationMs: number;
}
