/**
 * Group photos: the detector sees the whole photo squeezed into its 128 px input, where a face
 * on the back row is a few pixels. Cutting the photo into overlapping tiles gives each face
 * enough pixels; duplicates from the overlaps are removed by box overlap. Pure functions.
 */
import type { Box } from '../../base/box.js';
import type { PassImage } from './passes.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Tile side in pixels of the photo as decoded (at most 1024 px). The detector's input is 256 px,
 * so a 24 px face in a tile becomes 16 px, about the smallest it finds; a 1024x768 photo is 9 tiles.
 */
export const TILE_SIDE = 384;

/** Overlapping squares covering the image; a face of up to a quarter tile is wholly inside at least one. */
export function tileGrid(width: number, height: number, side = TILE_SIDE, overlap = 0.25): Rect[] {
  const starts = (length: number): number[] => {
    if (length <= side) return [0];
    const stride = Math.floor(side * (1 - overlap));
    const out: number[] = [];
    for (let s = 0; s + side < length; s += stride) out.push(s);
    out.push(length - side);
    return out;
  };
  const w = Math.min(side, width);
  const h = Math.min(side, height);
  return starts(height).flatMap((y) => starts(width).map((x) => ({ x, y, width: w, height: h })));
}

/** The pixels of `rect`, with coordinates that still map back to the photo. */
export function cropPass(image: PassImage, rect: Rect): PassImage {
  const data = new Uint8Array(rect.width * rect.height * 3);
  for (let row = 0; row < rect.height; row++) {
    const from = ((rect.y + row) * image.width + rect.x) * 3;
    data.set(image.data.subarray(from, from + rect.width * 3), row * rect.width * 3);
  }
  return { data, width: rect.width, height: rect.height, offsetX: image.offsetX - rect.x, offsetY: image.offsetY - rect.y, scale: image.scale };
}

/** Intersection over the smaller box: 1 when one box holds the other (a face found whole in one tile, cut in another). */
export function overlap(a: Box, b: Box): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.min(a[2] * a[3], b[2] * b[3]);
}

/** Indices of the boxes to keep: the best scored of every group overlapping by more than `threshold`. */
export function suppressDuplicates(boxes: readonly { box: Box; score: number }[], threshold = 0.5): number[] {
  const order = boxes.map((_, i) => i).sort((i, j) => boxes[j].score - boxes[i].score);
  const kept: number[] = [];
  for (const i of order) if (kept.every((k) => overlap(boxes[i].box, boxes[k].box) <= threshold)) kept.push(i);
  return kept;
}

/**
 * Whether a photo whose first pass found `faces` is worth tiling: large enough for tiles to
 * help, with a face small enough (under a quarter tile) that smaller ones may have been missed,
 * as on the back rows of a group photo. A selfie or a close group is never tiled.
 */
export function worthTiling(width: number, height: number, faces: readonly Box[], photoWidth: number): boolean {
  if (Math.max(width, height) < 1.5 * TILE_SIDE || faces.length === 0) return false;
  const scale = width / photoWidth; // photo px -> decoded px
  return Math.min(...faces.map((b) => Math.min(b[2], b[3]))) * scale < TILE_SIDE / 4;
}
