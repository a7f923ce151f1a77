/**
 * Benchmark photos: the real 17-celebrity dataset when it is present next to the project,
 * else the committed synthetic fixtures resized to about 500 px in memory.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

export interface BenchPhoto {
  /** Relative name for the record, e.g. `Brad Pitt/001_c04300ef.jpg`. */
  name: string;
  bytes: Uint8Array;
  width: number;
  height: number;
}

export interface PhotoSet {
  source: 'celebrity-faces-17' | 'fixtures';
  /** Where the photos came from (absolute path). */
  location: string;
  description: string;
  photos: BenchPhoto[];
}

/** Photos of about 500 px: the dataset's usual 474 px width, skipping its few small ones. */
const MIN_WIDTH = 400;
const MAX_WIDTH = 640;
const FIXTURE_WIDTH = 500;

async function size(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  const meta = await sharp(bytes).metadata();
  return { width: meta.autoOrient?.width ?? meta.width ?? 0, height: meta.autoOrient?.height ?? meta.height ?? 0 };
}

const jpegs = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort();

/** Round-robin over people, walking each person's files with a stride so picks spread over the folder. */
async function fromDataset(dir: string, count: number): Promise<PhotoSet> {
  const people = readdirSync(dir)
    .filter((p) => statSync(path.join(dir, p)).isDirectory())
    .sort();
  const files = people.map((p) => jpegs(path.join(dir, p)));
  const cursor = people.map(() => 0);
  const photos: BenchPhoto[] = [];
  const STRIDE = 7;
  const maxTries = files.reduce((s, f) => s + f.length, 0); // bounded: each file is looked at most once
  for (let tries = 0; photos.length < count && tries < maxTries;) {
    let progressed = false;
    for (let p = 0; p < people.length && photos.length < count; p++) {
      const list = files[p];
      if (cursor[p] >= list.length) continue;
      // i-th visit looks at file (i * STRIDE) mod n; STRIDE coprime with n visits every file once.
      const n = list.length;
      const step = n % STRIDE === 0 ? 1 : STRIDE;
      const file = list[(cursor[p] * step) % n];
      cursor[p] += 1;
      tries += 1;
      progressed = true;
      const bytes = new Uint8Array(await readFile(path.join(dir, people[p], file)));
      const { width, height } = await size(bytes);
      if (width >= MIN_WIDTH && width <= MAX_WIDTH) photos.push({ name: `${people[p]}/${file}`, bytes, width, height });
    }
    if (!progressed) break;
  }
  const used = new Set(photos.map((p) => p.name.split('/')[0])).size;
  return {
    source: 'celebrity-faces-17',
    location: dir,
    description: `${photos.length} photos from celebrity-faces-17 (${used} of ${people.length} people, ${MIN_WIDTH}-${MAX_WIDTH} px wide)`,
    photos,
  };
}

/** The single-person synthetic fixtures (not the group photo, not the 256 px crop), cycled to `count`. */
async function fromFixtures(dir: string, count: number): Promise<PhotoSet> {
  const names = jpegs(dir).filter((f) => f.startsWith('cgi-model-'));
  if (names.length === 0) throw new Error(`No fixture photos in ${dir}`);
  const resized: BenchPhoto[] = [];
  for (const name of names) {
    const { data, info } = await sharp(await readFile(path.join(dir, name)))
      .autoOrient()
      .resize({ width: FIXTURE_WIDTH })
      .jpeg({ quality: 90 })
      .toBuffer({ resolveWithObject: true });
    resized.push({ name, bytes: new Uint8Array(data), width: info.width, height: info.height });
  }
  const photos = Array.from({ length: count }, (_, i) => resized[i % resized.length]);
  return {
    source: 'fixtures',
    location: dir,
    description: `${count} photos cycled from ${resized.length} synthetic fixtures resized to ${FIXTURE_WIDTH} px (celebrity dataset not found)`,
    photos,
  };
}

export async function loadPhotos(root: string, count: number, datasetDir?: string): Promise<PhotoSet> {
  const dataset = datasetDir ? path.resolve(datasetDir) : path.resolve(root, '..', 'shared', 'datasets', 'celebrity-faces-17');
  if (existsSync(dataset) && statSync(dataset).isDirectory()) {
    const set = await fromDataset(dataset, count);
    if (set.photos.length > 0) return set;
  }
  return fromFixtures(path.join(root, 'test', 'fixtures', 'faces'), count);
}

export async function loadGroupPhoto(root: string): Promise<BenchPhoto> {
  const file = path.join(root, 'test', 'fixtures', 'faces', 'group-1.jpg');
  const bytes = new Uint8Array(await readFile(file));
  return { name: 'group-1.jpg', bytes, ...(await size(bytes)) };
}
