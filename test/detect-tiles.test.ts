import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Box } from '../src/base/box.js';
import { cropPass, overlap, suppressDuplicates, tileGrid, worthTiling } from '../src/engine/detect/tiles.js';

test('tiles cover the image with overlap and stay inside it', () => {
  const tiles = tileGrid(1000, 500, 200, 0.25);
  for (const t of tiles) assert.ok(t.x >= 0 && t.y >= 0 && t.x + t.width <= 1000 && t.y + t.height <= 500);
  // Every point is covered.
  for (const [x, y] of [
    [0, 0],
    [999, 499],
    [500, 250],
    [151, 149],
  ]) {
    assert.ok(
      tiles.some((t) => x >= t.x && x < t.x + t.width && y >= t.y && y < t.y + t.height),
      `${x},${y}`,
    );
  }
  assert.deepEqual(tileGrid(150, 120, 200), [{ x: 0, y: 0, width: 150, height: 120 }], 'a small image is one tile');
});

test('a cropped tile maps its coordinates back to the photo', () => {
  const image = { data: new Uint8Array(10 * 10 * 3).map((_, i) => i % 256), width: 10, height: 10, offsetX: 0, offsetY: 0, scale: 1 };
  const tile = cropPass(image, { x: 4, y: 3, width: 5, height: 5 });
  assert.equal(tile.offsetX, -4);
  assert.equal(tile.offsetY, -3);
  assert.deepEqual([...tile.data.subarray(0, 3)], [...image.data.subarray((3 * 10 + 4) * 3, (3 * 10 + 4) * 3 + 3)]);
});

test('duplicates from overlapping tiles collapse to the best-scored box; separate faces stay', () => {
  const boxes: { box: Box; score: number }[] = [
    { box: [100, 100, 40, 40], score: 0.9 },
    { box: [102, 101, 38, 36], score: 0.95 }, // the same face from another tile
    { box: [110, 110, 20, 20], score: 0.6 }, // part of it, cut by a tile edge
    { box: [300, 100, 40, 40], score: 0.7 },
  ];
  assert.equal(overlap(boxes[0].box, boxes[2].box), 1, 'contained');
  assert.deepEqual(suppressDuplicates(boxes).sort(), [1, 3]);
});

test('only a large photo with a small face is worth tiling', () => {
  assert.equal(worthTiling(1024, 768, [[0, 0, 300, 300]], 1024), false, 'a selfie');
  assert.equal(
    worthTiling(
      1024,
      768,
      [
        [0, 0, 360, 360],
        [400, 0, 350, 350],
      ],
      1024,
    ),
    false,
    'a close group',
  );
  assert.equal(
    worthTiling(
      1024,
      768,
      [
        [0, 0, 60, 60],
        [200, 0, 120, 120],
      ],
      1024,
    ),
    true,
    'a group with a face on the back row',
  );
  assert.equal(worthTiling(1024, 768, [[0, 0, 40, 40]], 1024), true, 'one far-away face');
  assert.equal(worthTiling(1024, 768, [[0, 0, 300, 300]], 4096), true, 'boxes are in photo pixels: 300 of 4096 is 75 decoded px');
  assert.equal(
    worthTiling(
      400,
      300,
      [
        [0, 0, 20, 20],
        [50, 0, 20, 20],
      ],
      400,
    ),
    false,
    'too small to tile',
  );
});
