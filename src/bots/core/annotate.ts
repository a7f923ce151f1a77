/**
 * A copy of the photo with a numbered box around each face (numbered in the order given), drawn with an SVG
 * overlay composited by sharp. Made in memory and sent back; never written anywhere.
 */
import sharp from 'sharp';
import type { Box } from '../../engine/augment/face-crop.js';

/** Longest side of the picture sent back. */
export const ANNOTATED_MAX_SIDE = 1024;

const COLOURS = ['#ffd43b', '#4dabf7', '#ff6b6b'];

/** SVG of the boxes, for an image of `width` x `height` whose boxes were measured at `scale` times this size. */
export function boxesSvg(boxes: readonly Box[], width: number, height: number, scale: number): string {
  const stroke = Math.max(2, Math.round(Math.max(width, height) / 250));
  const items = boxes.map((box, i) => {
    const [x, y, w, h] = box.map((v) => v / scale);
    const colour = COLOURS[i % COLOURS.length];
    const r = Math.max(11, Math.round(Math.min(w, h) / 7));
    // The number sits on the box's top-left corner, kept inside the picture.
    const cx = Math.min(Math.max(x, r), width - r);
    const cy = Math.min(Math.max(y, r), height - r);
    return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>
<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${r}" fill="${colour}" stroke="#000" stroke-width="1"/>
<text x="${cx.toFixed(1)}" y="${(cy + r * 0.36).toFixed(1)}" text-anchor="middle" font-size="${Math.round(r * 1.1)}" font-weight="bold" font-family="DejaVu Sans, Arial, sans-serif" fill="#000">${i + 1}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${items.join('\n')}</svg>`;
}

/**
 * `boxes` are in the coordinates of the upright (EXIF-rotated) photo of size `width` x
 * `height`, as the engine reports them. Returns a JPEG at most ANNOTATED_MAX_SIDE px wide or high.
 */
export async function drawNumberedBoxes(photo: Uint8Array, boxes: readonly Box[], size: { width: number; height: number }, maxPixels: number): Promise<Buffer> {
  const scale = Math.max(1, Math.max(size.width, size.height) / ANNOTATED_MAX_SIDE);
  const { data, info } = await sharp(photo, { limitInputPixels: maxPixels })
    .rotate() // EXIF orientation, as the engine decoded it
    .resize({ width: Math.round(size.width / scale), height: Math.round(size.height / scale), fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const overlay = Buffer.from(boxesSvg(boxes, info.width, info.height, scale));
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .composite([{ input: overlay, top: 0, left: 0 }])
    .jpeg({ quality: 85 })
    .toBuffer();
}
