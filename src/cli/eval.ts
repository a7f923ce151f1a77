/** `celeb eval robustness <dir>`: top-1 with detection under dim, grey, small, blurred, rotated and mirrored photos. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { scanPeopleFolder, type LabelledFile } from '../engine/dataset/folders.js';
import { perturbation, PERTURBATIONS } from '../engine/eval/perturbations.js';
import { evaluateRobustness, type RobustnessReport } from '../engine/eval/robustness.js';
import { openEngine } from '../wiring.js';
import { percent, jsonText } from '../base/format.js';
import { intOption, parse, usageError, UsageError } from './args.js';
import { helpFor } from './help.js';

/** At most `n` photos of each person, in the folder's (sorted) order. */
function perPerson(files: readonly LabelledFile[], n: number): LabelledFile[] {
  const seen = new Map<string, number>();
  return files.filter((f) => {
    const count = (seen.get(f.person) ?? 0) + 1;
    seen.set(f.person, count);
    return count <= n;
  });
}

const usage = (message: string): never => {
  throw new UsageError(message);
};

const images = (dir: string): string[] =>
  readdirSync(dir)
    .filter((n) => /\.(jpe?g|png|webp)$/i.test(n))
    .sort()
    .map((n) => path.join(dir, n));

export function formatRobustness(report: RobustnessReport): string {
  const lines = [
    '| photo | top-1 with detection | vs clean | face found | found by a fallback | warned | median ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...report.rows.map((r) => {
      const found = Object.values(r.passes).reduce((a, b) => a + b, 0);
      const fallback = found - (r.passes.direct ?? 0);
      return `| ${r.description} | ${percent(r.top1)} | ${percent(r.relativeToClean)} | ${percent(r.faceFound)} | ${fallback} of ${r.images} | ${percent(r.warned)} | ${r.medianMs.toFixed(0)} |`;
    }),
    '',
    `flip agreement of top-1: ${percent(report.flipAgreementKnown)} on the known people's photos` +
      (report.flipAgreementStrangers === null ? '' : `, ${percent(report.flipAgreementStrangers)} on ${report.strangers} strangers' photos`),
  ];
  return lines.join('\n');
}

export async function evalCommand(argv: string[], config: AppConfig): Promise<number> {
  const [what, ...rest] = argv;
  if (what !== 'robustness') throw new UsageError(helpFor(['eval'])!);
  const { values, positionals } = parse(
    rest,
    {
      strangers: { type: 'string' },
      'per-person': { type: 'string' },
      only: { type: 'string' },
      'no-fallbacks': { type: 'boolean' },
      model: { type: 'string' },
      json: { type: 'boolean' },
    },
    'eval robustness',
  );
  if (positionals.length !== 1) throw usageError('eval robustness', 'Give one folder of people.');
  const files = perPerson(scanPeopleFolder(path.resolve(positionals[0])), intOption(values['per-person'], 'per-person', Infinity, 1));
  const strangers = values.strangers ? images(path.resolve(values.strangers)) : [];
  const perturbations = values.only
    ?.split(',')
    .map((id) => perturbation(id.trim()) ?? usage(`--only: no condition "${id}"; choose from ${PERTURBATIONS.map((p) => p.id).join(', ')}`));
  const engine = await openEngine(config, { model: values.model });
  try {
    const fallbacks = !values['no-fallbacks'];
    const report = await evaluateRobustness({
      engine: { workers: engine.workers, which: (bytes, options) => engine.which(bytes, { ...options, detectionFallbacks: fallbacks }) },
      files,
      strangers,
      perturbations,
      onProgress: process.stderr.isTTY ? (done, total) => process.stderr.write(`\r${done}/${total}${done === total ? '\n' : ''}`) : undefined,
    });
    if (values.json) console.log(jsonText({ model: engine.model.name, images: files.length, fallbacks, ...report }));
    else
      console.log(
        `${files.length} photos of ${new Set(files.map((f) => f.person)).size} people, model ${engine.model.name}, detection fallbacks ${fallbacks ? 'on' : 'off'}\n\n${formatRobustness(report)}`,
      );
    return 0;
  } finally {
    await engine.close();
  }
}
