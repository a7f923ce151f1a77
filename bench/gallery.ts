/**
 * `npm run bench -- --only gallery`: what the 1,734-person gallery costs to answer with. Model
 * load time, ranking one face against every prototype (scores, softmax, top 3 and similarity),
 * and the memory the loaded gallery holds, each next to the 17-celebrity model measured in the
 * same run as the baseline. The photo pipeline (decode, detect, embed) is the `engine` and
 * `runtimes` sections' subject: it is the same for both models, except for the backbone, whose
 * cost against the one it replaced is measured here too.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { rankMatches } from '../src/engine/lookalike.js';
import { l2normalise, seededRandom } from '../src/engine/math.js';
import { directoryBytes, loadModel, type LoadedModel } from '../src/engine/model/model-dir.js';
import { ms, table } from './report.js';
import { createEngine } from '../src/engine/create.js';
import { FaceEmbedder } from '../src/engine/extract/face-embedder.js';
import { shortMachineLine } from './machine.js';
import { loadPhotos, type PhotoSet } from './photos.js';
import type { Section, SectionContext } from './section.js';
import { round, summarize, type Summary } from './stats.js';

interface ModelCosts {
  model: string;
  people: number;
  head: string;
  bytesOnDisk: number;
  loadMs: Summary;
  rankMs: Summary;
  /** Resident memory added by loading the model once (MB). */
  rssDeltaMb: number;
}

/** Faces to rank: random unit vectors (ranking cost does not depend on who the face is). */
function queries(model: LoadedModel, n: number): Float32Array[] {
  const random = seededRandom(11);
  return Array.from({ length: n }, () => l2normalise(Float32Array.from({ length: model.manifest.dim }, () => random() * 2 - 1)));
}

async function measure(dir: string, loads: number, ranks: number): Promise<ModelCosts> {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const loadTimes: number[] = [];
  let model: LoadedModel | null = null;
  for (let i = 0; i < loads; i++) {
    const t0 = performance.now();
    const loaded = await loadModel(dir);
    loadTimes.push(performance.now() - t0);
    if (model) loaded.head.dispose();
    else model = loaded;
  }
  global.gc?.();
  const rssDeltaMb = (process.memoryUsage().rss - rssBefore) / 1e6;
  const m = model!;
  const faces = queries(m, ranks);
  const rankTimes: number[] = [];
  for (const face of faces) {
    const t0 = performance.now();
    const [scores] = await m.head.scores([face]);
    rankMatches(scores, m.head.labels, m.manifest.temperature, 3, m.manifest.similarity);
    rankTimes.push(performance.now() - t0);
  }
  m.head.dispose();
  return {
    model: path.basename(dir),
    people: m.manifest.labels.length,
    head: `${m.manifest.head.kind}${m.manifest.head.dtype ? ` (${m.manifest.head.dtype})` : ''} on ${m.manifest.backbone}`,
    bytesOnDisk: await directoryBytes(dir),
    loadMs: summarize(loadTimes.slice(1)),
    rankMs: summarize(rankTimes.slice(Math.floor(ranks / 10))),
    rssDeltaMb: round(rssDeltaMb, 1),
  };
}

/**
 * One photo through the gallery end to end (decode to answer, in process, onnx when it loads),
 * with symmetric detection (the default for the `+flip` gallery: photo and mirror detected and
 * averaged) and without it, interleaved on the same photos.
 */
async function photoCosts(
  { root, options }: SectionContext,
  set: PhotoSet,
): Promise<{ runtime: string; photos: number; symmetricMs: Summary; plainMs: Summary }> {
  const engine = await createEngine({ model: path.join(root, 'model', 'default'), workers: 1 });
  try {
    const symmetric: number[] = [];
    const plain: number[] = [];
    for (const [i, photo] of set.photos.entries()) {
      for (const on of i % 2 ? [true, false] : [false, true]) {
        const t0 = performance.now();
        await engine.which(photo.bytes, { symmetric: on }).catch(() => null);
        if (i >= options.warmup) (on ? symmetric : plain).push(performance.now() - t0);
      }
    }
    return {
      runtime: `detector ${engine.runtime.detector}, embedding ${engine.runtime.embedding}`,
      photos: symmetric.length,
      symmetricMs: summarize(symmetric),
      plainMs: summarize(plain),
    };
  } finally {
    await engine.close();
  }
}

/** What the shipped backbone costs against the one it replaced, in process, interleaved on the same photos. */
const BACKBONES = ['faceres+flip', 'faceres+faceapi+flip'] as const;

interface BackboneCost {
  backbone: string;
  runtime: string;
  /** Decode to embeddings of the largest face, symmetric detection (as recognition runs it). */
  photoMs: Summary;
  /** The embedding stage alone (both crops, each with its mirror). */
  embedMs: Summary;
}

async function backboneCosts({ options }: SectionContext, set: PhotoSet): Promise<BackboneCost[]> {
  const embedders = await Promise.all(BACKBONES.map((backbone) => FaceEmbedder.create({ backbone })));
  try {
    const photo = embedders.map((): number[] => []);
    const embed = embedders.map((): number[] => []);
    for (const [i, { bytes }] of set.photos.entries()) {
      const order = i % 2 ? [1, 0] : [0, 1];
      for (const k of order) {
        const t0 = performance.now();
        const result = await embedders[k].embedImage(bytes, { symmetric: true, maxFaces: 1 }).catch(() => null);
        if (i < options.warmup || !result?.faces.length) continue;
        photo[k].push(performance.now() - t0);
        embed[k].push(result.timings.embedMs);
      }
    }
    return embedders.map((e, k) => ({
      backbone: BACKBONES[k],
      runtime: `${e.runtime.detector} / ${e.runtime.embedding}`,
      photoMs: summarize(photo[k]),
      embedMs: summarize(embed[k]),
    }));
  } finally {
    for (const e of embedders) e.dispose();
  }
}

export const gallerySection: Section = {
  name: 'gallery',
  description: 'the shipped gallery: model load, ranking one face against every person, memory; the 17-celebrity model as the baseline',
  async run(context) {
    const { root, log } = context;
    const gallery = path.join(root, 'model', 'default');
    const baseline = path.join(root, 'model', 'celebrity-17');
    // Interleaved so both see the same machine state; the second measurement of each is reported.
    const results: ModelCosts[] = [];
    for (const round of [0, 1]) {
      for (const dir of [baseline, gallery]) {
        const costs = await measure(dir, 6, 2000);
        log(`round ${round} ${costs.model}: load ${ms(costs.loadMs.median)} ms, rank ${ms(costs.rankMs.median, 3)} ms`);
        if (round === 1) results.push(costs);
      }
    }
    const [base, big] = results;
    const set = await loadPhotos(root, context.options.photos + context.options.warmup, context.options.dataset);
    const photo = await photoCosts(context, set);
    log(`photo: symmetric ${ms(photo.symmetricMs.median)} ms, plain ${ms(photo.plainMs.median)} ms (${photo.runtime})`);
    const backbones = await backboneCosts(context, set);
    for (const b of backbones) log(`backbone ${b.backbone}: photo ${ms(b.photoMs.median)} ms, embed ${ms(b.embedMs.median)} ms`);
    const ratio = (a: number, b: number, digits = 1) => `${(a / b).toFixed(digits)}x`;
    const markdown = [
      `# Gallery benchmark (${new Date().toISOString().slice(0, 10)})`,
      '',
      `Machine: ${shortMachineLine()}. Medians; load over 5 loads, ranking over 1,800 faces (random unit vectors).`,
      '',
      table(
        ['model', 'people', 'head', 'on disk', 'load (ms)', 'rank one face (ms)', 'p95 rank (ms)', 'RSS added (MB)'],
        results.map((r) => [
          r.model,
          String(r.people),
          r.head,
          `${(r.bytesOnDisk / 1e6).toFixed(1)} MB`,
          ms(r.loadMs.median),
          ms(r.rankMs.median, 3),
          ms(r.rankMs.p95, 3),
          ms(r.rssDeltaMb),
        ]),
      ),
      '',
      `The gallery against the 17-celebrity model in the same run: load ${ratio(big.loadMs.median, base.loadMs.median)}, ranking ${ratio(big.rankMs.median, base.rankMs.median)}.`,
      '',
      `One photo through the gallery, decode to answer, one worker (${photo.runtime}), ${photo.photos} photos: median ${ms(photo.symmetricMs.median)} ms with symmetric detection (the default: same answer for a mirrored photo), ${ms(photo.plainMs.median)} ms without (${ratio(photo.symmetricMs.median, photo.plainMs.median)}).`,
      '',
      `The shipped backbone against the one it replaced, in process, symmetric detection, alternating photo by photo (${backbones[0].photoMs.n} one-face photos, medians):`,
      '',
      table(
        ['backbone', 'runtime (detector / embedding)', 'photo, decode to embedding (ms)', 'embedding stage (ms)'],
        backbones.map((b) => [b.backbone, b.runtime, ms(b.photoMs.median), ms(b.embedMs.median)]),
      ),
      '',
      `${BACKBONES[1]} / ${BACKBONES[0]}: photo ${ratio(backbones[1].photoMs.median, backbones[0].photoMs.median, 2)}, embedding stage ${ratio(backbones[1].embedMs.median, backbones[0].embedMs.median, 2)}.`,
    ].join('\n');
    return {
      name: 'gallery',
      json: { date: new Date().toISOString(), cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, results, photo, backbones },
      markdown,
    };
  },
};
