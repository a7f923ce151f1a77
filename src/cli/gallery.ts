/** `celeb gallery build|eval|split|info|search`: the gallery of celebrities that answers photos. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { resolveBackbone } from '../engine/backbones/registry.js';
import { chooseModelDir } from '../engine/create.js';
import { buildGallery, evalPeople, sourceCounts, type GalleryBuildReport } from '../engine/gallery/build.js';
import { DEFAULT_EVAL, evaluateGallery, type GalleryEvaluation } from '../engine/gallery/evaluate.js';
import { TWIN_WEIGHT } from '../engine/heads/prototype.js';
import { aliasesOf, readGalleryPeople } from '../engine/model/people-file.js';
import { prepareGallery, type PreparedGallery } from '../engine/gallery/prepare.js';
import { searchPeople } from '../engine/gallery/search.js';
import { recordGallery } from '../engine/gallery/leaderboard-row.js';
import { directoryBytes, readManifest } from '../engine/model/model-dir.js';
import { openDatabase } from '../store/index.js';
import { engineOptions, openPool } from '../wiring.js';
import { percent, jsonText } from '../base/format.js';
import { intOption, numberOption, parse, usageError, UsageError } from './args.js';
import { helpFor, isCommandPath } from './help.js';
import { extractionProgressBar } from './progress.js';
import { checkSplitOutput, printSplit, writeGallerySplit } from './gallery-split.js';
import { namesCommand } from './gallery-names.js';

/** The gallery's backbone unless told otherwise: faceres and face-api's net side by side, each mirror-averaged (best rank-1 on `gallery eval`; a mirrored selfie gets the same answer). */
export const GALLERY_BACKBONE = 'faceres+faceapi+flip';

const OPTIONS = {
  out: { type: 'string' },
  backbone: { type: 'string' },
  report: { type: 'string' },
  candidates: { type: 'string' },
  cap: { type: 'string' },
  model: { type: 'string' },
  force: { type: 'boolean' },
  // Prototypes without small-face twins (extract/twins.ts); eval measures any weight (0: none), twins still queried.
  'no-twins': { type: 'boolean' },
  'twin-weight': { type: 'string' },
  references: { type: 'string' },
  'max-edits': { type: 'string' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export async function galleryCommand(argv: string[], config: AppConfig): Promise<number> {
  const [sub, ...rest] = argv;
  const command = `gallery ${sub}`;
  if (!isCommandPath(command)) throw new UsageError(helpFor(['gallery'])!);
  const { values, positionals } = parse(rest, OPTIONS, command);
  const allowed: readonly string[] = SUB_OPTIONS[sub as keyof typeof SUB_OPTIONS];
  const stray = Object.keys(values).find((flag) => !allowed.includes(flag));
  if (stray) throw new UsageError(`unknown option --${stray}; see \`celeb ${command} --help\``);
  switch (sub) {
    case 'build':
    case 'eval':
    case 'split':
      return prepareCommand(sub, positionals, values, config);
    case 'info':
      return infoCommand(values, config);
    case 'search':
      return searchCommand(positionals.join(' '), values, config);
    case 'names':
      return namesCommand(
        {
          dirs: positionals,
          model: values.model ?? chooseModelDir(engineOptions(config)),
          references: values.references,
          maxEdits: values['max-edits'],
          all: values.all,
          json: values.json,
        },
        config,
      );
    default:
      throw new UsageError(helpFor(['gallery'])!);
  }
}

/** The options each subcommand takes (they share one parser); any other is refused as unknown. */
const SUB_OPTIONS: Record<'build' | 'eval' | 'split' | 'info' | 'search' | 'names', readonly (keyof typeof OPTIONS)[]> = {
  build: ['out', 'backbone', 'report', 'candidates', 'cap', 'no-twins', 'json'],
  eval: ['backbone', 'twin-weight', 'json'],
  split: ['out', 'backbone', 'force', 'json'],
  info: ['model', 'json'],
  search: ['model', 'json'],
  names: ['model', 'references', 'max-edits', 'all', 'json'],
};

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

async function prepareCommand(sub: 'build' | 'eval' | 'split', dirs: string[], values: Values, config: AppConfig): Promise<number> {
  if (dirs.length === 0) throw usageError(`gallery ${sub}`, 'Give at least one folder-per-person directory.');
  const backbone = values.backbone ?? GALLERY_BACKBONE;
  resolveBackbone(backbone);
  // Checked before any photo is embedded: a typo should not cost a whole extraction.
  const twinWeight = numberOption(values['twin-weight'], 'twin-weight', TWIN_WEIGHT, 0, 10);
  const splitOut = path.resolve(values.out ?? config.paths.datasets);
  if (sub === 'split') checkSplitOutput(splitOut, values.force);
  const db = openDatabase(config.dbPath);
  const pool = await openPool(config, backbone);
  try {
    const common = {
      sources: dirs.map((d) => path.resolve(d)),
      pool,
      db,
      backbone,
      candidates: intOption(values.candidates, 'candidates', 16, 1),
      cap: intOption(values.cap, 'cap', 12, 1),
      onProgress: extractionProgressBar('embedding'),
      // A split only lays out files: it needs no twins.
      twins: sub !== 'split' && !values['no-twins'],
      onTwinProgress: extractionProgressBar('small-face twins'),
    };
    if (sub === 'split') {
      const outcome = await writeGallerySplit(await prepareGallery(common), {
        out: splitOut,
        sources: common.sources,
        backbone,
        force: values.force,
        db,
        config,
      });
      if (values.json) console.log(jsonText(outcome));
      else printSplit(outcome);
      return 0;
    }
    if (sub === 'eval') {
      const { people, ...prepared } = await prepareGallery(common);
      const evaluation = evaluateGallery(evalPeople(people), { ...DEFAULT_EVAL, twinWeight });
      if (values.json) console.log(jsonText({ backbone, people: people.length, perSource: sourceCounts(people), dropped: prepared.dropped, evaluation }));
      else printEvaluation(backbone, people.length, prepared, evaluation);
      return 0;
    }
    const out = path.resolve(values.out ?? path.join(config.paths.models, 'gallery'));
    const report = await buildGallery({ ...common, out });
    // Its prototype head on the leaderboard, measured on the test photos of its split.
    await recordGallery(db, out);
    const reportFile = path.resolve(values.report ?? path.join(config.dataDir, 'gallery-report.json'));
    await mkdir(path.dirname(reportFile), { recursive: true });
    await writeFile(reportFile, JSON.stringify(report, null, 1));
    if (values.json) console.log(jsonText({ ...report, droppedPhotos: report.droppedPhotos.length, report: reportFile }));
    else printBuild(report, reportFile);
    return 0;
  } finally {
    await pool.close();
    db.close();
  }
}

function printDropped(prepared: Omit<PreparedGallery, 'people'>): void {
  const d = prepared.dropped;
  console.log(
    `  dropped photos: ${d.no_face} no face, ${d.small_face} face under the size limit, ${d.several_faces} several faces, ${d.outlier} unlike the person's other photos, ${d.duplicate} duplicates, ${d.unreadable} unreadable; ${d.over_cap} over the per-person cap`,
  );
  const t = (x: number) => x.toFixed(3);
  console.log(
    `  thresholds from the data: outlier below cosine ${t(prepared.outlierCosine)}, merge similar names above ${t(prepared.mergeCosine)}, flag above ${t(prepared.flagCosine)}`,
  );
  if (prepared.emptyPeople.length) console.log(`  left out (no usable photo): ${prepared.emptyPeople.join(', ')}`);
  for (const m of prepared.merged) console.log(`  merged: "${m.a}" and "${m.b}" (faces agree, cosine ${m.cosine.toFixed(2)})`);
  for (const f of prepared.flagged.slice(0, 20)) console.log(`  check: "${f.a}" and "${f.b}" look like the same person (cosine ${f.cosine.toFixed(2)})`);
  if (prepared.flagged.length > 20) console.log(`  ... ${prepared.flagged.length - 20} more pairs to check in the report`);
}

/** Every rename, a few to a line; the old spellings stay searchable (people.json `aliases`). */
function printRenames({ renamed, nameConflicts }: Pick<PreparedGallery, 'renamed' | 'nameConflicts'>): void {
  if (renamed.length > 0) {
    const byTable = renamed.filter((r) => r.rule === 'table').length;
    console.log(
      `  renamed ${renamed.length} ${renamed.length === 1 ? 'person' : 'people'} (${byTable} by the reviewed table, ${renamed.length - byTable} by the casing rules); the old spellings stay searchable:`,
    );
    const lines: string[] = [];
    for (const r of renamed.map((r) => `${r.from} -> ${r.to}`)) {
      if (lines.length > 0 && lines[lines.length - 1].length + r.length < 110) lines[lines.length - 1] += `, ${r}`;
      else lines.push(r);
    }
    for (const line of lines) console.log(`    ${line}`);
  }
  for (const c of nameConflicts) console.log(`  not renamed: "${c.from}" -> "${c.to}" (someone else in the gallery has that name)`);
}

function printEvaluation(backbone: string, people: number, prepared: Omit<PreparedGallery, 'people'>, e: GalleryEvaluation): void {
  console.log(`Gallery of ${people} people, backbone ${backbone}`);
  printDropped(prepared);
  console.log(
    `  rank-1 ${percent(e.rank1)}, rank-3 ${percent(e.rank3)}, rank-5 ${percent(e.rank5)} on ${e.queries} held-out photos, ranked among all ${e.people} people`,
  );
  for (const [source, s] of Object.entries(e.perSource))
    console.log(`    ${source}: rank-1 ${percent(s.rank1)}, rank-5 ${percent(s.rank5)} (${s.queries} photos)`);
  if (e.smallFaces)
    console.log(
      `  the same photos with the face shrunk to 24 px: rank-1 ${percent(e.smallFaces.rank1)}, rank-5 ${percent(e.smallFaces.rank5)} (${e.smallFaces.queries} photos)`,
    );
  const d = (x: GalleryEvaluation['trueMatch']) => `median ${x.median.toFixed(3)} (5-95%: ${x.p05.toFixed(3)}-${x.p95.toFixed(3)})`;
  console.log(`  true match score ${d(e.trueMatch)}; best impostor ${d(e.bestImpostor)}`);
  console.log(
    `  hubness correction strength ${e.hubness.strength} (k=${e.hubness.k}); tried: ${e.hubness.tried.map((t) => `${t.strength}: rank-1 ${percent(t.rank1)}, top stranger answer ${percent(t.strangerTopShare)}`).join('; ')}`,
  );
  const answers = (list: { name: string; share: number }[]) => list.map((a) => `${a.name} ${percent(a.share)}`).join(', ');
  console.log(
    `  strangers (${e.strangers.people} people held out, ${e.strangers.queries} photos): most frequent answers before ${answers(e.strangers.before)}`,
  );
  console.log(`                                                           after ${answers(e.strangers.after)}`);
  const a = e.strangers.atLeast;
  console.log(`  strangers whose best match reads >= 50% similar: ${percent(a['50'])}, >= 70%: ${percent(a['70'])}, >= 90%: ${percent(a['90'])}`);
  console.log(
    `  similarity scale (score -> %): ${e.scale.anchors.map(([c, s]) => `${c.toFixed(3)} -> ${Math.round(s * 100)}%`).join(', ')}; temperature ${e.temperature.toFixed(4)}`,
  );
}

function printBuild(report: GalleryBuildReport, reportFile: string): void {
  console.log(
    `Gallery model written to ${path.relative(process.cwd(), report.out) || '.'}: ${report.people} people, ${report.photos} photos (${report.seconds.toFixed(0)} s)`,
  );
  for (const [source, s] of Object.entries(report.perSource)) console.log(`  ${source}: ${s.people} people, ${s.photos} photos`);
  const { embedded, cached } = report.prepared.extraction;
  console.log(`  embeddings: ${embedded} computed, ${cached} from cache`);
  const twins = report.prepared.twins;
  if (twins.photos > 0) console.log(`  small-face twins: ${twins.found} of ${twins.photos} show a face (${twins.photos - twins.cached} computed)`);
  printRenames(report.prepared);
  printEvaluation(report.backbone, report.people, report.prepared, report.evaluation);
  const { train, val, test } = report.split;
  console.log(`  split: train ${train}, val ${val}, test ${test} photos; test split ${report.testSplit} (\`celeb gallery split\` lays it out for training)`);
  console.log(`  report (every dropped photo and why): ${reportFile}`);
}

async function modelDirOf(values: Values, config: AppConfig): Promise<{ dir: string; manifest: Awaited<ReturnType<typeof readManifest>> }> {
  const dir = path.resolve(values.model ?? chooseModelDir(engineOptions(config)));
  return { dir, manifest: await readManifest(dir) };
}

async function infoCommand(values: Values, config: AppConfig): Promise<number> {
  const { dir, manifest } = await modelDirOf(values, config);
  const people = await readGalleryPeople(dir, manifest);
  const bytes = await directoryBytes(dir);
  const info = {
    model: dir,
    people: people.length,
    backbone: manifest.backbone,
    sources: manifest.gallery?.sources ?? {},
    photos: people.reduce((n, p) => n + p.photos, 0),
    thumbnails: Object.keys(manifest.thumbnails).length,
    bytes,
    rank1: manifest.metrics?.testTop1 ?? null,
  };
  if (values.json) {
    console.log(jsonText(info));
    return 0;
  }
  console.log(
    `${path.relative(process.cwd(), dir) || dir}: ${info.people} people (backbone ${info.backbone}), ${(bytes / 1e6).toFixed(1)} MB, ${info.thumbnails} thumbnails`,
  );
  for (const [source, s] of Object.entries(info.sources)) console.log(`  ${source}: ${s.people} people, ${s.photos} photos`);
  if (info.rank1 !== null) console.log(`  ${manifest.gallery ? 'rank-1 on held-out photos' : 'test top-1'}: ${percent(info.rank1)}`);
  return 0;
}

async function searchCommand(query: string, values: Values, config: AppConfig): Promise<number> {
  if (!query.trim()) throw usageError('gallery search', 'Give a name.');
  const { dir, manifest } = await modelDirOf(values, config);
  const people = await readGalleryPeople(dir, manifest);
  const byName = new Map(people.map((p) => [p.name, p]));
  const rows = searchPeople(
    people.map((p) => p.name),
    query,
    5,
    aliasesOf(people),
  ).map((hit) => ({ ...hit, ...byName.get(hit.name)! }));
  if (values.json) console.log(jsonText(rows));
  else if (rows.length === 0) console.log(`No one like "${query}" among ${people.length} people.`);
  else
    for (const r of rows)
      console.log(
        `${r.exact ? 'yes' : 'maybe'}: ${r.name}${r.aliases?.length ? ` (also written ${r.aliases.join(', ')})` : ''}, ${r.photos} photos (${
          Object.entries(r.sources)
            .sort(([a, x], [b, y]) => y - x || a.localeCompare(b)) // most photos first: the order they were kept in is by typicality
            .map(([s, n]) => `${s} ${n}`)
            .join(', ') || 'sources not recorded'
        })`,
      );
  // Exit 1 when the person is not in the gallery, so scripts can ask `celeb gallery search "X" && ...`.
  return rows.some((r) => r.exact) ? 0 : 1;
}
