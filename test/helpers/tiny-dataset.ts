/**
 * A tiny labelled dataset made from the synthetic fixture faces: each "person" is one
 * synthetic face seen through a few photographic variations (crops, mirror, exposure,
 * small rotations), and "Ava" has three genuinely different poses.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { face } from './fixtures.js';

const PEOPLE: Record<string, string[]> = {
  Ava: ['cgi-model-5', 'cgi-model-6', 'cgi-model-7'],
  Ben: ['cgi-model-1'],
  Cleo: ['cgi-model-2'],
  Dan: ['cgi-model-3'],
  Eve: ['cgi-model-8'],
};

async function variants(file: string): Promise<Buffer[]> {
  const { width = 0, height = 0 } = await sharp(file).metadata();
  const crop = (l: number, t: number) =>
    sharp(file).extract({ left: Math.floor(width * l), top: Math.floor(height * t), width: Math.floor(width * 0.84), height: Math.floor(height * 0.84) });
  return Promise.all([
    sharp(file).jpeg({ quality: 90 }).toBuffer(),
    sharp(file).flop().jpeg().toBuffer(),
    crop(0, 0).jpeg().toBuffer(),
    crop(0.15, 0.1).jpeg().toBuffer(),
    sharp(file).modulate({ brightness: 0.75 }).rotate(6, { background: '#000' }).jpeg().toBuffer(),
    sharp(file).modulate({ brightness: 1.2, saturation: 0.6 }).rotate(-6, { background: '#fff' }).jpeg().toBuffer(),
  ]);
}

export interface TinyDataset {
  dir: string;
  people: string[];
  /** Files that must be left out, by reason. */
  duplicate: string;
  noFace: string;
  notAnImage: string;
}

export async function makeTinyDataset(root: string): Promise<TinyDataset> {
  const dir = path.join(root, 'people');
  for (const [person, faces] of Object.entries(PEOPLE)) {
    mkdirSync(path.join(dir, person), { recursive: true });
    let n = 0;
    for (const f of faces) {
      const images = await variants(face(f));
      for (const bytes of faces.length > 1 ? images.slice(0, 3) : images) writeFileSync(path.join(dir, person, `${String(++n).padStart(2, '0')}.jpg`), bytes);
    }
  }
  const duplicate = path.join(dir, 'Ben', 'zz-copy-of-01.jpg');
  copyFileSync(path.join(dir, 'Ben', '01.jpg'), duplicate);
  const noFace = path.join(dir, 'Cleo', 'zz-blank.jpg');
  writeFileSync(
    noFace,
    await sharp({ create: { width: 300, height: 300, channels: 3, background: '#777' } })
      .jpeg()
      .toBuffer(),
  );
  const notAnImage = path.join(dir, 'Dan', 'zz-notes.jpg');
  writeFileSync(notAnImage, 'not a photo');
  return { dir, people: Object.keys(PEOPLE), duplicate, noFace, notAnImage };
}
