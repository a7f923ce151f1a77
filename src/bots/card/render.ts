/**
 * The pixels of a card, with sharp: the sender's photo decoded once into memory, faces cut
 * from it, reference faces scaled to their squares, all laid on the background with the text
 * overlay, encoded as one JPEG. Nothing is written anywhere: the photo's pixels live only
 * while the card is made.
 */
import sharp from 'sharp';
import type { Box } from '../../base/box.js';
import { svgText } from '../../report/text-paths.js';
import { faceSquare } from './face-square.js';
import type { FaceSlot } from './layout.js';
import { COLOURS } from './style.js';
import { backgroundSvg, roundedMaskSvg, type Canvas } from './svg.js';

/** Longest side the photo is decoded at: enough for a 984 px group photo and sharp face squares. */
const DECODE_MAX_SIDE = 2048;
export const CARD_JPEG_QUALITY = 86;

/** The sender's photo, upright (EXIF applied) and at most DECODE_MAX_SIDE px, as raw RGB. */
export interface DecodedPhoto {
  data: Buffer;
  width: number;
  height: number;
  /** Decoded px per px of the engine's coordinates (the upright photo at full size). */
  scale: number;
}

/** `size`: the upright photo's size as the engine reported it. */
export async function decodePhoto(photo: Uint8Array, size: { width: number; height: number }, maxPixels: number): Promise<DecodedPhoto> {
  const scale = Math.min(1, DECODE_MAX_SIDE / Math.max(size.width, size.height));
  const { data, info } = await sharp(photo, { limitInputPixels: maxPixels })
    .rotate() // EXIF orientation, as the engine decoded it
    .resize({ width: Math.round(size.width * scale), height: Math.round(size.height * scale), fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, scale };
}

const rawOf = (p: DecodedPhoto) => sharp(p.data, { raw: { width: p.width, height: p.height, channels: 3 } });

/** The face at `box` (engine coordinates) as a `size` px square. */
export async function cutFace(photo: DecodedPhoto, box: Box, size: number): Promise<Buffer> {
  const square = faceSquare(box.map((v) => v * photo.scale) as Box, photo.width, photo.height);
  return rawOf(photo)
    .extract({ left: square.left, top: square.top, width: square.size, height: square.size })
    .resize(size, size, { kernel: square.size < size ? 'mitchell' : 'lanczos3' })
    .png()
    .toBuffer();
}

/** The whole photo at `width` x `height`. */
export function scaledPhoto(photo: DecodedPhoto, width: number, height: number): Promise<Buffer> {
  return rawOf(photo).resize(width, height, { fit: 'fill' }).png().toBuffer();
}

/**
 * A reference thumbnail (any size: 96 px in older models, 192 px in newer) as a `size` px
 * square, centre-cropped; enlarged with a soft kernel, since Lanczos rings when it enlarges
 * 2-5 times. Null when the bytes do not decode: a broken file costs the square, not the answer.
 */
export async function referenceFace(bytes: Uint8Array, size: number): Promise<Buffer | null> {
  try {
    const meta = await sharp(bytes).metadata();
    const enlarging = Math.min(meta.width ?? 0, meta.height ?? 0) < size;
    return await sharp(bytes)
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize(size, size, { fit: 'cover', kernel: enlarging ? 'mitchell' : 'lanczos3' })
      .png()
      .toBuffer();
  } catch {
    return null;
  }
}

/** A face square cut to the slot's rounded shape. */
async function rounded(face: Buffer, slot: FaceSlot): Promise<Buffer> {
  return sharp(face)
    .ensureAlpha()
    .composite([{ input: Buffer.from(roundedMaskSvg(slot.size, slot.radius)), blend: 'dest-in' }])
    .png()
    .toBuffer();
}

/** Where a face is missing (no reference thumbnail): a soft square with the person's initials. */
export function placeholderSvg(slot: FaceSlot, name: string): string {
  const initials = name
    .split(/\s+/)
    .filter((w) => /^\p{L}/u.test(w))
    .slice(0, 2)
    .map((w) => [...w][0].toUpperCase())
    .join('');
  return `<rect x="${slot.x}" y="${slot.y}" width="${slot.size}" height="${slot.size}" rx="${slot.radius}" fill="#ffffff" fill-opacity="0.12"/>
${svgText({ text: initials || '?', x: slot.x + slot.size / 2, y: slot.y + slot.size * 0.62, size: Math.round(slot.size * 0.36), weight: 'bold', anchor: 'middle', fill: COLOURS.muted })}`;
}

export interface Layer {
  input: Buffer;
  left: number;
  top: number;
}

/** Background, then the faces in their slots (null: left empty), then extra layers, then the overlay SVG; one JPEG. */
export async function composeCard(
  canvas: Canvas,
  faces: readonly { slot: FaceSlot; pixels: Buffer | null }[],
  layers: readonly Layer[],
  overlay: string,
): Promise<Buffer> {
  const placed = await Promise.all(
    faces
      .filter((f) => f.pixels !== null)
      .map(async (f) => ({ input: await rounded(f.pixels!, f.slot), left: Math.round(f.slot.x), top: Math.round(f.slot.y) })),
  );
  const background = await sharp(Buffer.from(backgroundSvg(canvas)))
    .png()
    .toBuffer();
  return sharp(background)
    .composite([...layers, ...placed, { input: Buffer.from(overlay), left: 0, top: 0 }])
    .flatten({ background: COLOURS.backgroundTop })
    .jpeg({ quality: CARD_JPEG_QUALITY, chromaSubsampling: '4:4:4' })
    .toBuffer();
}
