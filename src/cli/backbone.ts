/**
 * `celeb backbone calibrate <dir...>`: the activation ranges of an int8 backbone (faceapi8),
 * measured on the faces of folder-per-person photo trees, written where the backbone reads them
 * (model/calibration/faceapi8.json is the committed one).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CelebError } from '../base/errors.js';
import type { AppConfig } from '../config.js';
import { calibrateBackbone, notInt8 } from '../engine/backbones/calibrate-backbone.js';
import { resolveBackbone } from '../engine/backbones/registry.js';
import { scanPeopleFolder } from '../engine/dataset/folders.js';
import { detectFaceCrops } from '../engine/detect/face-crops.js';
import { OnnxFaceDetector } from '../engine/detect/onnx/onnx-detector.js';
import type { FacePixels } from '../engine/image/face-pixels.js';
import { decodeImage } from '../engine/image/decode.js';
import { DEFAULT_DETECTOR_OPTIONS } from '../engine/runtime/human-models.js';
import { forgetFeatures, openDatabase } from '../store/index.js';
import { onnxCacheDir } from '../wiring.js';
import { intOption, parse, usageError } from './args.js';

/** `count` items spread evenly over `items` (the first, then every step-th), in order. */
const spreadEvenly = <T>(items: readonly T[], count: number): T[] =>
  items.length <= count ? [...items] : Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]);

/** The lists' items taken in turn (first of each, then second of each...): every tree gets its share. */
const interleave = <T>(lists: readonly (readonly T[])[]): T[] =>
  Array.from({ length: Math.max(0, ...lists.map((l) => l.length)) }, (_, i) => lists.flatMap((l) => (i < l.length ? [l[i]] : []))).flat();

function forgetCached(config: AppConfig, id: string): number {
  const db = openDatabase(config.dbPath);
  try {
    return forgetFeatures(db, id);
  } finally {
    db.close();
  }
}

export async function backboneCommand(argv: string[], config: AppConfig): Promise<number> {
  if (argv[0] !== 'calibrate') throw usageError('backbone calibrate', 'celeb backbone has one subcommand: calibrate');
  const { values, positionals } = parse(
    argv.slice(1),
    { backbone: { type: 'string' }, faces: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
    'backbone calibrate',
  );
  if (positionals.length === 0) throw usageError('backbone calibrate', 'name at least one folder-per-person photo tree');
  const spec = resolveBackbone(values.backbone ?? 'faceapi8');
  if (!spec.int8) throw new CelebError('backbone', notInt8(spec.id));
  const wanted = intOption(values.faces, 'faces', 64, 1, 1000);
  // Each tree gets its share, spread over its people; a few spare photos make up for faceless ones.
  const perTree = Math.ceil((wanted * 1.5) / positionals.length);
  const files = interleave(positionals.map((dir) => spreadEvenly(scanPeopleFolder(dir), perTree).map((f) => f.file)));

  const detector = await OnnxFaceDetector.create({ ...DEFAULT_DETECTOR_OPTIONS, threads: 1, cacheDir: onnxCacheDir(config) });
  const crops: FacePixels[] = [];
  try {
    for (const file of files) {
      if (crops.length === wanted) break;
      const found = await detectFaceCrops(detector, await decodeImage(await readFile(file)), { tiles: false }).catch(() => null);
      if (found?.crops.length === 1) crops.push(found.crops[0].pixels);
    }
  } finally {
    await detector.dispose();
  }
  const trees = positionals.map((d) => path.basename(path.resolve(d))).join(', ');
  const calibration = await calibrateBackbone(spec, crops, `${crops.length} one-face photos of ${trees}, each with its mirror image`);
  const out = values.out ?? spec.int8.calibration;
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(calibration, null, 1)}\n`);
  // The backbone's id now names another network: embeddings cached with the old ranges must go.
  const forgotten = path.resolve(out) === spec.int8.calibration ? forgetCached(config, spec.id) : 0;
  const summary = { backbone: spec.id, faces: crops.length, tensors: Object.keys(calibration.ranges).length, out, forgottenFeatures: forgotten };
  console.log(
    values.json
      ? JSON.stringify(summary)
      : `${spec.id}: ${summary.tensors} activation ranges from ${summary.faces} faces -> ${out}${forgotten ? `; ${forgotten} cached embeddings made with the old ranges dropped` : ''}`,
  );
  return 0;
}
