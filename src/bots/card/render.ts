/**
 * The pixels of a card: the sender's photo decoded once into memory, faces cut from it and
 * reference faces scaled to their squares with sharp, all as raw pixels; the background, the
 * faces and the sprites over them laid on one raw canvas (pixels.ts), encoded once as JPEG.
 * Nothing is written anywhere: the photo's pixels live only while the card is made.
 */
import sharp, { type Sharp } from 'sharp';
import type { Box } from '../../base/box.js';
import { background } from './background.js';
import { CanvasPool } from './canvases.js';
import { faceSquare } from './face-square.js';
import type { FaceSlot } from './layout.js';
import { blend, paste, pasteThrough, type RawImage } from './pixels.js';
import { LruCache } from './lru.js';
import { rasterize, type Sprite } from './sprites.js';
import { roundedMask, type Canvas } from './svg.js';

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

/** The RGB pixels of a sharp pipeline; it must end in 3 channels. */
async function rgb(pipeline: Sharp): Promise<RawImage> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected RGB, got ${info.channels} channels`);
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** The face at `box` (engine coordinates) as a `size` px square. */
export function cutFace(photo: DecodedPhoto, box: Box, size: number): Promise<RawImage> {
  const square = faceSquare(box.map((v) => v * photo.scale) as Box, photo.width, photo.height);
  return rgb(
    rawOf(photo)
      .extract({ left: square.left, top: square.top, width: square.size, height: square.size })
      .resize(size, size, { kernel: square.size < size ? 'mitchell' : 'lanczos3' }),
  );
}

/**
 * The face at `box` (engine coordinates of the upright photo, `size`) as a `slot` px square, cut
 * straight from the encoded photo: libvips decodes it on the way and keeps only the square.
 */
export async function cutFaceFromPhoto(
  photo: Uint8Array,
  size: { width: number; height: number },
  box: Box,
  slot: number,
  maxPixels: number,
): Promise<RawImage> {
  const meta = await sharp(photo, { limitInputPixels: maxPixels }).metadata();
  // The engine saw the same upright photo; should its size differ, its box is scaled to this one.
  const width = meta.autoOrient?.width ?? meta.width ?? size.width;
  const height = meta.autoOrient?.height ?? meta.height ?? size.height;
  const [x, y, w, h] = box;
  const [sx, sy] = [width / size.width, height / size.height];
  const square = faceSquare([x * sx, y * sy, w * sx, h * sy], width, height);
  return rgb(
    sharp(photo, { limitInputPixels: maxPixels })
      .rotate() // EXIF orientation, as the engine decoded it; the square is cut from the upright photo
      .extract({ left: square.left, top: square.top, width: square.size, height: square.size })
      .resize(slot, slot, { kernel: square.size < slot ? 'mitchell' : 'lanczos3' })
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .toColourspace('srgb'),
  );
}

/** The whole photo at `width` x `height`. */
export function scaledPhoto(photo: DecodedPhoto, width: number, height: number): Promise<RawImage> {
  return rgb(rawOf(photo).resize(width, height, { fit: 'fill' }));
}

/** Reference faces already scaled, by thumbnail and size (0.67 MB at 472 px, 66 kB at 150): a look-alike that comes back costs nothing to draw again. */
const REFERENCE_CACHE_BYTES = 16 * 1024 * 1024;
const references = new LruCache<RawImage>(REFERENCE_CACHE_BYTES, (image) => image.data.length);
/** Thumbnails are read once and kept (Thumbnails), so the same person's bytes are the same object. */
const thumbnailIds = new WeakMap<Uint8Array, number>();
let thumbnailsSeen = 0;

/**
 * A reference thumbnail (any size: 96 px in older models, 192 px in newer) as a `size` px
 * square, centre-cropped: shrunk with Lanczos 3, enlarged with the bicubic interpolator that
 * sharp enlarges with whatever kernel it is given (sharp issue 4061; card-pixels.test.ts checks
 * it), so the thumbnail's size need not be read first. Null when the bytes do not decode: a
 * broken file costs the square, not the answer.
 */
export async function referenceFace(bytes: Uint8Array, size: number): Promise<RawImage | null> {
  if (!thumbnailIds.has(bytes)) thumbnailIds.set(bytes, ++thumbnailsSeen);
  const key = `${thumbnailIds.get(bytes)} ${size}`;
  const kept = references.get(key);
  if (kept) return kept;
  const face = await scaledReference(bytes, size);
  if (face) references.set(key, face);
  return face;
}

async function scaledReference(bytes: Uint8Array, size: number): Promise<RawImage | null> {
  try {
    return await rgb(
      sharp(bytes).rotate().flatten({ background: '#ffffff' }).resize(size, size, { fit: 'cover', kernel: 'lanczos3' }).removeAlpha().toColourspace('srgb'),
    );
  } catch {
    return null;
  }
}

/** An RGB image and where its top-left corner goes on the card. */
export interface Layer {
  image: RawImage;
  left: number;
  top: number;
}

/** A slot and its face (`size` px square RGB), or null where it stays empty (a placeholder covers it). */
export interface SlotFace {
  slot: FaceSlot;
  pixels: RawImage | null;
}

/** Two cards drawn at once (a worker's usual most) reuse their canvases. */
const canvases = new CanvasPool(2);

/**
 * The steps of drawing a card, in order: the photo decoded, the faces (and a group's photo)
 * scaled to their places, the sprites drawn (or found drawn), the canvas laid, the JPEG encoded.
 */
export type CardStage = 'decode' | 'resize' | 'sprites' | 'canvas' | 'encode';

/** Background, then the layers, then the faces in their slots' rounded squares, then the sprites in order; one JPEG. */
export async function composeCard(
  canvas: Canvas,
  faces: readonly SlotFace[],
  layers: readonly Layer[],
  sprites: readonly Sprite[],
  onStage?: (stage: CardStage) => void,
): Promise<Buffer> {
  const shown = faces.filter((f): f is SlotFace & { pixels: RawImage } => f.pixels !== null);
  const masks = shown.map((f) => roundedMask(f.slot));
  const tiles = await rasterize([...masks, ...sprites]);
  onStage?.('sprites');
  const buffer = canvases.take(canvas.width * canvas.height * 3);
  try {
    const card = background(canvas.width, canvas.height, buffer);
    for (const l of layers) paste(card, l.image, l.left, l.top);
    shown.forEach((f, i) => pasteThrough(card, f.pixels, tiles[i], masks[i].left, masks[i].top));
    sprites.forEach((s, i) => blend(card, tiles[masks.length + i], s.left, s.top));
    onStage?.('canvas');
    // Full chroma keeps coloured text crisp. Optimised Huffman tables would make the card about 5%
    // smaller for the same pixels, but cost libjpeg a second pass: about 6 times the encoding's CPU.
    const jpeg = await sharp(card.data, { raw: { width: card.width, height: card.height, channels: 3 } })
      .jpeg({ quality: CARD_JPEG_QUALITY, chromaSubsampling: '4:4:4', optimiseCoding: false })
      .toBuffer();
    onStage?.('encode');
    return jpeg;
  } finally {
    canvases.give(buffer); // sharp has finished reading it (or failed)
  }
}
