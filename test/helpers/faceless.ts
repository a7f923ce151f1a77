/** Photos with no face in them, made here: what a detector that tries harder must still call no_face. */
import sharp from 'sharp';
import { noiseJpeg, solidJpeg } from './fixtures.js';

const svgJpeg = (svg: string) => sharp(Buffer.from(svg)).flatten({ background: '#fff' }).jpeg().toBuffer();

/** A sky gradient over hills and a lake: a landscape photo's broad shapes. */
const landscape = () =>
  svgJpeg(`<svg width="800" height="500" xmlns="http://www.w3.org/2000/svg">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#4a7bd0"/><stop offset="1" stop-color="#cfe3f7"/></linearGradient></defs>
  <rect width="800" height="500" fill="url(#sky)"/><circle cx="640" cy="90" r="40" fill="#fff6c0"/>
  <path d="M0 300 Q 200 180 400 290 T 800 260 V 500 H 0 Z" fill="#3d6b35"/><rect y="380" width="800" height="120" fill="#2f5f8a"/></svg>`);

/** A screenshot of text. */
const text = () =>
  svgJpeg(`<svg width="640" height="400" xmlns="http://www.w3.org/2000/svg"><rect width="640" height="400" fill="#fff"/>
  ${Array.from({ length: 12 }, (_, i) => `<text x="20" y="${30 + i * 30}" font-size="20" font-family="sans-serif">Line ${i + 1}: the quick brown fox jumps over the lazy dog</text>`).join('')}</svg>`);

/** Circles and squares: shapes a careless detector might take for eyes. */
const shapes = () =>
  svgJpeg(`<svg width="500" height="500" xmlns="http://www.w3.org/2000/svg"><rect width="500" height="500" fill="#ddd"/>
  ${Array.from({ length: 30 }, (_, i) => `<circle cx="${((i * 97) % 480) + 10}" cy="${((i * 53) % 480) + 10}" r="${8 + (i % 5) * 6}" fill="#${((i * 2345) % 4096) + 256}"/>`).join('')}</svg>`);

export async function facelessPhotos(): Promise<Record<string, Uint8Array>> {
  return {
    'solid blue': await solidJpeg('#3366aa'),
    'solid black': await solidJpeg('#000000'),
    'solid white': await solidJpeg('#ffffff'),
    'noise 400x300': await noiseJpeg(400, 300, 7),
    'noise 64x64': await noiseJpeg(64, 64, 11),
    'noise 1024x768': await noiseJpeg(1024, 768, 3),
    landscape: await landscape(),
    text: await text(),
    shapes: await shapes(),
    'tiny grey 32x32': await solidJpeg('#808080', 32, 32),
  };
}
