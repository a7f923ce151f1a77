/** The short markdown report of the runtimes section (tfjs-wasm vs onnxruntime). */
import { machineLine } from './machine.js';
import { dateStamp, ms, table } from './report.js';
import type { Pair, RuntimesResult, ThroughputPair } from './runtimes-types.js';

const row = (label: string, p: Pair): string[] => [label, ms(p.wasm.median), ms(p.wasm.p95), ms(p.onnx.median), ms(p.onnx.p95), `${p.ratio.toFixed(3)}x`];
const rate = (label: string, t: ThroughputPair): string[] => [
  label,
  t.wasm.toFixed(1),
  t.onnx.toFixed(1),
  `${t.speedup.toFixed(2)}x`,
  `${t.wasmRounds.join(', ')} / ${t.onnxRounds.join(', ')}`,
];

export function renderRuntimesMarkdown(r: RuntimesResult): string {
  const e = r.endToEnd;
  const other = r.cpu.otherCores === null ? 'not measurable' : `${r.cpu.otherCpuSeconds} CPU-s by other processes (${r.cpu.otherCores} cores on average)`;
  return [
    `## Runtimes benchmark: tfjs-wasm vs onnxruntime ${r.onnxruntime ?? '(not loadable)'}, ${dateStamp(new Date(r.machine.date))}`,
    '',
    `Photos: ${r.source.description}; ${r.source.photos} measured, both runtimes in one process, alternating photo by photo (round by round for pools). onnx runs detection (BlazeFace, FaceMesh) and the backbone (faceres) on onnxruntime; wasm runs Human and faceres on tfjs-wasm. Ratios are onnx / wasm of medians.`,
    '',
    table(
      ['in-process, one-face photos (' + e.oneFacePhotos + ')', 'wasm median ms', 'p95', 'onnx median ms', 'p95', 'onnx/wasm'],
      [
        row('decode', e.decode),
        row('detect + align', e.detect),
        row('embed (faceres)', e.embed),
        row('**total, decode to answer**', e.total),
        row(`faceres alone, same ${r.backbone.crops} crops`, r.backbone),
      ],
    ),
    '',
    table(
      ['throughput', 'wasm', 'onnx', 'speedup', 'rounds wasm / onnx'],
      [
        ...r.throughput.map((t) => rate(`photos/s, ${t.workers} worker${t.workers > 1 ? 's' : ''}`, t)),
        rate(`feature bank views/s (${r.featureBank.photos} photos x ${r.featureBank.viewsPerPhoto + 1} views, 2 workers)`, r.featureBank),
      ],
    ),
    '',
    `Embedder start-up (models loaded, ONNX from its cache): wasm ${ms(r.startupMs.wasm, 0)} ms, onnx ${ms(r.startupMs.onnx, 0)} ms. ` +
      `Smallest cosine between the two runtimes' embeddings of the same face: ${r.agreementMinCosine}. ` +
      `Peak RSS ${r.memory.peakSampledRssMiB} MiB (by phase: ${Object.entries(r.memory.peakByPhaseMiB)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}).`,
    '',
    `Machine: ${machineLine(r.machine)}. CPU: ${other}. Section took ${(r.durationMs / 1000).toFixed(1)} s.`,
  ].join('\n');
}
