/** The scale section's result and its markdown table. */
import type { CpuReport, QuietCheck } from './cpu.js';
import { ms, table } from './report.js';
import type { Summary } from './stats.js';

export interface Throughput {
  workers: number;
  /** Median over rounds. */
  photosPerSecond: number;
  rounds: number[];
  /** CPU ms per photo (median of rounds) of all worker processes, of redis-server and of the front end. */
  cpuMsPerPhoto: { workers: number; redis: number; frontEnd: number };
}

export interface ScaleResult {
  machine: string;
  date: string;
  redis: string;
  photos: number;
  inFlight: number;
  /** One photo at a time through LocalRecognizer (one engine thread in this process). */
  inProcessMs: Summary;
  /** One photo at a time through the queue to one worker process (one engine thread). */
  queueMs: Summary;
  /** median(queue) - median(in-process). */
  overheadMedianMs: number;
  /** Median of the per-photo differences (the two ran one right after the other). */
  pairedOverheadMedianMs: number;
  throughput: Throughput[];
  /** photos/s with 2 workers over photos/s with 1. */
  speedup: number;
  /** VmRSS of each worker process at the end, MiB. */
  workerRssMiB: (number | null)[];
  cpu: CpuReport;
  /** CPU of processes other than this bench, its workers and its Redis, in cores. */
  unrelatedCores: number | null;
  quietBeforeStart: QuietCheck;
}

export function renderScaleMarkdown(r: ScaleResult): string {
  const [one, two] = r.throughput;
  const load =
    r.unrelatedCores === null
      ? ''
      : ` Processes other than the bench, its workers and Redis used ${r.unrelatedCores} cores on average meanwhile${r.unrelatedCores > 0.2 ? ': the figures were measured under load and are pessimistic' : ''}.`;
  return [
    `## Scale benchmark, ${r.date.slice(0, 10)}`,
    '',
    `${r.machine}; ${r.redis}; one front end; \`celeb worker\` processes of 1 engine thread each (ONNX on 1 thread), default model.${load}`,
    '',
    table(
      ['path, one photo at a time', 'photos', 'median ms', 'p95 ms'],
      [
        ['in-process (LocalRecognizer, 1 thread)', String(r.inProcessMs.n), ms(r.inProcessMs.median), ms(r.inProcessMs.p95)],
        ['queue to 1 worker process', String(r.queueMs.n), ms(r.queueMs.median), ms(r.queueMs.p95)],
      ],
    ),
    '',
    `Queue overhead per photo: ${ms(r.overheadMedianMs)} ms (difference of medians), ${ms(r.pairedOverheadMedianMs)} ms (median of paired differences).`,
    '',
    table(
      ['worker processes', 'photos/s (median of rounds)', 'rounds', 'CPU ms per photo: workers / Redis / front end'],
      r.throughput.map((t) => [
        String(t.workers),
        t.photosPerSecond.toFixed(2),
        t.rounds.map((x) => x.toFixed(2)).join(', '),
        `${t.cpuMsPerPhoto.workers} / ${t.cpuMsPerPhoto.redis} / ${t.cpuMsPerPhoto.frontEnd}`,
      ]),
    ),
    '',
    `${r.photos} photos per round, ${r.inFlight} in flight. 2 workers / 1 worker: ${r.speedup.toFixed(2)}x (${two.photosPerSecond.toFixed(2)} / ${one.photosPerSecond.toFixed(2)} photos/s). Worker RSS at the end: ${r.workerRssMiB.map((m) => `${m ?? '–'} MiB`).join(', ')}.`,
  ].join('\n');
}
