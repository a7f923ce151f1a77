/**
 * Pure geometry of Human's alignment step (src/face/facemeshutil.ts): the roll angle from
 * BlazeFace's keypoints, mapping the mesh back to the image, and the face box from the mesh.
 */
import { boxCenter, boxSize, type DetectBox, type Point } from './blazeface-decode.js';

type Matrix = number[][];

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

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

const multiply = (a: Matrix, b: Matrix): Matrix =>
  a.map((row) =>
    b[0].map((_, c) =>
      dot(
        row,
        b.map((r) => r[c]),
      ),
    ),
  );

const translation = (x: number, y: number): Matrix => [
  [1, 0, x],
  [0, 1, y],
  [0, 0, 1],
];

/** Rotation by `angle` about `center`, as a 3x3 homogeneous matrix. */
export function rotationMatrix(angle: number, center: Point): Matrix {
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  return multiply(
    multiply(translation(center[0], center[1]), [
      [c, -s, 0],
      [s, c, 0],
      [0, 0, 1],
    ]),
    translation(-center[0], -center[1]),
  );
}

export function invertTransform(m: Matrix): Matrix {
  const r = [
    [m[0][0], m[1][0]],
    [m[0][1], m[1][1]],
  ];
  const t = [m[0][2], m[1][2]];
  return [
    [...r[0], -dot(r[0], t)],
    [...r[1], -dot(r[1], t)],
    [0, 0, 1],
  ];
}

/**
 * Mesh points from the crop's pixels (0..inputSize) back to image pixels, undoing the crop's
 * scale and roll; truncated to whole pixels as Human does.
 */
export function meshToImage(raw: Float32Array, box: DetectBox, angle: number, inputSize: number): Point[] {
  const [w, h] = boxSize(box);
  const rotate = angle !== 0;
  const spin = rotationMatrix(angle, [0, 0]);
  const inverse = rotate
    ? invertTransform(rotationMatrix(-angle, boxCenter(box)))
    : [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ];
  const center = [...boxCenter(box), 1];
  const offset = [dot(center, inverse[0]), dot(center, inverse[1])];
  const points: Point[] = [];
  for (let i = 0; i + 2 < raw.length; i += 3) {
    const p = [(w / inputSize) * (raw[i] - inputSize / 2), (h / inputSize) * (raw[i + 1] - inputSize / 2), raw[i + 2]];
    const q = rotate ? [dot(p, spin[0]), dot(p, spin[1])] : p;
    points.push([Math.trunc(q[0] + offset[0]), Math.trunc(q[1] + offset[1])]);
  }
  return points;
}

/**
 * Human's reported face box: centred on the mesh's extent, the detector box's size, clipped
 * to the image and truncated: [x, y, w, h] in image pixels.
 */
export function faceBoxFromMesh(mesh: readonly Point[], box: DetectBox, width: number, height: number): [number, number, number, number] {
  const xs = mesh.map((p) => p[0]);
  const ys = mesh.map((p) => p[1]);
  const cx = Math.min(...xs) + (Math.max(...xs) - Math.min(...xs)) / 2;
  const cy = Math.min(...ys) + (Math.max(...ys) - Math.min(...ys)) / 2;
  const [w, h] = boxSize(box);
  const start = [cx - w / 2, cy - h / 2];
  const end = [cx + w / 2, cy + h / 2];
  return [
    Math.trunc(Math.max(0, start[0])),
    Math.trunc(Math.max(0, start[1])),
    Math.trunc(Math.min(width, end[0]) - Math.max(0, start[0])),
    Math.trunc(Math.min(height, end[1]) - Math.max(0, start[1])),
  ];
}
