/** The scale section's result and its markdown table. */
import type { CpuReport, QuietCheck } from './cpu.js';
import { ms, table } from './report.js';
import { median, round, type Summary } from './stats.js';

export interface Throughput {
  workers: number;
  /** Each worker process held to a core of its own (taskset), or free to use any. */
  pinned: boolean;
  /** Median over rounds. */
  photosPerSecond: number;
  rounds: number[];
  /** CPU ms per photo (median of rounds) of all worker processes, of redis-server and of the front end. */
  cpuMsPerPhoto: { workers: number; redis: number; frontEnd: number };
}

/** Where one photo's milliseconds went, from the facts its answer carries (queueMs only through the queue). */
export interface StageTimes {
  totalMs: number;
  /** Added to the queue until a worker took it. */
  queueMs: number;
  decodeMs: number;
  detectMs: number;
  embedMs: number;
  rankMs: number;
  /** The reply's picture. */
  drawMs: number;
  /** The rest: submitting, waking up, moving bytes and answers, the engine's own hand-offs. */
  otherMs: number;
}

const STAGE_KEYS = ['queueMs', 'decodeMs', 'detectMs', 'embedMs', 'rankMs', 'drawMs'] as const;

export function stageTimes(facts: Record<string, unknown>, totalMs: number): StageTimes {
  const part = Object.fromEntries(STAGE_KEYS.map((k) => [k, typeof facts[k] === 'number' ? facts[k] : 0])) as Record<(typeof STAGE_KEYS)[number], number>;
  return { totalMs, ...part, otherMs: totalMs - STAGE_KEYS.reduce((sum, k) => sum + part[k], 0) };
}

/** Medians per stage. */
export function summariseStages(times: readonly StageTimes[]): StageTimes {
  const keys = ['totalMs', ...STAGE_KEYS, 'otherMs'] as const;
  return Object.fromEntries(keys.map((k) => [k, round(median(times.map((t) => t[k])), 1)])) as unknown as StageTimes;
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
  /** Medians per stage on each path. */
  stages: { inProcess: StageTimes; queued: StageTimes };
  throughput: Throughput[];
  /** photos/s with 2 workers over photos/s with 1, the workers free to use any core. */
  speedup: number;
  /** The same with each worker process held to a core of its own; null where pinning cannot be done. */
  speedupPinned: number | null;
  /** VmRSS of each worker process at the end, MiB. */
  workerRssMiB: (number | null)[];
  cpu: CpuReport;
  /** CPU of processes other than this bench, its workers and its Redis, in cores. */
  unrelatedCores: number | null;
  quietBeforeStart: QuietCheck;
}

/** The rate measured with `workers` worker processes, free or each on a core of its own. */
export const throughputOf = (runs: readonly Throughput[], workers: number, pinned: boolean): Throughput | undefined =>
  runs.find((t) => t.workers === workers && t.pinned === pinned);

function pinnedRatio(r: ScaleResult): string {
  const [one, two] = [1, 2].map((n) => throughputOf(r.throughput, n, true));
  if (r.speedupPinned === null || !one || !two) return '';
  return `; each on a core of its own: ${r.speedupPinned.toFixed(2)}x (${two.photosPerSecond.toFixed(2)} / ${one.photosPerSecond.toFixed(2)})`;
}

/** How busy the machine's cores were in each throughput phase (what is left idle bounds the 2-worker rate). */
function busy(r: ScaleResult): string {
  const cores = (phase: string) => r.cpu.byPhase[phase]?.machineBusyCores;
  const pair = (layout: string) => [cores(`1 worker, ${layout}`), cores(`2 workers, ${layout}`)];
  const [one, two] = pair('free');
  if (one == null || two == null) return '';
  const [pinnedOne, pinnedTwo] = pair('pinned');
  const pinned = pinnedOne == null || pinnedTwo == null ? '' : `; each on a core of its own, ${pinnedOne.toFixed(2)} and ${pinnedTwo.toFixed(2)}`;
  return ` The machine's cores were busy ${one.toFixed(2)} on average with 1 worker, ${two.toFixed(2)} with 2${pinned} (all processes, the kernel's time included).`;
}

export function renderScaleMarkdown(r: ScaleResult): string {
  const [one, two] = [1, 2].map((n) => throughputOf(r.throughput, n, false)!);
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
      ['path (medians, ms)', 'total', 'in queue', 'decode', 'detect', 'embed', 'rank', 'picture', 'other'],
      (['inProcess', 'queued'] as const).map((path) => {
        const t = r.stages[path];
        return [
          path === 'queued' ? 'queue to 1 worker process' : 'in-process',
          t.totalMs,
          t.queueMs,
          t.decodeMs,
          t.detectMs,
          t.embedMs,
          t.rankMs,
          t.drawMs,
          t.otherMs,
        ].map(String);
      }),
    ),
    '',
    '"Other" is what the stages leave: submitting, hand-offs between threads and processes, moving the photo and the answer.',
    '',
    table(
      ['worker processes', 'photos/s (median of rounds)', 'rounds', 'CPU ms per photo: workers / Redis / front end'],
      r.throughput.map((t) => [
        `${t.workers}${t.pinned ? ', each on a core of its own' : ''}`,
        t.photosPerSecond.toFixed(2),
        t.rounds.map((x) => x.toFixed(2)).join(', '),
        `${t.cpuMsPerPhoto.workers} / ${t.cpuMsPerPhoto.redis} / ${t.cpuMsPerPhoto.frontEnd}`,
      ]),
    ),
    '',
    `${r.photos} photos per round, ${r.inFlight} in flight. 2 workers / 1 worker: ${r.speedup.toFixed(2)}x (${two.photosPerSecond.toFixed(2)} / ${one.photosPerSecond.toFixed(2)} photos/s)${pinnedRatio(r)}. Worker RSS at the end: ${r.workerRssMiB.map((m) => `${m ?? '–'} MiB`).join(', ')}.${busy(r)}`,
  ].join('\n');
}
