/**
 * Samples the process's resident set size (main thread + worker threads share one process)
 * on a timer, and attributes each sample to the phase currently marked.
 */
export interface MemoryReport {
  intervalMs: number;
  samples: number;
  /** Highest sampled `process.memoryUsage().rss`, MiB. */
  peakSampledRssMiB: number;
  /** `process.resourceUsage().maxRSS` at the end (kernel high-water mark), MiB. */
  maxRssMiB: number;
  /** Highest sampled RSS per phase, MiB. */
  peakByPhaseMiB: Record<string, number>;
}

const MiB = 1024 * 1024;

export class RssSampler {
  private timer: NodeJS.Timeout | null = null;
  private phase = 'start';
  private count = 0;
  private peak = 0;
  private readonly byPhase = new Map<string, number>();

  constructor(readonly intervalMs = 50) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref(); // never keeps the process alive
    return this;
  }

  /** Later samples count towards `name`; takes one sample immediately so short phases are seen. */
  mark(name: string): void {
    this.phase = name;
    this.sample();
  }

  sample(): number {
    const rss = process.memoryUsage().rss;
    this.count += 1;
    this.peak = Math.max(this.peak, rss);
    this.byPhase.set(this.phase, Math.max(this.byPhase.get(this.phase) ?? 0, rss));
    return rss;
  }

  stop(): MemoryReport {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const peakByPhaseMiB: Record<string, number> = {};
    for (const [phase, rss] of this.byPhase) peakByPhaseMiB[phase] = Math.round(rss / MiB);
    return {
      intervalMs: this.intervalMs,
      samples: this.count,
      peakSampledRssMiB: Math.round(this.peak / MiB),
      maxRssMiB: Math.round((process.resourceUsage().maxRSS * 1024) / MiB), // maxRSS is in KiB
      peakByPhaseMiB,
    };
  }
}
