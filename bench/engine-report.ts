/** The short markdown report of the engine section. */
import type { CpuReport, QuietCheck } from './cpu.js';
import { machineLine } from './machine.js';
import { dateStamp, ms, table } from './report.js';
import type { EngineResult, StageName, StageSummaries } from './engine-types.js';

const STAGES: readonly { key: StageName; label: string }[] = [
  { key: 'decode', label: 'decode' },
  { key: 'detect', label: 'detect + align' },
  { key: 'embed', label: 'embed (faceres)' },
  { key: 'head', label: 'head' },
  { key: 'other', label: 'other (thread hand-off)' },
  { key: 'total', label: '**total**' },
];

const OTHER_CORES_WARNING = 0.1;

const HEADS: Record<EngineResult['latency'][number]['mode'], string> = {
  'in-process': '(a) in-process',
  'engine-1-worker': '(b) engine, 1 worker',
  'engine-2-workers-concurrent': '(c) engine, 2 workers, 2 in flight',
};

function stageLine(s: StageSummaries): string {
  return `decode ${ms(s.decode.median)}, detect ${ms(s.detect.median)}, embed ${ms(s.embed.median)}, total ${ms(s.total.median)} ms`;
}

/** Flags phases where other processes took a noticeable share of the 2 cores. */
function otherLoadLine(c: CpuReport, q: QuietCheck): string {
  if (c.otherCores === null) return `CPU: this process used ${c.ownCpuSeconds} CPU-s in ${c.wallSeconds} s (other processes not measurable here).`;
  const phases = Object.entries(c.byPhase).filter(([p]) => p !== 'start' && p !== 'end');
  const busy = phases.filter(([, v]) => (v.otherCores ?? 0) > OTHER_CORES_WARNING).map(([p]) => p);
  const perPhase = phases.map(([p, v]) => `${p} ${v.otherCores}`).join(', ');
  return (
    `CPU: this process used ${c.ownCpuSeconds} CPU-s in ${c.wallSeconds} s; other processes used ${c.otherCpuSeconds} CPU-s ` +
    `(cores on average by phase: ${perPhase}).` +
    (busy.length ? ` **Other work was running during ${busy.join(', ')}: those figures are pessimistic.**` : ' Quiet machine.') +
    (q.waitedSeconds > 1.5 ? ` Waited ${q.waitedSeconds} s for other work to stop${q.quiet ? '' : ' (it did not)'}.` : '')
  );
}

export function renderEngineMarkdown(r: EngineResult): string {
  const runs = r.latency;
  const headers = ['Stage', ...runs.flatMap((run) => [`${HEADS[run.mode]} median ms`, 'p95 ms'])];
  const rows = STAGES.map(({ key, label }) => [label, ...runs.flatMap((run) => [ms(run.stages[key].median), ms(run.stages[key].p95)])]);
  const counted = runs.map((run) => `${HEADS[run.mode].split(' ')[0]} ${run.oneFacePhotos}/${run.photos}`).join(', ');
  const failures = runs.reduce((n, run) => n + run.failures.length, 0);

  const [t1] = r.throughput;
  const tRows = r.throughput.map((t) => [
    String(t.workers),
    t.imagesPerSec.toFixed(2),
    t.roundsImagesPerSec.map((v) => v.toFixed(2)).join(', '),
    ms(t.startupMs, 0),
  ]);
  const g = r.group;
  const m = r.memory;
  const phases = Object.entries(m.peakByPhaseMiB)
    .filter(([p]) => p !== 'start' && p !== 'end')
    .map(([p, v]) => `${p} ${v}`)
    .join(', ');

  return [
    `## Engine benchmark, ${dateStamp(new Date(r.machine.date))}`,
    '',
    `Photos: ${r.source.description}; ${r.source.warmup.length} warm-up + ${r.source.measured.length} measured per mode, maxFaces ${r.settings.maxFaces}, top ${r.settings.top}. ` +
      `Stage statistics over one-face photos (${counted})${failures ? `; ${failures} failed photos, see JSON` : ''}.`,
    '',
    table(headers, rows),
    '',
    `Extraction throughput (${t1.photos} photos submitted at once to \`EmbedderPool.embed\`, wall-clock, median of ${t1.roundsWallMs.length} rounds):`,
    '',
    table(['Workers', 'images/s', 'rounds images/s', 'pool start ms'], tRows),
    '',
    `**2 vs 1 workers: ${r.scaling.ratio2vs1.toFixed(2)}x** (ideal ${r.scaling.ideal}x). In-process single thread for comparison: ${runs[0].imagesPerSec.toFixed(2)} images/s.`,
    '',
    `Group photo (${g.photo}, ${g.width}x${g.height}, ${g.detectedFaces} faces detected, maxFaces ${g.maxFaces}, median of ${g.runs}): ` +
      `in-process ${stageLine(g.inProcess)}; engine 1 worker total ${ms(g.engine1Worker.total.median)} ms (p95 ${ms(g.engine1Worker.total.p95)}).`,
    '',
    `Peak RSS: ${m.peakSampledRssMiB} MiB sampled every ${m.intervalMs} ms (by phase: ${phases}), maxRSS ${m.maxRssMiB} MiB. ` +
      `tfjs tensors (main thread, around the in-process run): ${r.tensors.mainThreadBefore} -> ${r.tensors.mainThreadAfter} (${r.tensors.grew ? '**GREW**' : 'no growth'}).`,
    '',
    `Machine: ${machineLine(r.machine)}. Load avg at end ${r.loadAverageAtEnd.join(' / ')}. Section took ${(r.durationMs / 1000).toFixed(1)} s.`,
    '',
    otherLoadLine(r.cpu, r.quietBeforeStart),
    '',
  ].join('\n');
}
