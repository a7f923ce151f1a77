/** What every benchmark section (engine now, training later) receives and returns. */
import type { QuietCheck } from './cpu.js';

export interface BenchOptions {
  /** Photos per measured run. */
  photos: number;
  /** Photos run before measuring (per mode), not counted. */
  warmup: number;
  /** Throughput rounds per worker count; the median round is reported. */
  rounds: number;
  /** Override for the celebrity dataset directory. */
  dataset?: string;
  /** A built checkout of an older commit: the engine section measures its pipeline too, as "before". */
  baseline?: string;
  /** Per-photo timeout, ms: a stuck worker fails the run instead of hanging it. */
  photoTimeoutMs: number;
  /** Longest wait for other processes to go quiet before each section, seconds (0: do not wait). */
  waitQuietSeconds: number;
}

export interface SectionContext {
  /** Project root (the directory holding package.json). */
  root: string;
  options: BenchOptions;
  startedAt: Date;
  /** How busy the machine was just before the section started. */
  quiet: QuietCheck;
  /** Progress lines go to stderr so stdout stays the markdown report. */
  log: (line: string) => void;
}

export interface SectionOutput {
  /** File stem: results go to `bench/results/<name>-<date>.json` and `<name>-latest.md`. */
  name: string;
  /** Everything measured, written as JSON. */
  json: object;
  /** The short human-readable report. */
  markdown: string;
}

export interface Section {
  name: string;
  description: string;
  run(context: SectionContext): Promise<SectionOutput>;
}
