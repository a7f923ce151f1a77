// Group photos are numbered as a person reads them: rows of vertically overlapping faces, top to bottom, left to right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Box } from '../src/base/box.js';
import { faceRows, readingOrder } from '../src/engine/detect/reading-order.js';

/** The number each box gets (1-based), in the order the boxes were given. */
const numbers = (boxes: Box[]) => {
  const order = readingOrder(boxes);
  return boxes.map((_, i) => order.indexOf(i) + 1);
};

test('level faces in a row read left to right; rows top to bottom', () => {
  const boxes: Box[] = [
    [300, 10, 40, 40],
    [20, 200, 50, 50],
    [10, 15, 40, 40],
    [160, 5, 40, 40],
    [200, 210, 40, 40],
  ];
  assert.deepEqual(readingOrder(boxes), [2, 3, 0, 1, 4]);
});

test('staggered heads in one row (each lower than the last by 3/8 of a face) read left, middle, right: 1, 2, 3', () => {
  // Left lowest, middle highest: the old rule (centres within half a face of the topmost face) read these 3, 1, 2.
  const left: Box = [0, 160, 80, 80];
  const middle: Box = [100, 100, 80, 80];
  const right: Box = [200, 130, 80, 80];
  assert.deepEqual(numbers([left, middle, right]), [1, 2, 3]);
  // A rising and falling line of heads, given in any order: one row, by x.
  const wave: Box[] = [0, 35, 70, 35, 0, 35].map((dy, k) => [k * 90, 100 + dy, 80, 80]);
  assert.deepEqual(readingOrder([...wave].reverse()), [5, 4, 3, 2, 1, 0]);
  assert.equal(faceRows(wave).length, 1);
});

test('two clear rows, each staggered: the back row first, then the front row, each left to right', () => {
  const back: Box[] = [
    [40, 60, 60, 60],
    [140, 40, 60, 60],
    [240, 75, 60, 60],
    [340, 50, 60, 60],
  ];
  const front: Box[] = [
    [0, 200, 70, 70],
    [110, 230, 70, 70],
    [220, 190, 70, 70],
    [330, 215, 70, 70],
  ];
  // Given front row first, mixed.
  const boxes = [front[2], back[3], front[0], back[1], front[3], back[0], front[1], back[2]];
  const rows = faceRows(boxes);
  assert.equal(rows.length, 2);
  assert.deepEqual(
    readingOrder(boxes).map((i) => boxes[i]),
    [...back, ...front],
  );
});

test('rows that only touch (a chin level with the forehead behind it) stay two rows; an empty photo has none', () => {
  const back: Box = [100, 0, 100, 100];
  const front: Box = [150, 80, 100, 100]; // 20% overlap: under ROW_OVERLAP
  assert.deepEqual(faceRows([front, back]), [[1], [0]]);
  assert.deepEqual(readingOrder([]), []);
  assert.deepEqual(readingOrder([[5, 5, 10, 10]]), [0]);
});
