/** Paths of the committed fixtures and generators for bad inputs (made here, never committed). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/** Tests run from dist/test/…; fixtures stay in the source tree. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const fixture = (...parts: string[]): string => path.join(FIXTURES, ...parts);
export const face = (name: string): string => fixture('faces', `${name}.jpg`);
export const readFixture = (...parts: string[]): Buffer => readFileSync(fixture(...parts));
/** The shipped default: the gallery of 1,734 celebrities (backbone faceres+faceapi+flip). */
export const DEFAULT_MODEL = path.join(ROOT, 'model', 'default');
export const GALLERY_BACKBONE = 'faceres+faceapi+flip';
/** The 17-celebrity model (fc1 head on faceres), the original design's flow. */
export const CELEBRITY_17_MODEL = path.join(ROOT, 'model', 'celebrity-17');

export const textFile = (): Buffer => Buffer.from('This is a text file with a .jpg name.\n'.repeat(20));

export function truncatedJpeg(): Buffer {
  const full = readFileSync(face('cgi-model-1'));
  return full.subarray(0, Math.floor(full.length * 0.4));
}

/** A 7000x7000 PNG of one colour: ~50 kB on disk, 147 MB decoded — a decompression bomb. */
export function bombPng(): Promise<Buffer> {
  return sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#808080' } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

export function solidJpeg(colour = '#3366aa', width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .jpeg()
    .toBuffer();
}

/** Random noise: an image with texture but no face. */
export function noiseJpeg(width = 400, height = 300, seed = 7): Promise<Buffer> {
  let s = seed;
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return sharp(data, { raw: { width, height, channels: 3 } })
    .jpeg()
    .toBuffer();
}

export function tiff(): Promise<Buffer> {
  return sharp(readFileSync(face('ai-face')))
    .tiff()
    .toBuffer();
}
