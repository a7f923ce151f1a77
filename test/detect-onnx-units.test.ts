import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  BLAZEFACE_STRIDE,
  decodeBox,
  decodeFaces,
  enlarge,
  generateAnchors,
  iou,
  mergeOutputs,
  nonMaxSuppression,
  square,
  type DetectBox,
} from '../src/engine/detect/onnx/blazeface-decode.js';
import { faceBox, computeRotation, faceRoll } from '../src/engine/detect/onnx/face-geometry.js';
import { alignedCrop, resizeCentred } from '../src/engine/detect/onnx/sampling.js';
import { seeded } from './helpers/tiny-graph.js';

test('anchors: the 256 px BlazeFace has 512 stride-16 anchors (2 per cell) then 384 stride-32 ones (6 per cell)', () => {
  const a = generateAnchors(256);
  assert.equal(a.length, 896);
  assert.deepEqual(a.slice(0, 3), [
    [8, 8],
    [8, 8],
    [24, 8],
  ]);
  assert.deepEqual(a[511], [248, 248]);
  assert.deepEqual(a.slice(512, 519), [
    [16, 16],
    [16, 16],
    [16, 16],
    [16, 16],
    [16, 16],
    [16, 16],
    [48, 16],
  ]);
  assert.deepEqual(a[895], [240, 240]);
  assert.equal(generateAnchors(192).length, 48 * 48);
});

test('mergeOutputs: the four outputs, in any order, become [896, 17] rows, the 512 anchors first', () => {
  const s512 = Float32Array.from({ length: 512 }, (_, i) => i);
  const s384 = Float32Array.from({ length: 384 }, (_, i) => 1000 + i);
  const r512 = Float32Array.from({ length: 512 * 16 }, (_, i) => i / 16);
  const r384 = Float32Array.from({ length: 384 * 16 }, (_, i) => 1000 + i / 16);
  const m = mergeOutputs([r384, s512, r512, s384]);
  assert.equal(m.length, 896 * BLAZEFACE_STRIDE);
  assert.equal(m[5 * BLAZEFACE_STRIDE], 5);
  assert.equal(m[5 * BLAZEFACE_STRIDE + 1], 5);
  assert.equal(m[(512 + 3) * BLAZEFACE_STRIDE], 1003);
  assert.equal(m[(512 + 3) * BLAZEFACE_STRIDE + 16], 1003 + 15 / 16);
});

test('decodeBox: offsets are added to the anchor centre; sizes are in input pixels', () => {
  const raw = new Float32Array(2 * BLAZEFACE_STRIDE);
  raw.set([0, 2, -4, 20, 10], BLAZEFACE_STRIDE);
  assert.deepEqual(
    decodeBox(
      raw,
      [
        [0, 0],
        [100, 50],
      ],
      1,
    ),
    [92, 41, 112, 51],
  );
});

test('nonMaxSuppression picks what tf.image.nonMaxSuppression picks', () => {
  const r = seeded(4 * 300, 3);
  const boxes = Array.from({ length: 300 }, (_, i) => {
    const x = (r[4 * i] + 1) * 100;
    const y = (r[4 * i + 1] + 1) * 100;
    return [x, y, x + 20 + 30 * Math.abs(r[4 * i + 2]), y + 20 + 30 * Math.abs(r[4 * i + 3])] as [number, number, number, number];
  });
  const scores = Float32Array.from(seeded(300, 4), (v) => (v + 1) / 2);
  for (const [max, iouT, scoreT] of [
    [50, 0.1, 0.5],
    [10, 0.3, 0.2],
    [300, 0.5, 0],
  ] as const) {
    const theirs = tf.tidy(() => tf.image.nonMaxSuppression(tf.tensor2d(boxes.flat(), [300, 4]), tf.tensor1d(scores), max, iouT, scoreT).arraySync());
    assert.deepEqual(nonMaxSuppression(boxes, scores, max, iouT, scoreT), theirs, `${max} ${iouT} ${scoreT}`);
  }
  assert.equal(iou([0, 0, 10, 10], [5, 0, 15, 10]), 50 / 150);
  assert.equal(iou([0, 0, 0, 10], [0, 0, 10, 10]), 0);
});

const box = (x0: number, y0: number, x1: number, y1: number, landmarks: [number, number][] = []): DetectBox => ({
  startPoint: [x0, y0],
  endPoint: [x1, y1],
  landmarks,
  confidence: 1,
});

test('enlarge and square: 1.4 times about the centre, then a square of the longer side, not rounded (a rounding breaks mirror symmetry)', () => {
  const b = square(enlarge(box(10, 20, 30, 60), 1.4));
  const near = (p: number[], q: number[]) => p.every((v, i) => Math.abs(v - q[i]) < 1e-9);
  assert.ok(near(b.startPoint, [-8, 12]) && near(b.endPoint, [48, 68]), `${String(b.startPoint)} ${String(b.endPoint)}`);
  const odd = square(enlarge(box(10, 20, 31, 60), 1.4));
  assert.ok(near(odd.startPoint, [-7.5, 12]), String(odd.startPoint));
  // The reported box: the same square, centred on the keypoints' mean, clipped to the image.
  const keypoints: [number, number][] = [
    [16, 36],
    [26, 36],
    [21, 42],
    [21, 48],
  ];
  assert.deepEqual(faceBox({ ...odd, landmarks: keypoints }, 40, 60), [0, 12.5, 40, 47.5]);
});

test('decodeFaces: score threshold, boxes and keypoints stretched from 256x256 to the image', () => {
  const anchors = generateAnchors(256);
  const raw = new Float32Array(896 * BLAZEFACE_STRIDE).fill(-10); // sigmoid(-10): no face anywhere...
  const i = 100; // ...but one, at anchor 100: cell 50 of the 16x16 grid = (40, 56)
  raw.set([3, 0, 0, 40, 40, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], i * BLAZEFACE_STRIDE);
  const faces = decodeFaces(raw, anchors, { inputSize: 256, width: 512, height: 256, maxFaces: 5, minConfidence: 0.5, iouThreshold: 0.1, enlarge: 1.4 });
  assert.equal(faces.length, 1);
  assert.ok(Math.abs(faces[0].confidence - 1 / (1 + Math.exp(-3))) < 1e-6);
  assert.deepEqual(faces[0].landmarks[0], [(40 + 1) * 2, 56 + 2]);
  // 40x40 at 2x horizontally -> 80x40, enlarged to 112x56, squared to 112 around the centre (80, 56).
  assert.deepEqual(
    [faces[0].startPoint, faces[0].endPoint],
    [
      [24, 0],
      [136, 112],
    ],
  );
  assert.equal(
    decodeFaces(raw, anchors, { inputSize: 256, width: 256, height: 256, maxFaces: 5, minConfidence: 0.96, iouThreshold: 0.1, enlarge: 1.4 }).length,
    0,
  );
});

test('roll: an upright face (mouth below nose) is 0; a tilted one gives the angle; small tilts are ignored', () => {
  const upright = box(0, 0, 10, 10, [
    [0, 0],
    [0, 0],
    [5, 5],
    [5, 8],
    [0, 0],
    [0, 0],
  ]);
  assert.equal(faceRoll(upright), 0);
  assert.ok(Math.abs(computeRotation([5, 8], [5, 5])) < 1e-12);
  const tilted = box(0, 0, 10, 10, [
    [0, 0],
    [0, 0],
    [5, 5],
    [5 + 3 * Math.sin(0.5), 5 + 3 * Math.cos(0.5)],
    [0, 0],
    [0, 0],
  ]);
  assert.ok(Math.abs(Math.abs(faceRoll(tilted)) - 0.5) < 1e-9);
  const slight = box(0, 0, 10, 10, [
    [0, 0],
    [0, 0],
    [5, 5],
    [5 + 3 * Math.sin(0.1), 5 + 3 * Math.cos(0.1)],
    [0, 0],
    [0, 0],
  ]);
  assert.equal(faceRoll(slight), 0);
});

test('sampling: the detector input is tfjs resizeBilinear with half-pixel centres', () => {
  const [w, h] = [97, 61];
  const data = Uint8Array.from(seeded(w * h * 3, 21), (v) => Math.round((v + 1) * 127.5));
  const image = tf.tensor4d(Float32Array.from(data), [1, h, w, 3]);
  const theirs = tf.tidy(() => tf.sub(tf.div(tf.image.resizeBilinear(image, [32, 32], false, true), 127.5), 1).dataSync());
  const ours = resizeCentred({ data, width: w, height: h }, 32, 1 / 127.5, -1);
  image.dispose();
  assert.ok(
    ours.every((v, i) => Math.abs(v - theirs[i]) < 1e-4),
    'resize',
  );
});

test('sampling: an aligned crop on the pixel grid copies pixels; a quarter turn turns them', () => {
  const [w, h] = [40, 30];
  const data = Uint8Array.from(seeded(w * h * 3, 9), (v) => Math.round((v + 1) * 127.5));
  const at = (x: number, y: number, c: number) => data[(y * w + x) * 3 + c] / 255;
  const straight = alignedCrop({ data, width: w, height: h }, { centre: [10 + 8, 5 + 8], side: 16, angle: 0 }, 16);
  const turned = alignedCrop({ data, width: w, height: h }, { centre: [10 + 8, 5 + 8], side: 16, angle: Math.PI / 2 }, 16);
  for (let v = 0; v < 16; v++)
    for (let u = 0; u < 16; u++)
      for (let c = 0; c < 3; c++) {
        assert.ok(Math.abs(straight[(v * 16 + u) * 3 + c] - at(10 + u, 5 + v, c)) < 1e-6);
        // R(90 degrees) sends the crop's +u to the image's +y and +v to -x.
        assert.ok(Math.abs(turned[(v * 16 + u) * 3 + c] - at(10 + 15 - v, 5 + u, c)) < 1e-6);
      }
  const outside = alignedCrop({ data, width: w, height: h }, { centre: [-50, -50], side: 16, angle: 0 }, 8);
  assert.ok(
    outside.every((v) => v === 0),
    'black outside the photo',
  );
});
