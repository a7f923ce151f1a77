/**
 * Card section: what drawing one answer card costs, in wall time and in CPU time of the whole
 * process (libvips's threads included), for the one-face card (the fixture selfie, and the same
 * enlarged to a phone photo's 1280 px) and the group card, with the renderer as it was
 * (card-baseline.ts) and the bots' renderer, card by card in turns so both see the same
 * machine. Every card names people no earlier card named (the engine's answer to the photo with
 * its names replaced by the model's labels in turn), as a bot's successive answers do, so
 * nothing is measured from caches warmed by the same names; a third variant draws the photo's
 * own answer every time, to show what those caches save.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { groupCard, lookalikeCard, numberFaces, type CardSources } from '../src/bots/card/cards.js';
import type { CardStage } from '../src/bots/card/render.js';
import { Thumbnails } from '../src/bots/core/thumbnails.js';
import { LookalikeEngine, type Prediction } from '../src/engine/lookalike.js';
import { readManifest } from '../src/engine/model/model-dir.js';
import { baselineGroupCard, baselineLookalikeCard } from './card-baseline.js';
import { CpuMeter } from './cpu.js';
import { ms, table } from './report.js';
import { median, round, roundSummary, summarize, type Summary } from './stats.js';
import type { Section, SectionContext } from './section.js';

const WARMUP = 3;

const STAGE_NAMES: Record<CardStage, string> = {
  decode: 'group photo decoded (one face: none, its face is cut as it decodes)',
  resize: 'faces (and group photo) scaled; the one-face photo decoded',
  sprites: 'glyphs and shapes drawn (librsvg; most are kept from earlier cards)',
  canvas: 'background and layers laid (JS)',
  encode: 'JPEG encoded',
};
const MAX_FACES = 8;

type Draw = (photo: Uint8Array, prediction: Prediction, sources: CardSources) => Promise<Buffer>;

/** A way of drawing cards: which renderer, and whether each card names other people or the photo's own answer every time. */
interface Variant {
  name: 'before' | 'after' | 'after, same answer';
  oneFace: Draw;
  group: Draw;
  newNames: boolean;
}

const before = {
  oneFace: (p, pr, s) => baselineLookalikeCard(p, pr, pr.faces[0], s),
  group: (p, pr, s) => baselineGroupCard(p, pr, numberFaces(pr), s),
} satisfies Partial<Variant>;
const after = {
  oneFace: (p, pr, s) => lookalikeCard(p, pr, pr.faces[0], s),
  group: (p, pr, s) => groupCard(p, pr, numberFaces(pr), s),
} satisfies Partial<Variant>;

/** In turns, card by card; the last shows what the caches save when a look-alike comes back. */
const VARIANTS: readonly Variant[] = [
  { name: 'before', ...before, newNames: true },
  { name: 'after', ...after, newNames: true },
  { name: 'after, same answer', ...after, newNames: false },
];
type VariantName = Variant['name'];

interface CardCase {
  kind: 'one face' | 'group';
  /** What the table calls it: the kind and the photo's size. */
  label: string;
  fixture: string;
  photo: Buffer;
  prediction: Prediction;
}

/** `prediction` with its matches renamed to `names`, in order. */
function renamed(prediction: Prediction, names: readonly string[]): Prediction {
  let k = 0;
  const faces = prediction.faces.map((f) => ({ ...f, matches: f.matches.map((m) => ({ ...m, name: names[k++ % names.length] })) }));
  return { ...prediction, faces };
}

interface Sample {
  wallMs: number;
  cpuMs: number;
  bytes: number;
}

const STAGES: readonly CardStage[] = ['decode', 'resize', 'sprites', 'canvas', 'encode'];

/** Wall and CPU ms since the last mark, stage by stage, as the renderer reports its stages' ends. */
class StageClock {
  readonly spent = new Map<CardStage, { wallMs: number; cpuMs: number }>();
  private wall = performance.now();
  private cpu = process.cpuUsage();

  readonly mark = (stage: CardStage): void => {
    const [wall, cpu] = [performance.now(), process.cpuUsage()];
    this.spent.set(stage, { wallMs: wall - this.wall, cpuMs: (cpu.user + cpu.system - this.cpu.user - this.cpu.system) / 1000 });
    [this.wall, this.cpu] = [wall, cpu];
  };
}

async function measure(draw: () => Promise<Buffer>): Promise<Sample & { card: Buffer }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const card = await draw();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, bytes: card.length, card };
}

/** Mean absolute difference per channel value (0-255) of two same-sized images, and whether their sizes matched. */
async function meanAbsDiff(a: Buffer, b: Buffer): Promise<number | null> {
  const [x, y] = await Promise.all([a, b].map((img) => sharp(img).removeAlpha().raw().toBuffer({ resolveWithObject: true })));
  if (x.info.width !== y.info.width || x.info.height !== y.info.height) return null;
  let sum = 0;
  for (let i = 0; i < x.data.length; i++) sum += Math.abs(x.data[i] - y.data[i]);
  return sum / x.data.length;
}

interface CaseResult {
  kind: CardCase['kind'];
  label: string;
  fixture: string;
  faces: number;
  cards: number;
  wallMs: Record<VariantName, Summary>;
  cpuMs: Record<VariantName, Summary>;
  bytes: Record<VariantName, number>;
  /** Mean absolute pixel difference, before vs after, of the first card (same names). */
  meanAbsDiff: number | null;
  /** The new renderer's stages (the old one reports none): median wall and CPU ms. */
  stages: Partial<Record<CardStage, { wallMs: number; cpuMs: number }>>;
}

/** `names`: labels not yet drawn in this run, taken from its start, as many as the cards name. */
async function runCase(c: CardCase, names: string[], cards: number, sources: CardSources): Promise<CaseResult> {
  const samples = Object.fromEntries(VARIANTS.map((v) => [v.name, [] as Sample[]])) as Record<VariantName, Sample[]>;
  const stages: StageClock[] = [];
  const perCard = c.prediction.faces.reduce((s, f) => s + f.matches.length, 0);
  let firsts: Buffer[] = [];
  for (let i = 0; i < WARMUP + cards; i++) {
    const prediction = renamed(c.prediction, names.splice(0, perCard));
    // Alternate the order, so no variant always follows another's allocations.
    const order = i % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    const drawn = new Map<string, Buffer>();
    for (const v of order) {
      const clock = new StageClock();
      const draw = c.kind === 'one face' ? v.oneFace : v.group;
      const s = await measure(() => draw(c.photo, v.newNames ? prediction : c.prediction, { ...sources, onStage: clock.mark }));
      drawn.set(v.name, s.card);
      if (i < WARMUP) continue;
      samples[v.name].push({ wallMs: s.wallMs, cpuMs: s.cpuMs, bytes: s.bytes });
      if (v.name === 'after') stages.push(clock);
    }
    if (i === 0) firsts = [drawn.get('before')!, drawn.get('after')!];
  }
  const pick = (f: (s: Sample) => number) =>
    Object.fromEntries(VARIANTS.map((v) => [v.name, roundSummary(summarize(samples[v.name].map(f)))])) as Record<VariantName, Summary>;
  const diff = await meanAbsDiff(firsts[0], firsts[1]);
  return {
    kind: c.kind,
    label: c.label,
    fixture: c.fixture,
    faces: c.prediction.faces.length + c.prediction.unansweredFaces.length,
    cards,
    wallMs: pick((s) => s.wallMs),
    cpuMs: pick((s) => s.cpuMs),
    bytes: Object.fromEntries(VARIANTS.map((v) => [v.name, median(samples[v.name].map((s) => s.bytes))])) as Record<VariantName, number>,
    meanAbsDiff: diff === null ? null : round(diff, 3),
    stages: Object.fromEntries(
      STAGES.map((stage) => {
        const spent = stages.map((clock) => clock.spent.get(stage) ?? { wallMs: 0, cpuMs: 0 });
        return [stage, { wallMs: round(median(spent.map((x) => x.wallMs))), cpuMs: round(median(spent.map((x) => x.cpuMs))) }];
      }),
    ),
  };
}

async function loadCases(root: string): Promise<CardCase[]> {
  const engine = await LookalikeEngine.open(path.join(root, 'model', 'default'), { workers: 1 });
  try {
    const cases: CardCase[] = [];
    const read = (fixture: string) => readFile(path.join(root, 'test', 'fixtures', 'faces', fixture));
    const selfie = await read('cgi-model-1.jpg');
    // The fixture selfie is 640x360; phones send 1280 px and more, and the photo's size is part of a card's cost.
    const large = await sharp(selfie).resize(1280, 720).jpeg({ quality: 90 }).toBuffer();
    for (const [kind, fixture, photo] of [
      ['one face', 'cgi-model-1.jpg', selfie],
      ['one face', 'cgi-model-1.jpg enlarged to 1280x720', large],
      ['group', 'group-3.jpg', await read('group-3.jpg')],
    ] as const) {
      const prediction = await engine.which(photo, { top: 3, maxFaces: MAX_FACES });
      const faces = prediction.faces.length + prediction.unansweredFaces.length;
      if ((kind === 'one face') !== (faces === 1)) throw new Error(`${fixture}: ${faces} faces found, not a ${kind} card`);
      const label = `${kind === 'one face' ? 'one face' : `group (${faces} faces)`}, ${prediction.width}x${prediction.height}`;
      cases.push({ kind, label, fixture, photo, prediction });
    }
    return cases;
  } finally {
    await engine.close(); // its worker must not use CPU while cards are timed
  }
}

export const cardSection: Section = {
  name: 'card',
  description: 'CPU and wall ms to draw a one-face card and a group card, the renderer before and after, in turns (--photos cards each)',
  async run(ctx: SectionContext) {
    const modelDir = path.join(ctx.root, 'model', 'default');
    ctx.log('card: the engine answers the fixture photos');
    const cases = await loadCases(ctx.root);
    const thumbnails = new Thumbnails(modelDir);
    const manifest = await readManifest(modelDir);
    const model = { dir: modelDir, manifest };
    const names = Object.keys(manifest.thumbnails).sort();
    // Every card names people no earlier card in the run named (until all 1,734 have been named: by then the caches have long forgotten the first).
    const unused = Array.from({ length: cases.length * (WARMUP + ctx.options.photos) * 3 * MAX_FACES }, (_, i) => names[i % names.length]);
    // Thumbnail files are read once and kept by the bots too: read them all before timing.
    for (const name of names) await thumbnails.find(model, name);
    const sources: CardSources = { model, thumbnails, maxImagePixels: 40e6 };
    const cpu = new CpuMeter();
    const results: CaseResult[] = [];
    for (const c of cases) {
      ctx.log(`card: ${c.label} (${c.fixture}), ${ctx.options.photos} cards per variant`);
      cpu.mark(c.label);
      results.push(await runCase(c, unused, ctx.options.photos, sources));
    }
    const load = cpu.stop();
    const rows = results.flatMap((r) =>
      VARIANTS.map(({ name }) => [
        r.label,
        name,
        ms(r.wallMs[name].median),
        ms(r.cpuMs[name].median),
        ms(r.cpuMs[name].p95),
        name === 'before' ? '' : `${(r.cpuMs.before.median / r.cpuMs[name].median).toFixed(1)}x less CPU`,
        `${Math.round(r.bytes[name] / 1000)} kB`,
      ]),
    );
    const others = load.otherCores === null ? '' : ` Other processes used ${load.otherCores} cores on average meanwhile.`;
    const markdown = [
      `## Card benchmark, ${ctx.startedAt.toISOString().slice(0, 10)}`,
      '',
      `Drawing one answer card (1080 px wide JPEG) from a fixture photo and the shipped gallery's answer to it, ${ctx.options.photos} cards per row after ${WARMUP} not counted, the variants in turns. \`before\` is the renderer as it was (bench/card-baseline.ts); \`before\` and \`after\` name other celebrities on every card (as a bot's successive answers do), \`after, same answer\` the photo's own answer every time (what the caches save when a look-alike comes back). CPU is the whole process's (libvips threads included), per card.${others}`,
      '',
      table(['card', 'renderer', 'median wall ms', 'median CPU ms', 'p95 CPU ms', 'ratio', 'size'], rows),
      '',
      `Mean absolute pixel difference before vs after (0-255 per channel): ${results.map((r) => `${r.label} ${r.meanAbsDiff ?? 'sizes differ'}`).join(', ')}.`,
      '',
      "The new renderer stage by stage (median ms per card; the stages' medians need not add up to the card's):",
      '',
      table(
        ['stage', ...results.flatMap((r) => [`${r.label} wall`, `${r.label} CPU`])],
        STAGES.map((stage) => [STAGE_NAMES[stage], ...results.flatMap((r) => [ms(r.stages[stage]?.wallMs), ms(r.stages[stage]?.cpuMs)])]),
      ),
    ].join('\n');
    return { name: 'card', json: { sharp: sharp.versions, concurrency: sharp.concurrency(), results, cpu: load, quietBeforeStart: ctx.quiet }, markdown };
  },
};
