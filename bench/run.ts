/**
 * `npm run bench`: runs benchmark sections in one process and writes their results to
 * bench/results/. `--only engine` runs one section (comma-separate several). New sections
 * are added to SECTIONS below.
 *
 * Options: --only <names>  --photos <n> (60)  --warmup <n> (6)  --rounds <n> (2)
 *          --dataset <dir>  --photo-timeout-s <s> (60)  --wait-quiet-s <s> (60, 0 = no wait)
 *          --max-seconds <s> (1200: hard limit for the whole run, waits included)
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { waitForQuiet, type QuietCheck } from './cpu.js';
import { botsSection } from './bots.js';
import { cardSection } from './card.js';
import { deploySection } from './deploy.js';
import { engineWasmSection } from './engine.js';
import { engineSpeedSection } from './engine-speed.js';
import { fallbacksSection } from './fallbacks.js';
import { gallerySection } from './gallery.js';
import { runtimesSection } from './runtimes.js';
import { scaleSection } from './scale.js';
import { shardsSection } from './shards.js';
import { trainingSection } from './training.js';
import { writeSectionResults } from './report.js';
import type { BenchOptions, Section } from './section.js';

const SECTIONS: readonly Section[] = [
  engineSpeedSection,
  engineWasmSection,
  runtimesSection,
  fallbacksSection,
  gallerySection,
  trainingSection,
  botsSection,
  cardSection,
  scaleSection,
  shardsSection,
  deploySection,
];

/** Other processes' CPU (cores) below which the machine counts as quiet. */
const QUIET_CORES = 0.1;

/** The directory holding package.json, found upwards from this file (works from dist/bench and bench). */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('bench: package.json not found above bench/');
}

function positiveInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive whole number, got "${raw}"`);
  return n;
}

interface Cli {
  sections: Section[];
  options: BenchOptions;
  maxSeconds: number;
}

function parseCli(argv: string[]): Cli {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      photos: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      dataset: { type: 'string' },
      baseline: { type: 'string' },
      'photo-timeout-s': { type: 'string' },
      'wait-quiet-s': { type: 'string' },
      'max-seconds': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      `usage: node dist/bench/run.js [--only ${SECTIONS.map((s) => s.name).join(',')}] [--photos 60] [--warmup 6] [--rounds 2] [--dataset DIR] [--baseline DIR] [--wait-quiet-s 60] [--max-seconds 1200]`,
    );
    for (const s of SECTIONS) console.log(`  ${s.name}: ${s.description}`);
    process.exit(0);
  }
  const wanted = values.only
    ? values.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : SECTIONS.map((s) => s.name);
  const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
  if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`);
  return {
    sections: SECTIONS.filter((s) => wanted.includes(s.name)),
    options: {
      photos: positiveInt(values.photos, 60, 'photos'),
      warmup: positiveInt(values.warmup, 6, 'warmup'),
      rounds: positiveInt(values.rounds, 2, 'rounds'),
      dataset: values.dataset,
      baseline: values.baseline,
      photoTimeoutMs: positiveInt(values['photo-timeout-s'], 60, 'photo-timeout-s') * 1000,
      waitQuietSeconds: values['wait-quiet-s'] === '0' ? 0 : positiveInt(values['wait-quiet-s'], 60, 'wait-quiet-s'),
    },
    maxSeconds: positiveInt(values['max-seconds'], 1200, 'max-seconds'),
  };
}

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2));
  // Hard bound on the whole run: a hung worker or photo must not keep the bench alive.
  const watchdog = setTimeout(() => {
    console.error(`bench: gave up after ${cli.maxSeconds} s`);
    process.exit(2);
  }, cli.maxSeconds * 1000);
  watchdog.unref();

  const root = projectRoot();
  const startedAt = new Date();
  const t0 = performance.now();
  const log = (line: string) => console.error(`[${((performance.now() - t0) / 1000).toFixed(1)} s] ${line}`);
  let failed = 0;
  for (const section of cli.sections) {
    log(`section ${section.name}: ${section.description}`);
    try {
      const quiet: QuietCheck =
        cli.options.waitQuietSeconds > 0
          ? await waitForQuiet(cli.options.waitQuietSeconds, QUIET_CORES, log)
          : { otherCores: null, waitedSeconds: 0, quiet: true };
      const output = await section.run({ root, options: cli.options, startedAt, quiet, log });
      const files = await writeSectionResults(root, output, startedAt);
      console.log(output.markdown);
      log(`section ${section.name} done; wrote ${path.relative(root, files.json)} and ${path.relative(root, files.markdown)}`);
    } catch (error) {
      failed += 1;
      console.error(`bench: section ${section.name} failed:`, error);
    }
  }
  log(`bench finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return failed ? 1 : 0;
}

// Exit explicitly: worker threads or wasm handles must not keep the process alive after the results are written.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
