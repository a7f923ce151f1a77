/**
 * `--only engine`: one photo, decode to answer, stage by stage, for this checkout ("after"), an
 * older commit's engine in the same run ("before", `--baseline DIR`: a built checkout, see
 * README) and the face-api peer, photo by photo in turn, each in its own process; then photos per
 * second through the worker pool, and whole `celeb which` processes: wall time and peak RSS.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EmbedderPool } from '../src/engine/extract/pool.js';
import { readManifest } from '../src/engine/model/model-dir.js';
import { loadPhotos, type BenchPhoto } from './photos.js';
import { renderEngineSpeedMarkdown, type PoolRate, type EngineSpeedResult, type PipelineRow, type ProcessRow, type StageName } from './engine-speed-report.js';
import type { ProbeTiming } from './engine-probe.js';
import { median, round } from './stats.js';
import type { Section, SectionContext } from './section.js';
import { describeMachine } from './machine.js';
import { selectBackend } from '../src/engine/runtime/backend.js';

/** Seconds of rest before the `which` processes (see there). */
const WHICH_REST_S = 30;

/** Times each pipeline takes the photos (see the loop). */
const BLOCK_ROUNDS = 2;

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'engine-probe.js');

/** A probe child: one photo path in, one timing out. */
class Probe {
  private readonly waiting: ((line: string) => void)[] = [];
  private constructor(private readonly child: ReturnType<typeof spawn>) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.waiting.shift()?.(line));
  }

  static async start(args: string[]): Promise<Probe> {
    const probe = new Probe(spawn(process.execPath, [PROBE, ...args], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const first = await probe.next();
    if (first !== 'ready') throw new Error(`probe ${args.join(' ')} did not start: ${first}`);
    return probe;
  }

  private next(): Promise<string> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async time(file: string): Promise<ProbeTiming & { peerMs?: number; error?: string }> {
    const answer = this.next();
    this.child.stdin!.write(`${file}\n`);
    return JSON.parse(await answer) as ProbeTiming;
  }

  stop(): void {
    this.child.stdin!.end();
  }
}

const STAGES: readonly StageName[] = ['decode', 'blazeface', 'mesh', 'align', 'faceres', 'faceapi', 'prepare', 'rank', 'total'];

/** Each stage's milliseconds in a probe's timing: "align" and "prepare" are what the networks leave of detection and embedding. */
const STAGE_MS: Record<StageName, (t: ProbeTiming) => number> = {
  decode: (t) => t.decodeMs,
  blazeface: (t) => t.blazefaceMs,
  mesh: (t) => t.meshMs,
  align: (t) => t.detectMs - t.blazefaceMs - t.meshMs,
  faceres: (t) => t.faceresMs,
  faceapi: (t) => t.faceapiMs,
  prepare: (t) => t.embedMs - t.faceresMs - t.faceapiMs,
  rank: (t) => t.rankMs,
  total: (t) => t.totalMs,
};

function summarise(label: string, timings: (ProbeTiming & { peerMs?: number })[]): PipelineRow {
  const one = timings.filter((t) => t.faces === 1);
  const medians = Object.fromEntries(STAGES.map((s) => [s, round(median(one.map((t) => STAGE_MS[s](t))), 1)])) as Record<StageName, number>;
  return { label, photos: one.length, stages: medians, peerMs: one[0]?.peerMs === undefined ? undefined : round(median(one.map((t) => t.peerMs!)), 1) };
}

/** Rounds of the throughput measurement, whatever `--rounds` says: with 2, the median would be the mean of the two. */
const THROUGHPUT_ROUNDS = 3;

/**
 * Photos per second through a pool of `workers` (all photos submitted at once), median of rounds,
 * after one whole round that warms every worker up. Measured: a worker's first photos took up to
 * 10x longer (fresh memory, 440-690 page faults a photo against 60-100 later), so a round that
 * included them measured start-up, not the rate a running bot serves.
 */
async function throughput(photos: readonly BenchPhoto[], workers: number, rounds: number, backbone: string): Promise<PoolRate> {
  // ONNX threads as the engine chooses them by default: the cores shared among the workers.
  const pool = await EmbedderPool.start({ workers, backend: 'auto', backbone });
  try {
    await Promise.all(photos.map((p) => pool.embed(p.bytes, { maxFaces: 1, symmetric: true })));
    const rates: number[] = [];
    for (let r = 0; r < Math.max(rounds, THROUGHPUT_ROUNDS); r++) {
      const t0 = performance.now();
      await Promise.all(photos.map((p) => pool.embed(p.bytes, { maxFaces: 1, symmetric: true })));
      rates.push((photos.length * 1000) / (performance.now() - t0));
    }
    return { median: round(median(rates), 1), rounds: rates.map((r) => round(r, 1)) };
  } finally {
    await pool.close();
  }
}

/** Whole `celeb which` processes of a checkout: wall ms and peak RSS (MiB), medians of `runs`. */
function whichProcess(root: string, photos: string[], workers: number, runs: number): { wallMs: number; rssMiB: number | null } {
  const walls: number[] = [];
  const rss: number[] = [];
  const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  for (let i = 0; i < runs; i++) {
    const args = [path.join(root, 'dist', 'src', 'cli.js'), 'which', ...photos];
    const env = { ...process.env, CELEB_WORKERS: String(workers) };
    const t0 = performance.now();
    const r = time
      ? spawnSync(time, ['-f', 'RSS %M', process.execPath, ...args], { env, encoding: 'utf8' })
      : spawnSync(process.execPath, args, { env, encoding: 'utf8' });
    walls.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`celeb which failed in ${root}: ${r.stderr}`);
    const m = /RSS (\d+)/.exec(r.stderr);
    if (m) rss.push(Number(m[1]) / 1024);
  }
  return { wallMs: round(median(walls), 0), rssMiB: rss.length ? round(median(rss), 0) : null };
}

export const engineSpeedSection: Section = {
  name: 'engine',
  description: 'one photo stage by stage (this checkout, a baseline checkout, the face-api peer), photos/s, whole which processes',
  async run(ctx: SectionContext) {
    const { options, log } = ctx;
    const set = await loadPhotos(ctx.root, options.photos, options.dataset);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'celeb-bench-'));
    try {
      const files = set.photos.map((p, i) => {
        const file = path.join(dir, `${String(i).padStart(3, '0')}.jpg`);
        writeFileSync(file, p.bytes);
        return file;
      });
      const baseline = options.baseline ? path.resolve(options.baseline) : null;
      const pipelines: [string, string[]][] = [
        ['after (this checkout)', ['--root', ctx.root, '--model', path.join(ctx.root, 'model', 'default')]],
        // What one worker does by default when it has the machine (`defaultOnnxThreads`): the embedding networks on every core.
        ...(os.availableParallelism() > 1
          ? [
              [
                `after, embedding on ${os.availableParallelism()} threads (one worker's default here)`,
                ['--root', ctx.root, '--model', path.join(ctx.root, 'model', 'default'), '--threads', String(os.availableParallelism())],
              ] as [string, string[]],
            ]
          : []),
        ...(baseline
          ? [[`before (${path.basename(baseline)})`, ['--root', baseline, '--model', path.join(baseline, 'model', 'default')]] as [string, string[]]]
          : []),
        ['face-api peer (SSD + 68 landmarks + its recognition net, tfjs-wasm)', ['--peer']],
      ];
      const probes = await Promise.all(pipelines.map(([, args]) => Probe.start(args)));
      const timings: (ProbeTiming & { peerMs?: number })[][] = pipelines.map(() => []);
      log(`engine: ${set.description}; ${pipelines.length} pipelines in turn, each taking the photos in a row, ${BLOCK_ROUNDS} rounds`);
      for (let i = 0; i < options.warmup; i++) for (const p of probes) await p.time(files[i % files.length]);
      // Each pipeline takes all the photos in a row, pipelines in turn, twice (ABC ABC): photo by photo in
      // turn, or with pauses, each pipeline paid for the one before it (measured: ours 42 ms a photo in a
      // row, 49 right after each of the peer's, 66 with 150 ms pauses: a core that was idle or busy
      // elsewhere starts slow on this VM). In a row is a busy bot's case.
      for (let round = 0; round < BLOCK_ROUNDS; round++) {
        for (const [k, p] of probes.entries()) for (const file of files) timings[k].push(await p.time(file));
      }
      probes.forEach((p) => p.stop());
      const rows = pipelines.map(([label], k) => summarise(label, timings[k]));

      log('engine: photos/s through the pool');
      const backbones = {
        after: (await readManifest(path.join(ctx.root, 'model', 'default'))).backbone,
        ...(baseline ? { before: (await readManifest(path.join(baseline, 'model', 'default'))).backbone } : {}),
      };
      const perSecond = {
        one: await throughput(set.photos, 1, options.rounds, backbones.after),
        two: await throughput(set.photos, 2, options.rounds, backbones.after),
      };

      // A rest first: right after the pool's minute on both cores, this VM ran `which` about 20% slower
      // (1.1-1.3 s against 0.91-0.93 s after 20 s idle, same build); a user's `which` starts on an idle machine.
      log(`engine: ${WHICH_REST_S} s idle, then whole which processes`);
      await sleep(WHICH_REST_S * 1000);
      const group = path.join(ctx.root, 'test', 'fixtures', 'faces', 'group-1.jpg');
      const roots: [string, string][] = [['after', ctx.root], ...(baseline ? [['before', baseline] as [string, string]] : [])];
      const processes: ProcessRow[] = [];
      for (const [label, root] of roots) {
        processes.push({ label, what: 'one photo, 1 worker', ...whichProcess(root, [files[0]], 1, 5) });
        processes.push({ label, what: 'two photos, 2 workers', ...whichProcess(root, files.slice(0, 2), 2, 3) });
        processes.push({ label, what: 'group photo (group-1, 13 faces), 1 worker', ...whichProcess(root, [group], 1, 3) });
      }
      const result: EngineSpeedResult = {
        photos: set.description,
        backbones,
        rows,
        perSecond,
        processes,
        machine: await describeMachine(await selectBackend('wasm'), ctx.startedAt, os.loadavg()),
        quiet: ctx.quiet,
      };
      return { name: 'engine', json: result, markdown: renderEngineSpeedMarkdown(result) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
