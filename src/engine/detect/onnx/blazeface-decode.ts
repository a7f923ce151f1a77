/**
 * Pure BlazeFace post-processing, ported from Human (src/face/blazeface.ts, facemeshutil.ts)
 * so the ONNX detector finds the same faces: anchors, box decoding, scores, non-max
 * suppression, and the enlarged square box the mesh pass looks at. No tensors, no I/O.
 */

export type Point = [number, number];

/** A candidate face in the pass image's pixels, as Human's `DetectBox`. */
export interface DetectBox {
  startPoint: Point;
  endPoint: Point;
  /** BlazeFace's 6 keypoints (eyes, nose, mouth, ears) in image pixels. */
  landmarks: Point[];
  confidence: number;
}

/** Values per anchor in BlazeFace's output: logit, box (cx, cy, w, h), 6 keypoints (x, y). */
export const BLAZEFACE_STRIDE = 17;
const KEYPOINTS_OFFSET = 5;

/** Anchor centres in input pixels. Human's blazeface.json is the 256 px model: strides 16 and 32, 2 and 6 anchors per cell (896). */
export function generateAnchors(inputSize: number): Point[] {
  const spec = inputSize === 192 ? { strides: [4], anchors: [1] } : { strides: [inputSize / 16, inputSize / 8], anchors: [2, 6] };
  const anchors: Point[] = [];
  spec.strides.forEach((stride, i) => {
    const cells = Math.floor((inputSize + stride - 1) / stride);
    for (let y = 0; y < cells; y++)
      for (let x = 0; x < cells; x++) for (let n = 0; n < spec.anchors[i]; n++) anchors.push([stride * (x + 0.5), stride * (y + 0.5)]);
  });
  return anchors;
}

/**
 * The 256 px model has four outputs (scores and regressors for the 512 stride-16 and the 384
 * stride-32 anchors). Human sorts them by size and concatenates them to [896, 17] rows; same here.
 */
export function mergeOutputs(outputs: Float32Array[]): Float32Array {
  const [score384, score512, reg384, reg512] = [...outputs].sort((a, b) => a.length - b.length);
  const rows = score384.length + score512.length;
  const merged = new Float32Array(rows * BLAZEFACE_STRIDE);
  const put = (scores: Float32Array, regs: Float32Array, first: number) => {
    for (let i = 0; i < scores.length; i++) {
      merged[(first + i) * BLAZEFACE_STRIDE] = scores[i];
      merged.set(regs.subarray(i * 16, (i + 1) * 16), (first + i) * BLAZEFACE_STRIDE + 1);
    }
  };
  put(score512, reg512, 0);
  put(score384, reg384, score512.length);
  return merged;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Box of anchor `i` as [x1, y1, x2, y2] in input pixels. */
export function decodeBox(raw: Float32Array, anchors: readonly Point[], i: number): [number, number, number, number] {
  const o = i * BLAZEFACE_STRIDE;
  const cx = raw[o + 1] + anchors[i][0];
  const cy = raw[o + 2] + anchors[i][1];
  const hw = raw[o + 3] / 2;
  const hh = raw[o + 4] / 2;
  return [cx - hw, cy - hh, cx + hw, cy + hh];
}

type Corners = readonly [number, number, number, number];

/** IoU as tfjs computes it (a degenerate box overlaps nothing). */
export function iou(a: Corners, b: Corners): number {
  const areaA = (a[2] - a[0]) * (a[3] - a[1]);
  const areaB = (b[2] - b[0]) * (b[3] - b[1]);
  if (areaA <= 0 || areaB <= 0) return 0;
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  return inter / (areaA + areaB - inter);
}

/**
 * Greedy non-max suppression as tf.image.nonMaxSuppression: candidates scoring above
 * `scoreThreshold`, best first (ties by index), each dropped when it overlaps a kept one by
 * more than `iouThreshold`. Returns indices.
 */
export function nonMaxSuppression(
  boxes: readonly Corners[],
  scores: ArrayLike<number>,
  maxOutput: number,
  iouThreshold: number,
  scoreThreshold: number,
): number[] {
  const order: number[] = [];
  for (let i = 0; i < boxes.length; i++) if (scores[i] > scoreThreshold) order.push(i);
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  const kept: number[] = [];
  for (const i of order) {
    if (kept.length >= maxOutput) break;
    if (kept.every((k) => iou(boxes[k], boxes[i]) <= iouThreshold)) kept.push(i);
  }
  return kept;
}

export interface DecodeOptions {
  inputSize: number;
  /** Pass image size: boxes are stretched from the square input back to it (no letterboxing, as Human). */
  width: number;
  height: number;
  maxFaces: number;
  minConfidence: number;
  /** Human's default 0.1. */
  iouThreshold: number;
  /** Human's default 1.4: the mesh wants the whole head. */
  enlarge: number;
}

/** Merged BlazeFace rows -> candidate faces in image pixels, enlarged and squared as Human hands them to the mesh. */
export function decodeFaces(raw: Float32Array, anchors: readonly Point[], o: DecodeOptions): DetectBox[] {
  const boxes = anchors.map((_, i) => decodeBox(raw, anchors, i));
  const scores = Float32Array.from(anchors, (_, i) => sigmoid(raw[i * BLAZEFACE_STRIDE]));
  const fx = o.width / o.inputSize;
  const fy = o.height / o.inputSize;
  const faces: DetectBox[] = [];
  for (const i of nonMaxSuppression(boxes, scores, o.maxFaces, o.iouThreshold, o.minConfidence)) {
    const b = boxes[i];
    const base = i * BLAZEFACE_STRIDE + KEYPOINTS_OFFSET;
    const landmarks: Point[] = [];
    for (let k = 0; k < 6; k++) landmarks.push([(raw[base + 2 * k] + anchors[i][0]) * fx, (raw[base + 2 * k + 1] + anchors[i][1]) * fy]);
    // Not rounded to whole pixels (as Human does): a rounding would break mirror symmetry (detect/onnx/symmetric.ts).
    const face = square(enlarge({ startPoint: [b[0] * fx, b[1] * fy], endPoint: [b[2] * fx, b[3] * fy], landmarks, confidence: scores[i] }, o.enlarge));
    if (endSize(face)[0] > 0 && endSize(face)[1] > 0) faces.push(face);
  }
  return faces;
}

export const boxSize = (b: Pick<DetectBox, 'startPoint' | 'endPoint'>): Point => [
  Math.abs(b.endPoint[0] - b.startPoint[0]),
  Math.abs(b.endPoint[1] - b.startPoint[1]),
];
export const boxCenter = (b: Pick<DetectBox, 'startPoint' | 'endPoint'>): Point => [
  b.startPoint[0] + (b.endPoint[0] - b.startPoint[0]) / 2,
  b.startPoint[1] + (b.endPoint[1] - b.startPoint[1]) / 2,
];
const endSize = boxSize;

export function enlarge(box: DetectBox, factor: number): DetectBox {
  const [cx, cy] = boxCenter(box);
  const [w, h] = boxSize(box);
  return { ...box, startPoint: [cx - (factor * w) / 2, cy - (factor * h) / 2], endPoint: [cx + (factor * w) / 2, cy + (factor * h) / 2] };
}

/** Square of the longer side around the centre. */
export function square(box: DetectBox): DetectBox {
  const [cx, cy] = boxCenter(box);
  const half = Math.max(...boxSize(box)) / 2;
  return { ...box, startPoint: [cx - half, cy - half], endPoint: [cx + half, cy + half] };
}
