/**
 * `celeb gallery split`: the gallery split laid out as the ImageFolder tree the training presets
 * read, `<out>/{train,val,test}/<Display Name>/<source>-<file>`. Files are hard-linked to the
 * source photos (copied across file systems), so the layout costs almost no disk and the
 * photos' bytes, hence the test split's fingerprint, are the gallery's own. The plan is pure;
 * writing it is atomic (a temp directory renamed into place).
 */
import { copyFile, link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DatasetError, SPLITS, type SplitName } from '../dataset/folders.js';
import { refuseNonEmptyOutput } from '../dataset/import.js';
import { isPlainName } from './layout-plan.js';
import type { SplitPhoto } from './split.js';

/** Written at the layout's root: how it was made. Training ignores it (it reads only the split folders). */
export const SPLIT_INFO_FILE = 'gallery-split.json';

export interface SplitLayoutPlan {
  /** `from`: the source photo; `to`: relative to the layout's root. */
  moves: { from: string; to: string }[];
  counts: Record<SplitName, number>;
  people: number;
}

/** `<stem>-2<ext>`, `-3`... for the second and later photos that would get the same name. */
function unique(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 2; ; n++) if (!taken.has(`${stem}-${n}${ext}`)) return `${stem}-${n}${ext}`;
}

export function planSplitLayout(photos: readonly SplitPhoto[]): SplitLayoutPlan {
  const counts: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
  const taken = new Map<string, Set<string>>(); // `<split>/<person>` -> file names in it
  const people = new Set<string>();
  const moves = photos.map((photo) => {
    // A folder starting with "." is skipped when datasets are read: the person would vanish from training.
    if (!isPlainName(photo.person) || photo.person.startsWith('.')) throw new DatasetError(`"${photo.person}" cannot be a folder name`);
    const folder = `${photo.split}/${photo.person}`;
    const names = taken.get(folder) ?? new Set<string>();
    taken.set(folder, names);
    const name = unique(`${photo.source}-${path.basename(photo.file)}`, names);
    names.add(name);
    counts[photo.split]++;
    people.add(photo.person);
    return { from: photo.file, to: `${folder}/${name}` };
  });
  return { moves, counts, people: people.size };
}

/** Hard link, or a copy where a link cannot be made (another file system, no permission). */
async function linkOrCopy(from: string, to: string): Promise<'linked' | 'copied'> {
  try {
    await link(from, to);
    return 'linked';
  } catch {
    await copyFile(from, to);
    return 'copied';
  }
}

/**
 * Writes the plan under `out` with `info` as `gallery-split.json`. An existing, non-empty `out`
 * is replaced only with `force`; until the final rename it stays as it was.
 */
export async function writeSplitLayout(
  out: string,
  plan: SplitLayoutPlan,
  info: Record<string, unknown>,
  options: { force?: boolean } = {},
): Promise<{ linked: number; copied: number }> {
  const target = path.resolve(out);
  refuseNonEmptyOutput(target, options.force);
  const temp = `${target}.tmp-${process.pid}-${Date.now()}`;
  const made = { linked: 0, copied: 0 };
  try {
    for (const split of SPLITS) await mkdir(path.join(temp, split), { recursive: true });
    const dirs = new Set<string>();
    for (const { from, to } of plan.moves) {
      const file = path.join(temp, to);
      const dir = path.dirname(file);
      if (!dirs.has(dir)) await mkdir(dir, { recursive: true });
      dirs.add(dir);
      made[await linkOrCopy(from, file)]++;
    }
    await writeFile(path.join(temp, SPLIT_INFO_FILE), `${JSON.stringify(info, null, 1)}\n`);
    await rm(target, { recursive: true, force: true });
    await mkdir(path.dirname(target), { recursive: true });
    await rename(temp, target);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  return made;
}

/** The backbone a gallery split was laid out with (its `gallery-split.json`), or undefined when `dir` is no gallery split. */
export function gallerySplitBackbone(dir: string): string | undefined {
  try {
    const info = JSON.parse(readFileSync(path.join(dir, SPLIT_INFO_FILE), 'utf8')) as { backbone?: unknown };
    return typeof info.backbone === 'string' ? info.backbone : undefined;
  } catch {
    return undefined;
  }
}
