import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitInto, preprocessInto } from '../src/engine/backbones/network-input.js';
import { resolveBackbone } from '../src/engine/backbones/registry.js';
import type { BackboneSpec } from '../src/engine/backbones/spec.js';
import { cropCentre, resizeFace, type FacePixels } from '../src/engine/image/face-pixels.js';
import { seededRandom } from '../src/engine/math.js';
import { ScratchBuffer } from '../src/engine/scratch.js';

/** A 192 px crop of noise, values 0..1, as the detector cuts them. */
function noiseCrop(seed: number, side = 192): FacePixels {
  const random = seededRandom(seed);
  return { data: Float32Array.from({ length: side * side * 3 }, () => random()), width: side, height: side };
}

/** The two-step way: fit (centre cut or resize), then normalise, then the mirror image normalised. */
function twoStep(crop: FacePixels, spec: BackboneSpec): Float32Array {
  const size = spec.inputSize;
  const m = spec.preprocess.cropMargin ?? 0;
  const fitted = m > 0 ? cropCentre(crop, m, size) : resizeFace(crop, size, size, spec.mirrorAverage === true);
  const out = new Float32Array(2 * size * size * 3);
  preprocessInto(fitted, spec.preprocess, out, 0);
  preprocessInto(fitted, spec.preprocess, out, size * size * 3, true);
  return out;
}

// Every built-in part of the shipped backbone, and BGR and plain-resize variants, so both fits and both channel orders are covered.
const parts = resolveBackbone('faceres+faceapi+flip').parts!.map((p) => p.spec);
const variants: BackboneSpec[] = [
  ...parts,
  ...parts.map((s) => ({ ...s, id: `${s.id} (bgr)`, preprocess: { ...s.preprocess, channelOrder: 'bgr' as const } })),
  ...parts.map((s) => ({ ...s, id: `${s.id} (no flip)`, mirrorAverage: false })),
];

test('fitInto writes, in one pass, exactly what fitting then normalising writes: the face and its mirror image', () => {
  assert.ok(parts.some((s) => (s.preprocess.cropMargin ?? 0) > 0) && parts.some((s) => !(s.preprocess.cropMargin ?? 0)), 'a cut and a resize');
  for (const [i, spec] of variants.entries()) {
    for (const side of [192, 97]) {
      const crop = noiseCrop(i * 10 + side, side);
      const expected = twoStep(crop, spec);
      const perFace = spec.inputSize * spec.inputSize * 3;
      const out = new Float32Array(2 * perFace).fill(Number.NaN); // every value must be written
      fitInto(crop, spec, out, 0, perFace);
      assert.deepEqual(out, expected, `${spec.id}, ${side} px crop`);
    }
  }
});

test('fitInto without a mirror offset writes only the face, leaving the rest of the batch alone', () => {
  const spec = parts[0];
  const perFace = spec.inputSize * spec.inputSize * 3;
  const out = new Float32Array(2 * perFace).fill(7);
  fitInto(noiseCrop(3), spec, out, perFace, null);
  assert.ok(out.subarray(0, perFace).every((v) => v === 7));
  assert.deepEqual(out.subarray(perFace), twoStep(noiseCrop(3), spec).subarray(0, perFace));
});

test('ScratchBuffer lends its array to one caller at a time and keeps the one given back', () => {
  const scratch = new ScratchBuffer();
  const a = scratch.take(8);
  const b = scratch.take(8); // a is out: a fresh array
  assert.notEqual(a, b);
  scratch.give(a);
  assert.equal(scratch.take(8), a, 'reused');
  assert.notEqual(scratch.take(8), a, 'lent again only once given back');
  scratch.give(a);
  assert.equal(scratch.take(4).length, 4, 'another length: a new array');
  assert.equal(scratch.take(8), a, 'the kept one survives a request of another length');
});
