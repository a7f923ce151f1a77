/**
 * Pure geometry of the alignment step: the roll angle from BlazeFace's keypoints, as Human's
 * (src/face/facemeshutil.ts), and the reported face box.
 */
import type { DetectBox, Point } from './blazeface-decode.js';

/** BlazeFace keypoints Human draws its symmetry line through (mouth, nose). */
const SYMMETRY_LINE = [3, 2] as const;

/** Below this roll (radians) Human does not rotate: the crop is taken straight. */
export const MIN_ROTATION = 0.2;

export const normalizeRadians = (a: number): number => a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));

export const computeRotation = (p1: Point, p2: Point): number => normalizeRadians(Math.PI / 2 - Math.atan2(-(p2[1] - p1[1]), p2[0] - p1[0]));

/** The face's roll from its keypoints; 0 when too small to be worth a rotation. */
export function faceRoll(box: DetectBox): number {
  const angle = computeRotation(box.landmarks[SYMMETRY_LINE[0]], box.landmarks[SYMMETRY_LINE[1]]);
  return Math.abs(angle) > MIN_ROTATION ? angle : 0;
}

/**
 * The reported face box: the detector's square, centred on the mean of its keypoints (BlazeFace's
 * box sits high on small faces; Human centred it on the mesh, which now runs only for doubtful
 * faces), clipped to the image: [x, y, w, h] in image pixels, not rounded.
 */
export function faceBox(box: DetectBox, width: number, height: number): [number, number, number, number] {
  const cx = box.landmarks.reduce((s, p) => s + p[0], 0) / box.landmarks.length;
  const cy = box.landmarks.reduce((s, p) => s + p[1], 0) / box.landmarks.length;
  const half = Math.max(box.endPoint[0] - box.startPoint[0], box.endPoint[1] - box.startPoint[1]) / 2;
  const [x0, y0] = [Math.max(0, cx - half), Math.max(0, cy - half)];
  const [x1, y1] = [Math.min(width, cx + half), Math.min(height, cy + half)];
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
}
