// The card's own pixel work, checked against librsvg drawing the same thing the way the cards
// used to be drawn (one SVG the size of the card): the background gradient, text and shapes as
// cached sprites, and the blending that lays them on the card; and the caches' bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { background } from '../src/bots/card/background.js';
import { CanvasPool } from '../src/bots/card/canvases.js';
import { LruCache } from '../src/bots/card/lru.js';
import { blend, paste, pasteThrough, type RawImage } from '../src/bots/card/pixels.js';
import { referenceFace } from '../src/bots/card/render.js';
import { rasterize, shapeSprite, textSprites, type Sprite } from '../src/bots/card/sprites.js';
import { COLOURS } from '../src/bots/card/style.js';
import { svgText, type DrawnText } from '../src/report/text-paths.js';
import { readFixture } from './helpers/fixtures.js';

const gradientSvg = (width: number, height: number, body = '') => `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<defs><linearGradient id="bg" x1="0" y1="0" x2="0.35" y2="1"><stop offset="0" stop-color="${COLOURS.backgroundTop}"/><stop offset="1" stop-color="${COLOURS.backgroundBottom}"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#bg)"/>${body}</svg>`;

/** librsvg's RGB pixels of `svg`. */
const librsvg = (svg: string) => sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();

function differences(a: Buffer, b: Buffer): { mean: number; max: number } {
  assert.equal(a.length, b.length);
  let [sum, max] = [0, 0];
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / a.length, max };
}

test('the LRU cache keeps the most recently used entries within its byte budget', () => {
  const cache = new LruCache<Buffer>(100, (b) => b.length);
  cache.set('a', Buffer.alloc(40));
  cache.set('b', Buffer.alloc(40));
  assert.ok(cache.get('a'), 'a read: now the most recent');
  cache.set('c', Buffer.alloc(40)); // 120 bytes: the least recently used (b) goes
  assert.deepEqual([cache.get('a') !== undefined, cache.get('b') !== undefined, cache.get('c') !== undefined], [true, false, true]);
  assert.equal(cache.bytes, 80);
  cache.set('huge', Buffer.alloc(101));
  assert.equal(cache.get('huge'), undefined, 'an entry over the whole budget is not kept');
  assert.equal(cache.size, 2);
  cache.set('a', Buffer.alloc(10));
  assert.equal(cache.bytes, 50, 'a replaced entry counts once');
});

test('the background gradient matches what librsvg drew from the SVG gradient, within one level', async () => {
  for (const [width, height] of [
    [1080, 1221],
    [1080, 1726],
    [333, 517],
  ]) {
    const d = differences(background(width, height).data, await librsvg(gradientSvg(width, height)));
    assert.ok(d.max <= 1 && d.mean < 0.05, `${width}x${height}: mean ${d.mean.toFixed(3)}, max ${d.max}`);
  }
});

const rgb = (width: number, height: number, fill: number[]): RawImage => {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = fill[i % 3];
  return { data, width, height, channels: 3 };
};
const pixel = (image: RawImage, x: number, y: number) => [...image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3)];

test('pieces laid on a canvas: pasted, through a mask, blended by alpha; cut where they leave the canvas', () => {
  const canvas = rgb(4, 3, [0, 0, 0]);
  paste(canvas, rgb(2, 2, [10, 20, 30]), 3, 2); // only its top-left pixel is on the canvas
  assert.deepEqual(pixel(canvas, 3, 2), [10, 20, 30]);
  assert.deepEqual(pixel(canvas, 2, 2), [0, 0, 0]);

  const tile: RawImage = { data: Buffer.from([255, 0, 0, 255, 255, 0, 0, 128, 255, 0, 0, 0]), width: 3, height: 1, channels: 4 };
  blend(canvas, tile, -1, 0); // its first pixel is off the canvas
  assert.deepEqual(pixel(canvas, 0, 0), [128, 0, 0], 'half-covered: half red over black');
  assert.deepEqual(pixel(canvas, 1, 0), [0, 0, 0], 'transparent: unchanged');

  const mask: RawImage = { data: Buffer.from([0, 0, 0, 0, 9, 9, 9, 255, 9, 9, 9, 255, 9, 9, 9, 64]), width: 2, height: 2, channels: 4 };
  pasteThrough(canvas, rgb(2, 2, [200, 100, 40]), mask, 1, 1);
  assert.deepEqual(pixel(canvas, 1, 1), [0, 0, 0], 'mask transparent: the canvas shows');
  assert.deepEqual(
    [pixel(canvas, 2, 1), pixel(canvas, 1, 2)],
    [
      [200, 100, 40],
      [200, 100, 40],
    ],
  );
  assert.deepEqual(pixel(canvas, 2, 2), [50, 25, 10], 'mask a quarter opaque over black');
});

/** `sprites` laid on a gradient card the new way, against librsvg drawing their SVG over the gradient in one picture; `ink`: how far each drew from the bare gradient, in total. */
async function compareWithLibrsvg(width: number, height: number, sprites: Sprite[], svg: string) {
  const bare = background(width, height);
  const card = background(width, height);
  const tiles = await rasterize(sprites);
  sprites.forEach((s, i) => blend(card, tiles[i], s.left, s.top));
  const whole = await librsvg(gradientSvg(width, height, svg));
  const ink = (image: Buffer) => image.reduce((sum, v, i) => sum + Math.abs(v - bare.data[i]), 0);
  return { ...differences(card.data, whole), ink: ink(card.data), librsvgInk: ink(whole) };
}

test('text drawn glyph by glyph looks as librsvg draws it on the whole card: no glyph cut at its rectangle, accents and descenders included', async () => {
  const texts: DrawnText[] = [
    { text: 'Your celebrity look-alike', x: 48, y: 88, size: 44, weight: 'bold', fill: COLOURS.text },
    { text: 'Ấn Đức Þórður Jóhannsson, gjpqy', x: 48.37, y: 160.6, size: 54, weight: 'bold', fill: COLOURS.text },
    { text: 'Владимир Ἀθηνᾶ', x: 300.5, y: 240.25, size: 38, anchor: 'middle', fill: COLOURS.accent },
    { text: '12', x: 500, y: 300, size: 28, weight: 'bold', anchor: 'end', fill: '#111', opacity: 0.6 },
  ];
  const sprites = texts.flatMap(textSprites);
  for (const s of sprites) assert.ok(Number.isInteger(s.left) && Number.isInteger(s.top) && s.width > 0 && s.height > 0);
  const d = await compareWithLibrsvg(640, 340, sprites, texts.map((t) => svgText(t)).join(''));
  // Glyphs placed to a quarter pixel (an eighth at most from the path's place) differ at their
  // edges only, by less than a third of the contrast; a glyph cut by its rectangle would lose ink.
  assert.ok(d.mean < 0.5 && d.max < 80, `mean ${d.mean.toFixed(3)}, max ${d.max}`);
  assert.ok(Math.abs(d.ink / d.librsvgInk - 1) < 0.01, `ink ${d.ink} against librsvg's ${d.librsvgInk}`);
});

test('shapes drawn as sprites (a frame, a dashed box, a badge) look as librsvg draws them on the whole card', async () => {
  const shapes = [
    {
      bounds: { x1: 20, y1: 20, x2: 140, y2: 140 },
      svg: '<rect x="21" y="21" width="118" height="118" rx="18" fill="none" stroke="#fff" stroke-opacity="0.25" stroke-width="2"/>',
    },
    {
      bounds: { x1: 158.5, y1: 30.2, x2: 281.5, y2: 140.7 },
      svg: '<rect x="160.5" y="32.2" width="119" height="106.5" rx="4" fill="none" stroke="#adb5bd" stroke-width="4" stroke-dasharray="12 8"/>',
    },
    {
      bounds: { x1: 310.5, y1: 50.5, x2: 370.5, y2: 110.5 },
      svg: '<circle cx="340.5" cy="80.5" r="29" fill="#4dabf7" stroke="#000" stroke-opacity="0.6" stroke-width="2"/>',
    },
  ];
  const d = await compareWithLibrsvg(
    400,
    180,
    shapes.map((s) => shapeSprite(s.bounds, s.svg)),
    shapes.map((s) => s.svg).join(''),
  );
  assert.ok(d.mean < 0.02 && d.max <= 2, `mean ${d.mean.toFixed(3)}, max ${d.max}`);
});

test('glyphs drawn once are reused by any text that places them at the same quarter of a pixel', async () => {
  const t: DrawnText = { text: 'Tom Hanks', x: 48, y: 700, size: 44, weight: 'bold', fill: COLOURS.text };
  const [a, b, c] = [t, { ...t, x: 300, y: 1200 }, { ...t, x: 300.5 }].map(textSprites);
  assert.equal(a.length, 8, 'a sprite per glyph with ink: no space');
  assert.deepEqual(
    a.map((s) => s.key),
    b.map((s) => s.key),
  );
  assert.ok(
    a.every((s, i) => b[i].left - s.left === 252 && b[i].top - s.top === 500),
    'moved by whole pixels',
  );
  assert.ok(
    a.every((s, i) => s.key !== c[i].key),
    'half a pixel further: drawn anew',
  );
  const [first] = await rasterize(a);
  const again = await rasterize(b);
  assert.equal(again[0], first, 'from the cache, at another place');
  const [h] = textSprites({ ...t, text: 'Hugh' });
  assert.equal(h.key.split(' ').slice(0, 2).join(' '), a[3].key.split(' ').slice(0, 2).join(' '), 'the H of another name is the same glyph');
  // A box around a face of one photo is drawn for its card and not kept.
  const box = shapeSprite({ x1: 10, y1: 10, x2: 60, y2: 70 }, '<rect x="10" y="10" width="50" height="60" fill="none" stroke="#fff" stroke-width="3"/>', {
    keep: false,
  });
  const [once] = await rasterize([box]);
  const [twice] = await rasterize([box]);
  assert.ok(once !== twice && once.data.equals(twice.data), 'drawn again, the same');
});

test('a reference face scaled once is kept for the next card; a broken thumbnail is not', async () => {
  const thumbnail = await sharp({ create: { width: 96, height: 96, channels: 3, background: '#808080' } })
    .jpeg()
    .toBuffer();
  const big = await referenceFace(thumbnail, 472);
  assert.ok(big && big.width === 472 && big.height === 472 && big.channels === 3);
  assert.equal(await referenceFace(thumbnail, 472), big, 'the same pixels, not scaled again');
  const small = await referenceFace(thumbnail, 150);
  assert.ok(small && small.width === 150 && small !== big);
  const broken = Buffer.from('not a picture');
  assert.equal(await referenceFace(broken, 150), null);
  assert.equal(await referenceFace(broken, 150), null);
});

test('canvases are reused from card to card, zeroed when handed back, the largest kept', () => {
  const pool = new CanvasPool(2);
  const a = pool.take(100);
  a.fill(7);
  pool.give(a);
  assert.ok(
    a.every((v) => v === 0),
    'no pixel of the last card stays in it',
  );
  assert.equal(pool.take(80), a, 'a big enough spare is reused');
  const [b, c, d] = [pool.take(50), pool.take(300), pool.take(200)];
  for (const x of [b, c, d]) pool.give(x);
  assert.deepEqual([pool.take(250), pool.take(150)], [c, d], 'the two largest were kept');
  assert.notEqual(pool.take(10), b);
});

test('sharp enlarges with one interpolator whatever kernel it is given, so a reference face need not know its thumbnail size to pick one', async () => {
  // Lanczos rings when it enlarges a thumbnail 2-5 times: were sharp to honour the kernel when enlarging, referenceFace must pick Mitchell again.
  const thumbnail = await sharp(readFixture('faces', 'cgi-model-2.jpg')).resize(96, 96, { fit: 'cover' }).jpeg().toBuffer();
  const [mitchell, lanczos] = await Promise.all(
    (['mitchell', 'lanczos3'] as const).map((kernel) => sharp(thumbnail).resize(472, 472, { kernel }).raw().toBuffer()),
  );
  assert.ok(mitchell.equals(lanczos));
});
