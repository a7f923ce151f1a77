/**
 * The native training math (typed arrays + onnxruntime Gemm) against tfjs, the reference:
 * losses and gradients of fc1 and fc2 with NLL and focal loss, on batches drawn with and
 * without sample pairing, agree to 1e-4; Adam steps agree; onnx and JavaScript products agree.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/runtime/backend.js';
import { focalLoss, nllLoss, type LossKind } from '../src/engine/train/losses.js';
import { drawEpoch } from '../src/engine/train/schedule.js';
import { backward, forward, initDenseHead, parameters } from '../src/engine/train/native/dense-head.js';
import { lossAndGradient } from '../src/engine/train/native/loss.js';
import { Adam } from '../src/engine/train/native/adam.js';
import { createMatMul, jsMatMul, matrix, productJs } from '../src/engine/train/native/matmul.js';
import type { BankImage } from '../src/engine/train/feature-bank.js';
import type { Box } from '../src/base/box.js';
import { l2normalise, seededRandom } from '../src/engine/math.js';

before(async () => {
  await selectBackend('wasm');
});

const DIM = 24;
const CLASSES = 7;
const BATCH = 16;

function bank(): BankImage[] {
  const random = seededRandom(11);
  const vec = () => l2normalise(Float32Array.from({ length: DIM }, () => random() - 0.5));
  return Array.from({ length: BATCH }, (_, i) => ({
    person: `p${i % CLASSES}`,
    label: i % CLASSES,
    contentHash: String(i),
    file: '',
    box: [0, 0, 1, 1] as Box,
    clean: vec(),
    views: [vec(), vec()],
    pairs: [vec()],
  }));
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** tfjs's loss and gradients for the same weights, batch and dropout mask. */
function tfjsReference(weights: Float32Array[], shapes: number[][], x: Float32Array, labels: Int32Array, loss: LossKind, mask?: Float32Array) {
  return tf.tidy(() => {
    const vars = weights.map((w, i) => tf.tensor(w, shapes[i]));
    const xs = tf.tensor2d(x, [labels.length, DIM]);
    const ys = tf.tensor1d(labels, 'int32');
    const f = (...ws: tf.Tensor[]) => {
      let h = tf.add(tf.matMul(xs, ws[0]), ws[1]);
      if (ws.length === 4) h = tf.add(tf.matMul(tf.mul(tf.relu(h), tf.tensor2d(mask!, [labels.length, shapes[0][1]])), ws[2]), ws[3]);
      const lp = tf.logSoftmax(h as tf.Tensor2D);
      return loss === 'focal' ? focalLoss(lp, ys, 2) : nllLoss(lp, ys);
    };
    const { value, grads } = tf.valueAndGrads(f)(vars);
    return { loss: value.dataSync()[0], grads: grads.map((g) => g.dataSync() as Float32Array) };
  });
}

for (const kind of ['fc1', 'fc2'] as const) {
  for (const loss of ['nll', 'focal'] as const) {
    for (const pairing of [false, true]) {
      test(`${kind} + ${loss}${pairing ? ' + sample pairing' : ''}: loss and gradients agree with tfjs to 1e-4 (onnx and JavaScript products)`, async () => {
        const data = drawEpoch(bank(), seededRandom(3), pairing);
        const head = initDenseHead(kind, DIM, CLASSES, 5);
        const x = matrix(data.features, BATCH, DIM);
        const mask = kind === 'fc2' ? Float32Array.from({ length: BATCH * 512 }, (_, i) => (i % 5 === 0 ? 0 : 1.25)) : undefined;
        const shapes = head.layers.flatMap((l) => [[l.inputs, l.units], [l.units]]);
        const reference = tfjsReference(parameters(head), shapes, data.features, data.labels, loss, mask);
        for (const mm of [createMatMul('onnx'), jsMatMul]) {
          const trace = await forward(mm, head, x, mask);
          const result = lossAndGradient(trace.logits.data, data.labels, CLASSES, loss, 2);
          assert.ok(Math.abs(result.loss - reference.loss) < 1e-4, `${mm.kind}: loss ${result.loss} vs ${reference.loss}`);
          const grads = await backward(mm, head, trace, result.dLogits);
          grads.forEach((g, i) => assert.ok(maxDiff(g, reference.grads[i]) < 1e-4, `${mm.kind}: gradient ${i} differs by ${maxDiff(g, reference.grads[i])}`));
          assert.ok(
            grads.some((g) => g.some((v) => Math.abs(v) > 1e-3)),
            'the gradients are not all zero',
          );
          await mm.dispose();
        }
      });
    }
  }
}

test('Adam with weight decay takes the same steps as tf.train.adam on the decayed loss', async () => {
  const head = initDenseHead('fc1', DIM, CLASSES, 9);
  const data = drawEpoch(bank(), seededRandom(4), false);
  const [kernel, bias] = parameters(head);
  const tfKernel = tf.variable(tf.tensor2d(kernel.slice(), [DIM, CLASSES]));
  const tfBias = tf.variable(tf.tensor1d(bias.slice()));
  const optimizer = tf.train.adam(0.01);
  const native = new Adam(parameters(head), { learningRate: 0.01, weightDecay: 1e-3 });
  const xs = tf.tensor2d(data.features, [BATCH, DIM]);
  const ys = tf.tensor1d(data.labels, 'int32');
  for (let step = 0; step < 5; step++) {
    optimizer.minimize(() => {
      const lp = tf.logSoftmax(tf.add<tf.Tensor2D>(tf.matMul(xs, tfKernel), tfBias));
      const decay = tf.mul(1e-3 / 2, tf.add(tf.sum(tf.square(tfKernel)), tf.sum(tf.square(tfBias))));
      return tf.add<tf.Scalar>(nllLoss(lp, ys), decay);
    });
    const trace = await forward(jsMatMul, head, matrix(data.features, BATCH, DIM));
    native.update(await backward(jsMatMul, head, trace, lossAndGradient(trace.logits.data, data.labels, CLASSES, 'nll').dLogits));
  }
  assert.ok(maxDiff(kernel, tfKernel.dataSync()) < 1e-5, `kernel differs by ${maxDiff(kernel, tfKernel.dataSync())}`);
  assert.ok(maxDiff(bias, tfBias.dataSync()) < 1e-5);
  assert.ok(maxDiff(kernel, initDenseHead('fc1', DIM, CLASSES, 9).layers[0].kernel) > 1e-3, 'the weights moved');
  tf.dispose([tfKernel, tfBias, xs, ys]);
  optimizer.dispose();
});

test('products with every transpose agree between onnxruntime and JavaScript', async () => {
  const random = seededRandom(2);
  const m = (r: number, c: number) =>
    matrix(
      Float32Array.from({ length: r * c }, () => random() - 0.5),
      r,
      c,
    );
  const mm = createMatMul('onnx');
  assert.equal(mm.kind, 'onnx', 'onnxruntime loads on this machine');
  for (const [a, b, ta, tb] of [
    [m(5, 7), m(7, 3), false, false],
    [m(7, 5), m(7, 3), true, false],
    [m(5, 7), m(3, 7), false, true],
  ] as const) {
    const native = await mm.product(a, b, ta, tb);
    const js = productJs(a, b, ta, tb);
    assert.deepEqual([native.rows, native.cols], [js.rows, js.cols]);
    assert.ok(maxDiff(native.data, js.data) < 1e-5);
  }
  await mm.dispose();
});
