/**
 * `celeb gallery build`: a gallery model from folder-per-person trees. The prototypes (float16),
 * their hubness penalties, the similarity scale and the temperature all come from the same
 * cleaned photos; `gallery eval`'s protocol picks the hubness strength and fits the scale.
 */
import { CentroidHead } from '../heads/centroid.js';
import { faceThumbnail } from '../image/thumbnail.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type GallerySplitInfo, type ModelManifest } from '../model/manifest.js';
import { writeModelDir, type ModelFiles } from '../model/model-dir.js';
import { thumbnailPath } from '../dataset/build-index.js';
import { mapLimited } from '../concurrency.js';
import { evaluateGallery, DEFAULT_EVAL, type GalleryEvaluation, type EvalPerson } from './evaluate.js';
import { hubnessPenalties, neighbourhoodDensity } from './hubness.js';
import { prepareGallery, type PrepareOptions, type PreparedGallery, type PreparedPerson } from './prepare.js';
import { GALLERY_PEOPLE_FILE, type GalleryPerson } from '../model/people-file.js';
import { prototypeOf } from './clean.js';
import { DEFAULT_SPLIT, gallerySplit, gallerySplitFingerprint, splitPhotos, type GallerySplit, type GallerySplitRules, type SplitPhoto } from './split.js';

/** Thumbnails of a gallery: one per person, at the size the answer card shows the best match. */
export const GALLERY_THUMBNAIL_PX = 192;

export interface GalleryBuildOptions extends PrepareOptions {
  out: string;
  onThumbnail?: (done: number, total: number) => void;
}

export interface GalleryBuildReport {
  out: string;
  backbone: string;
  people: number;
  photos: number;
  perSource: Record<string, { people: number; photos: number }>;
  prepared: Omit<PreparedGallery, 'people'>;
  evaluation: GalleryEvaluation;
  /** Fingerprint of the gallery split's test photos (the ones `evaluation` held out), and the split's counts. */
  testSplit: string;
  split: GallerySplitInfo;
  /** Every dropped photo: file, person, reason. */
  droppedPhotos: { person: string; file: string; reason: string }[];
  seconds: number;
}

export const evalPeople = (people: readonly PreparedPerson[]): EvalPerson[] =>
  people.map((p) => ({ name: p.name, photos: p.kept.map((v) => ({ source: v.photo.source, embedding: v.photo.embedding!, twin: v.photo.twin })) }));

/** The gallery split of prepared people: which kept photo is train, val or test, and the test split's fingerprint. */
export function preparedSplit(
  people: readonly PreparedPerson[],
  rules: GallerySplitRules = DEFAULT_SPLIT,
): { split: GallerySplit; photos: SplitPhoto[]; testSplit: string } {
  const split = gallerySplit(
    people.map((p) => p.kept.length),
    rules,
  );
  const photos = splitPhotos(
    people.map((p) => ({ name: p.name, photos: p.kept.map((v) => v.photo) })),
    split,
  );
  return { split, photos, testSplit: gallerySplitFingerprint(photos) };
}

export function sourceCounts(people: readonly PreparedPerson[]): Record<string, { people: number; photos: number }> {
  const out: Record<string, { people: number; photos: number }> = {};
  for (const p of people) {
    for (const [source, n] of Object.entries(p.sources)) {
      const s = (out[source] ??= { people: 0, photos: 0 });
      s.people++;
      s.photos += n;
    }
  }
  return out;
}

export const splitInfo = (split: GallerySplit, rules: GallerySplitRules): GallerySplitInfo => ({
  seed: rules.seed,
  holdout: split.small ? 1 : rules.holdout,
  minPhotos: split.small ? 3 : rules.minPhotos,
  ...split.counts,
});

export async function buildGallery(options: GalleryBuildOptions): Promise<GalleryBuildReport> {
  const started = Date.now();
  const { people, ...prepared } = await prepareGallery(options);
  const evaluation = evaluateGallery(evalPeople(people), DEFAULT_EVAL);
  // The photos evaluation held out are this split's test photos (same rules, same seed).
  const { split, testSplit } = preparedSplit(people, DEFAULT_EVAL);

  const names = people.map((p) => p.name);
  const plain = new CentroidHead(
    names,
    people.map((p) => prototypeOf(p.kept)!),
  );
  const reference = people.flatMap((p, owner) => p.kept.slice(0, 3).map((v) => ({ embedding: v.photo.embedding!, owner })));
  const penalties = hubnessPenalties(neighbourhoodDensity(plain, reference, evaluation.hubness.k), evaluation.hubness.strength);

  const files: ModelFiles = { 'prototypes.f16': plain.toBytes('float16'), 'penalties.f32': new Uint8Array(penalties.buffer) };
  let done = 0;
  const made = await mapLimited(people, 4, async (p) => {
    const best = p.kept[0].photo;
    try {
      files[thumbnailPath(p.name)] = await faceThumbnail(best.file, best.box!, GALLERY_THUMBNAIL_PX);
      return true;
    } catch {
      // A photo that embedded but will not crop (should not happen) just leaves the person without a picture.
      return false;
    } finally {
      options.onThumbnail?.(++done, people.length);
    }
  });
  // In the labels' order, not the order the thumbnails were made in, so a rebuild writes the same model.json.
  const thumbnails = Object.fromEntries(people.filter((_, i) => made[i]).map((p) => [p.name, thumbnailPath(p.name)]));
  const roster: GalleryPerson[] = people.map((p) => ({
    name: p.name,
    ...(p.aliases.length ? { aliases: p.aliases } : {}),
    sources: p.sources,
    photos: p.kept.length,
  }));
  files[GALLERY_PEOPLE_FILE] = JSON.stringify(roster);
  const perSource = sourceCounts(people);
  const photos = people.reduce((n, p) => n + p.kept.length, 0);
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    created: new Date().toISOString(),
    backbone: options.backbone,
    dim: plain.dim,
    head: { kind: 'centroid', file: 'prototypes.f16', dtype: 'float16', penalties: 'penalties.f32' },
    labels: names,
    temperature: evaluation.temperature,
    thumbnails,
    data: { source: `gallery: ${Object.keys(perSource).join(', ')}`, images: { train: photos, val: 0, test: evaluation.queries }, perPerson: {}, testSplit },
    // Measured with prototypes built without the test photos; the shipped prototypes use every photo.
    metrics: { testTop1: evaluation.rank1, testTop3: evaluation.rank3 },
    similarity: evaluation.scale,
    gallery: { people: GALLERY_PEOPLE_FILE, sources: perSource, split: splitInfo(split, DEFAULT_EVAL) },
  };
  await writeModelDir(options.out, manifest, files);
  const droppedPhotos = people.flatMap((p) => p.verdicts.filter((v) => v.dropped).map((v) => ({ person: p.name, file: v.photo.file, reason: v.dropped! })));
  return {
    out: options.out,
    backbone: options.backbone,
    people: people.length,
    photos,
    perSource,
    prepared,
    evaluation,
    testSplit,
    split: splitInfo(split, DEFAULT_EVAL),
    droppedPhotos,
    seconds: (Date.now() - started) / 1000,
  };
}
