/**
 * The order a person reads the faces of a group photo: rows top to bottom, left to right in a
 * row. Heads in one row are rarely level (people of different heights, a tilted camera), so a
 * row is not a band of equal centres but the faces whose vertical extents overlap, joined
 * transitively: a chain of overlapping neighbours is one row. Pure.
 */
import type { Box } from '../../base/box.js';

/** Two faces share a row when their vertical extents overlap by at least this fraction of the shorter one. */
export const ROW_OVERLAP = 0.3;

function overlapsVertically(a: Box, b: Box, minOverlap: number): boolean {
  const shared = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  return shared > 0 && shared >= minOverlap * Math.min(a[3], b[3]);
}

/** Indices of the boxes grouped into rows (union-find over vertical overlap), rows top to bottom, each left to right. */
export function faceRows(boxes: readonly Box[], minOverlap = ROW_OVERLAP): number[][] {
  const parent = boxes.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) if (overlapsVertically(boxes[i], boxes[j], minOverlap)) parent[root(j)] = root(i);
  const rows = new Map<number, number[]>();
  boxes.forEach((_, i) => rows.set(root(i), [...(rows.get(root(i)) ?? []), i]));
  const centreX = (i: number) => boxes[i][0] + boxes[i][2] / 2;
  const centreY = (row: number[]) => row.reduce((sum, i) => sum + boxes[i][1] + boxes[i][3] / 2, 0) / row.length;
  return [...rows.values()].map((row) => row.sort((i, j) => centreX(i) - centreX(j))).sort((a, b) => centreY(a) - centreY(b));
}

/** Indices of the boxes in reading order: the rows of `faceRows`, one after the other. */
export function readingOrder(boxes: readonly Box[], minOverlap = ROW_OVERLAP): number[] {
  return faceRows(boxes, minOverlap).flat();
}
