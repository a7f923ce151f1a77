/** The engine section's result and its markdown: stages per pipeline, photos/s, whole processes. */
import type { QuietCheck } from './cpu.js';
import type { MachineInfo } from './machine.js';
import { ms, table } from './report.js';

export type StageName = 'decode' | 'blazeface' | 'mesh' | 'align' | 'faceres' | 'faceapi' | 'prepare' | 'rank' | 'total';

export interface PipelineRow {
  label: string;
  /** One-face photos the medians are over. */
  photos: number;
  /** Median ms per stage. */
  stages: Record<StageName, number>;
  /** The peer's detection + landmarks + descriptor, one call (its stages are not ours). */
  peerMs?: number;
}

export interface ProcessRow {
  label: string;
  what: string;
  wallMs: number;
  rssMiB: number | null;
}

/** Photos per second through the pool: the median round, and every round. */
export interface PoolRate {
  median: number;
  rounds: number[];
}

export interface EngineSpeedResult {
  photos: string;
  /** The default model's backbone in this checkout and in the baseline's. */
  backbones: { after: string; before?: string };
  rows: PipelineRow[];
  perSecond: { one: PoolRate; two: PoolRate };
  processes: ProcessRow[];
  machine: MachineInfo;
  quiet: QuietCheck;
}

const COLUMNS: [StageName, string][] = [
  ['decode', 'decode'],
  ['blazeface', 'detect (BlazeFace)'],
  ['mesh', 'mesh'],
  ['align', 'align (resize, decode, crop)'],
  ['faceres', 'embed: faceres'],
  ['faceapi', 'embed: faceapi'],
  ['prepare', 'embed: fit + normalise'],
  ['rank', 'rank (1,734 people)'],
  ['total', '**total**'],
];

export function renderEngineSpeedMarkdown(r: EngineSpeedResult): string {
  const [after, ...others] = r.rows;
  const ratio = (row: PipelineRow) => (row.stages.total > 0 ? `${(row.stages.total / after.stages.total).toFixed(1)}x` : '–');
  const stageTable = table(
    [
      'pipeline (one-face photos, in process, networks on 1 thread unless said; medians)',
      'photos',
      ...COLUMNS.map(([, title]) => `${title} ms`),
      'total / after',
    ],
    r.rows.map((row) => [
      row.label,
      String(row.photos),
      ...COLUMNS.map(([stage]) =>
        row.peerMs !== undefined && stage !== 'decode' && stage !== 'total'
          ? stage === 'blazeface'
            ? `${ms(row.peerMs)} (all stages)`
            : ''
          : ms(row.stages[stage]),
      ),
      ratio(row),
    ]),
  );
  const processTable = table(
    ['`celeb which`, whole process (after 30 s idle)', 'what', 'wall ms (median)', 'peak RSS MiB'],
    r.processes.map((p) => [p.label, p.what, String(p.wallMs), p.rssMiB === null ? '–' : String(p.rssMiB)]),
  );
  const m = r.machine;
  return [
    `## Engine benchmark, ${m.date.slice(0, 10)}`,
    '',
    `Photos: ${r.photos}. Each pipeline runs in its own process and takes the photos one at a time, in a row; the pipelines take turns, twice (medians over both). Default model, backbone ${r.backbones.after}${r.backbones.before && r.backbones.before !== r.backbones.after ? ` (before: ${r.backbones.before})` : ''}, the answer the same for a photo and its mirror image in both of ours.`,
    '',
    stageTable,
    '',
    `Relative to after (total): ${others.map((o) => `${o.label}: ${ratio(o)}`).join('; ')}.`,
    '',
    `Photos per second through the worker pool (this checkout, all photos at once, median of 3 rounds after a warm-up round; ONNX threads by default, the cores shared among the workers): 1 worker ${rate(r.perSecond.one)}, 2 workers ${rate(r.perSecond.two)}.`,
    '',
    processTable,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.totalMemoryGiB} GiB RAM, ${m.platform}, Node ${m.node}. Load average at start ${m.loadAverageAtStart.map((v) => v.toFixed(2)).join(' / ')}; other processes used ${r.quiet.otherCores ?? '?'} cores just before the section (${r.quiet.quiet ? 'quiet' : 'not quiet'}).`,
  ].join('\n');
}

const rate = (r: PoolRate) => `${r.median} (rounds ${r.rounds.join(', ')})`;
