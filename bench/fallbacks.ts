/**
 * `npm run bench -- --only fallbacks`: what the detection fallback passes (detect/passes.ts)
 * cost. The same photos are embedded with the passes on and off, alternating photo by photo,
 * in one process: photos whose face the first pass finds (the cost should be nil), tight face
 * crops that only a fallback finds, and faceless photos (every pass runs before `no_face`).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { FaceEmbedder } from '../src/engine/extract/face-embedder.js';
import { facelessPhotos } from '../test/helpers/faceless.js'; // the same generated photos the tests call faceless
import { shortMachineLine } from './machine.js';
import { loadPhotos } from './photos.js';
import { ms, table } from './report.js';
import type { Section } from './section.js';
import { summarize, type Summary } from './stats.js';

interface PhotoGroup {
  name: string;
  photos: Uint8Array[];
}

interface GroupResult {
  name: string;
  photos: number;
  /** Per photo and call, fallbacks on / off. */
  onMs: Summary;
  offMs: Summary;
  /** Photos with a face found, fallbacks on / off. */
  foundOn: number;
  foundOff: number;
  /** Which pass found the face, fallbacks on. */
  passes: Record<string, number>;
}

/** The face of each photo cut tight (the inner 80% of its box, no margin) and shrunk to `side` px: a dataset-style crop. */
async function tightCrops(embedder: FaceEmbedder, photos: readonly Uint8Array[], side: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const bytes of photos) {
    const face = (await embedder.embedImage(bytes, { maxFaces: 1 })).faces[0];
    if (!face) continue;
    const [x, y, w, h] = face.box;
    const inner = { left: x + Math.round(w * 0.1), top: y + Math.round(h * 0.1), width: Math.round(w * 0.8), height: Math.round(h * 0.8) };
    out.push(await sharp(bytes).rotate().extract(inner).resize(side, side).jpeg({ quality: 85 }).toBuffer());
  }
  return out;
}

async function measureGroup(embedder: FaceEmbedder, group: PhotoGroup, rounds: number): Promise<GroupResult> {
  const on: number[] = [];
  const off: number[] = [];
  const passes: Record<string, number> = {};
  let [foundOn, foundOff] = [0, 0];
  for (let round = 0; round < rounds; round++) {
    for (const [i, bytes] of group.photos.entries()) {
      for (const fallbacks of (i + round) % 2 ? [true, false] : [false, true]) {
        const t0 = performance.now();
        const result = await embedder.embedImage(bytes, { maxFaces: 1, detectionFallbacks: fallbacks });
        (fallbacks ? on : off).push(performance.now() - t0);
        if (round > 0) continue;
        const found = result.faces.length > 0;
        if (fallbacks) {
          foundOn += Number(found);
          const pass = result.detectionPass ?? 'none';
          passes[pass] = (passes[pass] ?? 0) + 1;
        } else foundOff += Number(found);
      }
    }
  }
  return { name: group.name, photos: group.photos.length, onMs: summarize(on), offMs: summarize(off), foundOn, foundOff, passes };
}

export const fallbacksSection: Section = {
  name: 'fallbacks',
  description: 'detection fallback passes on and off, interleaved: photos with a face, tight crops that need a fallback, faceless photos',
  async run({ root, options, log }) {
    const embedder = await FaceEmbedder.create({ backbone: 'faceres', backend: 'auto' });
    try {
      const set = await loadPhotos(root, Math.min(options.photos, 30), options.dataset);
      const withFace = set.photos.map((p) => p.bytes);
      const groups: PhotoGroup[] = [
        { name: 'photos with a face', photos: withFace },
        { name: 'their faces cut tight, 24 px', photos: await tightCrops(embedder, withFace, 24) },
        {
          name: 'their faces cut tight, 32 px, dark (x0.3)',
          photos: await Promise.all((await tightCrops(embedder, withFace, 32)).map((b) => sharp(b).linear(0.3, 0).jpeg().toBuffer())),
        },
        { name: 'faceless photos', photos: Object.values(await facelessPhotos()) },
      ];
      for (const g of groups.slice(0, 1)) await measureGroup(embedder, { ...g, photos: g.photos.slice(0, 4) }, 1); // warm-up
      const results: GroupResult[] = [];
      for (const g of groups) {
        const r = await measureGroup(embedder, g, Math.max(2, options.rounds));
        log(`${r.name}: on ${ms(r.onMs.median)} ms, off ${ms(r.offMs.median)} ms, found ${r.foundOn}/${r.foundOff} of ${r.photos}`);
        results.push(r);
      }
      const markdown = [
        `## Detection fallbacks benchmark, ${new Date().toISOString().slice(0, 10)}`,
        '',
        `Photos: ${set.description}. Detector ${embedder.runtime.detector}, backbone faceres on ${embedder.runtime.embedding}, in process; each photo embedded with the fallback passes on and off, alternating, ${Math.max(2, options.rounds)} rounds. Medians per photo.`,
        '',
        table(
          ['photos', 'n', 'fallbacks on ms', 'off ms', 'on/off', 'face found on', 'found off', 'pass that found it (on)'],
          results.map((r) => [
            r.name,
            String(r.photos),
            ms(r.onMs.median),
            ms(r.offMs.median),
            `${(r.onMs.median / r.offMs.median).toFixed(2)}x`,
            String(r.foundOn),
            String(r.foundOff),
            Object.entries(r.passes)
              .map(([k, v]) => `${k} ${v}`)
              .join(', '),
          ]),
        ),
        '',
        `Machine: ${shortMachineLine()}.`,
      ].join('\n');
      return {
        name: 'fallbacks',
        json: { date: new Date().toISOString(), cpu: os.cpus()[0]?.model, node: process.version, photos: set.description, results },
        markdown,
      };
    } finally {
      embedder.dispose();
    }
  },
};
