// The look-alike card and the group card, made from fixture photos through the real engine
// (shipped gallery model) and the real drawing code: sizes, legibility at a phone's width,
// the sender's face where it belongs, every face of a group boxed and numbered.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { lookalikeCardLayout } from '../src/bots/card/layout.js';
import { groupCardLayout } from '../src/bots/card/group-layout.js';
import { faceSquare } from '../src/bots/card/face-square.js';
import { BOX_COLOURS, CARD_WIDTH, COLOURS, MIN_DISPLAY_PT, PAD, PHONE_DISPLAY_PT } from '../src/bots/card/style.js';
import { numberFaces } from '../src/bots/card/cards.js';
import { photoReply } from '../src/bots/core/recognize.js';
import { plain } from '../src/bots/core/text.js';
import { Thumbnails } from '../src/bots/core/thumbnails.js';
import { textWidth } from '../src/report/text-paths.js';
import { LookalikeEngine, type Prediction } from '../src/engine/lookalike.js';
import { DEFAULT_MODEL, ROOT, readFixture } from './helpers/fixtures.js';
import { tempDir } from './helpers/temp.js';

let engine: LookalikeEngine;
before(async () => {
  engine = await LookalikeEngine.open(DEFAULT_MODEL, { workers: 1 });
});
after(async () => {
  await engine?.close();
});

const options = () => ({ thumbnails: new Thumbnails(DEFAULT_MODEL), maxImagePixels: 40e6 });

/** Raw RGB of the middle half of a square (clear of its rounded corners), `size` px. */
async function middle(image: Buffer, slot: { x: number; y: number; size: number }): Promise<Buffer> {
  const inset = Math.round(slot.size / 4);
  return sharp(image)
    .extract({ left: Math.round(slot.x) + inset, top: Math.round(slot.y) + inset, width: slot.size - 2 * inset, height: slot.size - 2 * inset })
    .removeAlpha()
    .raw()
    .toBuffer();
}

const meanAbsDiff = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;

/** `bytes` scaled to a `slot.size` square the way a card fills it, as PNG. */
const asSquare = (bytes: Buffer | Uint8Array, size: number) => sharp(bytes).rotate().resize(size, size, { fit: 'cover' }).png().toBuffer();

test('the card is legible at a phone chat width: every text at least 12 pt when 1080 px show as 360 pt; long names fit', () => {
  const long = 'Cristina Fernandez De Kirchner';
  const layout = lookalikeCardLayout([
    { name: long, score: '51% similar' },
    { name: 'Maria Fernanda Cândido de Oliveira Bittencourt Alvarenga', score: '46% similar' },
    { name: 'Tom Hanks', score: '45% similar' },
  ]);
  assert.equal(layout.width, CARD_WIDTH);
  for (const t of layout.texts) {
    const pt = (t.size * PHONE_DISPLAY_PT) / layout.width;
    assert.ok(pt >= MIN_DISPLAY_PT, `"${t.text}" at ${t.size} px shows at ${pt.toFixed(1)} pt`);
    const width = textWidth(t.text, t);
    assert.ok(t.x >= PAD && t.x + width <= CARD_WIDTH - PAD + 0.5, `"${t.text}" (${width.toFixed(0)} px at x ${t.x}) inside the margins`);
  }
  const [you, best, second, third] = layout.slots;
  assert.equal(you.kind, 'you');
  assert.equal(you.size, best.size, 'the sender and the best match at equal size');
  assert.ok(you.size >= 450 && second.size < you.size / 2 && third.size === second.size, 'runners-up smaller');
  // The long best name is kept whole on two lines; the very long runner-up is cut with an ellipsis.
  const names = layout.texts.filter((t) => t.x === best.x && t.y > best.y + best.size && t.fill === COLOURS.text).map((t) => t.text);
  assert.equal(names.join(' '), long);
  assert.ok(layout.texts.some((t) => t.text.startsWith('Maria Fernanda') && t.text.endsWith('…')));
  // Slots and text stay on the card.
  for (const s of layout.slots) assert.ok(s.x >= 0 && s.x + s.size <= layout.width && s.y + s.size <= layout.height);
  assert.ok(Math.max(...layout.texts.map((t) => t.y)) <= layout.height - PAD / 2);
  // A group card: also legible.
  const group = groupCardLayout({ width: 1280, height: 1025 }, [
    { number: 1, box: [0, 0, 10, 10], person: { name: long, score: '50% similar' } },
    { number: 2, box: [20, 0, 10, 10] },
  ]);
  for (const t of group.texts) assert.ok((t.size * PHONE_DISPLAY_PT) / group.width >= MIN_DISPLAY_PT, t.text);
  assert.ok(group.texts.some((t) => t.text === '2 faces found, the 1 largest answered'));
});

test("a selfie's card: the sender's face beside the best match at equal size, names and scores, runners-up below", async () => {
  const photo = readFixture('faces', 'cgi-model-1.jpg');
  const prediction = await engine.which(photo, { top: 3, maxFaces: 8 });
  assert.equal(prediction.faces.length, 1);
  const reply = await photoReply(photo, prediction, engine.model, options());
  assert.ok(reply.picture, reply.pictureError);
  assert.equal(reply.picture.filename, 'lookalike.jpg');
  assert.match(plain(reply.text), /^You look most like .+ \(\d+% similar\), then .+ \(\d+%\), .+ \(\d+%\)$/, 'the text answer stays');
  assert.equal(reply.picture.alt, plain(reply.text), 'the text is the alt text');
  const card = reply.picture.bytes;
  const layout = lookalikeCardLayout(prediction.faces[0].matches.map((m) => ({ name: m.name, score: '' })));
  const meta = await sharp(card).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', CARD_WIDTH, layout.height]);
  assert.ok(card.length < 250_000, `${card.length} bytes`);

  // The sender's own face is in the left square: the photo's face region, not anything else.
  const [you, best] = layout.slots;
  const face = prediction.faces[0].box;
  const square = faceSquare(face, prediction.width, prediction.height);
  const expectedYou = await sharp(photo)
    .extract({ left: square.left, top: square.top, width: square.size, height: square.size })
    .resize(you.size, you.size)
    .png()
    .toBuffer();
  const shownYou = await middle(card, you);
  const youDiff = meanAbsDiff(shownYou, await middle(expectedYou, { x: 0, y: 0, size: you.size }));
  const whole = await sharp(photo).resize(you.size, you.size, { fit: 'fill' }).png().toBuffer();
  const wrongDiff = meanAbsDiff(shownYou, await middle(whole, { x: 0, y: 0, size: you.size }));
  assert.ok(youDiff < 12 && youDiff < wrongDiff / 2, `the face crop: ${youDiff.toFixed(1)} vs the whole photo squeezed: ${wrongDiff.toFixed(1)}`);

  // The best match's reference face fills the right square.
  const thumbnail = await options().thumbnails.find(engine.model, prediction.faces[0].matches[0].name);
  assert.ok(thumbnail);
  const bestDiff = meanAbsDiff(await middle(card, best), await middle(await asSquare(thumbnail, best.size), { x: 0, y: 0, size: best.size }));
  assert.ok(bestDiff < 15 && bestDiff < youDiff + wrongDiff, `reference face: ${bestDiff.toFixed(1)}`);
});

test("a photo stored sideways with an EXIF orientation: the card shows the sender's face upright, cut where the engine found it", async () => {
  const upright = readFixture('faces', 'cgi-model-1.jpg');
  // Stored turned a quarter left; orientation 6 tells viewers (and the engine) to turn it back.
  const sideways = await sharp(upright).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
  const prediction = await engine.which(sideways, { top: 3, maxFaces: 8 });
  assert.deepEqual([prediction.width, prediction.height, prediction.faces.length], [640, 360, 1]);
  const reply = await photoReply(sideways, prediction, engine.model, options());
  assert.ok(reply.picture, reply.pictureError);
  const [you] = lookalikeCardLayout(prediction.faces[0].matches.map((m) => ({ name: m.name, score: '' }))).slots;
  const square = faceSquare(prediction.faces[0].box, prediction.width, prediction.height);
  const expected = await sharp(upright)
    .extract({ left: square.left, top: square.top, width: square.size, height: square.size })
    .resize(you.size, you.size)
    .png()
    .toBuffer();
  const diff = meanAbsDiff(await middle(reply.picture.bytes, you), await middle(expected, { x: 0, y: 0, size: you.size }));
  assert.ok(diff < 12, `the upright face crop: ${diff.toFixed(1)}`);
});

/** A one-face prediction naming `names`, with the face in the middle of a 640x480 photo. */
function onePrediction(names: string[]): Prediction {
  return {
    model: 'test',
    width: 640,
    height: 480,
    detectedFaces: 1,
    unansweredFaces: [],
    detectionPass: 'direct',
    timings: { decodeMs: 0, detectMs: 0, embedMs: 0, headMs: 0 },
    faces: [
      {
        box: [220, 120, 200, 240],
        score: 0.9,
        quality: { sizePx: 200, sharpness: 100, brightness: 0.5 },
        warnings: [],
        matches: names.map((name, k) => ({ name, confidence: 0.5, similarity: [0.51, 0.46, 0.45][k] })),
      },
    ],
  };
}

test('reference faces of 96 px (today) and 192 px (rebuilt gallery) both fill their squares; missing or broken ones show initials', async () => {
  const dir = tempDir('celeb-card-');
  mkdirSync(path.join(dir, 'thumbnails'));
  const source = readFixture('faces', 'cgi-model-2.jpg');
  const small = await sharp(source).resize(96, 96, { fit: 'cover' }).jpeg().toBuffer();
  const large = await sharp(source).resize(192, 192, { fit: 'cover' }).jpeg().toBuffer();
  writeFileSync(path.join(dir, 'thumbnails', 'small.jpg'), small);
  writeFileSync(path.join(dir, 'thumbnails', 'large.jpg'), large);
  writeFileSync(path.join(dir, 'thumbnails', 'broken.jpg'), 'not a picture');
  const model = { dir, manifest: { thumbnails: { Small: 'thumbnails/small.jpg', Large: 'thumbnails/large.jpg', Broken: 'thumbnails/broken.jpg' } } };
  const photo = readFixture('faces', 'cgi-model-3.jpg');
  const opts = { thumbnails: new Thumbnails('/nowhere'), maxImagePixels: 40e6 };
  for (const [name, bytes] of [
    ['Small', small],
    ['Large', large],
  ] as const) {
    const reply = await photoReply(photo, onePrediction([name, 'Broken', 'Nobody Known']), model, opts);
    assert.ok(reply.picture, reply.pictureError);
    const layout = lookalikeCardLayout([name, 'Broken', 'Nobody Known'].map((n) => ({ name: n, score: '' })));
    const best = layout.slots[1];
    const diff = meanAbsDiff(await middle(reply.picture.bytes, best), await middle(await asSquare(bytes, best.size), { x: 0, y: 0, size: best.size }));
    assert.ok(diff < 15, `${name} (${name === 'Small' ? 96 : 192} px) enlarged to ${best.size} px: ${diff.toFixed(1)}`);
    // No thumbnail or a broken one: a soft square with initials, lighter than the background, not a hole.
    for (const slot of layout.slots.slice(2)) {
      const pixels = await middle(reply.picture.bytes, slot);
      const mean = pixels.reduce((s, v) => s + v, 0) / pixels.length;
      assert.ok(mean > 45, `placeholder at ${slot.y}: mean ${mean.toFixed(0)}`);
    }
  }
});

/** The colour of the card at (x, y). */
async function pixelAt(image: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const px = await sharp(image)
    .extract({ left: Math.round(x), top: Math.round(y), width: 1, height: 1 })
    .removeAlpha()
    .raw()
    .toBuffer();
  return [px[0], px[1], px[2]];
}

const hex = (colour: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16)) as [number, number, number];
const near = (a: readonly number[], b: readonly number[], tolerance = 60) => a.every((v, i) => Math.abs(v - b[i]) <= tolerance);

/** Whether a box of `colour` is drawn along the top edge of `box` on the card (some pixel near the edge's middle third). */
async function boxDrawn(card: Buffer, place: { x: number; y: number; scale: number }, box: readonly number[], colour: string): Promise<boolean> {
  const [x, y, w] = box.map((v) => v * place.scale);
  for (let dx = w / 3; dx <= (2 * w) / 3; dx += 3)
    for (let dy = -2; dy <= 2; dy++) if (near(await pixelAt(card, place.x + x + dx, place.y + y + dy), hex(colour))) return true;
  return false;
}

test('group-3: four friends of equal size are all answered, boxed and numbered left to right, in one card', async () => {
  const photo = readFixture('faces', 'group-3.jpg');
  const prediction = await engine.which(photo, { top: 3, maxFaces: 8 });
  assert.equal(prediction.detectedFaces, 4);
  assert.equal(prediction.faces.length, 4, 'before: 3 answers and one face without a box');
  const reply = await photoReply(photo, prediction, engine.model, options());
  assert.ok(reply.picture, reply.pictureError);
  assert.equal(reply.picture.filename, 'faces.jpg');
  const lines = plain(reply.text).split('\n');
  assert.equal(lines[0], 'I see 4 faces, numbered on the picture:');
  assert.deepEqual(
    lines.slice(1).map((l) => l.split('.')[0]),
    ['1', '2', '3', '4'],
  );
  const numbered = numberFaces(prediction);
  // One row, heads at different heights: numbered left to right.
  const xs = numbered.map((f) => f.box[0]);
  assert.deepEqual(
    xs,
    [...xs].sort((a, b) => a - b),
  );
  const tops = numbered.map((f) => f.box[1]);
  assert.ok(Math.max(...tops) - Math.min(...tops) > 0.3 * numbered[0].box[3], 'the heads really are staggered');
  // Each line names the match its number's row shows.
  numbered.forEach((f, i) => assert.ok(lines[i + 1].startsWith(`${f.number}. ${f.answer!.matches[0].name} (`), lines[i + 1]));
  const layout = groupCardLayout(prediction, numbered);
  const card = reply.picture.bytes;
  const meta = await sharp(card).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', CARD_WIDTH, layout.height]);
  for (const f of numbered) assert.ok(await boxDrawn(card, layout.photo, f.box, BOX_COLOURS[f.number - 1]), `face ${f.number} boxed`);
  // Row k shows face k cut from the photo.
  const square = faceSquare(numbered[0].box, prediction.width, prediction.height);
  const slot = layout.slots[0];
  const expected = await sharp(photo)
    .extract({ left: square.left, top: square.top, width: square.size, height: square.size })
    .resize(slot.size, slot.size)
    .png()
    .toBuffer();
  assert.ok(meanAbsDiff(await middle(card, slot), await middle(expected, { x: 0, y: 0, size: slot.size })) < 15, 'row 1 shows face 1');
});

test('beyond the maximum every face is still boxed (grey, dashed) and numbered; the largest are answered', async () => {
  const photo = readFixture('faces', 'group-3.jpg');
  const prediction = await engine.which(photo, { top: 3, maxFaces: 2 });
  assert.equal(prediction.faces.length, 2);
  assert.equal(prediction.unansweredFaces.length, 2);
  const reply = await photoReply(photo, prediction, engine.model, options());
  assert.ok(reply.picture, reply.pictureError);
  const lines = plain(reply.text).split('\n');
  assert.equal(lines[0], 'I see 4 faces; here are the 2 largest, numbered on the picture:');
  assert.equal(lines.length, 3);
  const numbered = numberFaces(prediction);
  assert.deepEqual(
    numbered.map((f) => f.number),
    [1, 2, 3, 4],
  );
  const layout = groupCardLayout(prediction, numbered);
  assert.ok(layout.texts.some((t) => t.text === '4 faces found, the 2 largest answered'));
  for (const f of numbered) {
    const colour = f.person ? BOX_COLOURS[f.number - 1] : COLOURS.unanswered;
    assert.ok(await boxDrawn(reply.picture.bytes, layout.photo, f.box, colour), `face ${f.number} boxed in ${colour}`);
  }
  // The answered lines carry the numbers the picture shows.
  const answeredNumbers = numbered.filter((f) => f.person).map((f) => String(f.number));
  assert.deepEqual(
    lines.slice(1).map((l) => l.split('.')[0]),
    answeredNumbers,
  );
});

test('the README example card and group card, from a synthetic face (CELEB_WRITE_DOCS=1 writes them to docs/)', async () => {
  const write = process.env.CELEB_WRITE_DOCS === '1';
  for (const [fixture, out] of [
    ['cgi-model-1.jpg', 'card-example.jpg'],
    ['group-3.jpg', 'group-example.jpg'],
  ] as const) {
    const photo = readFixture('faces', fixture);
    const reply = await photoReply(photo, await engine.which(photo, { top: 3, maxFaces: 8 }), engine.model, options());
    assert.ok(reply.picture, reply.pictureError);
    assert.ok(reply.picture.bytes.length < 200_000 || out !== 'card-example.jpg', `${out}: ${reply.picture.bytes.length} bytes`);
    if (write) {
      mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
      writeFileSync(path.join(ROOT, 'docs', out), reply.picture.bytes);
      writeFileSync(path.join(ROOT, 'docs', out.replace(/\.jpg$/, '.txt')), `${plain(reply.text)}\n`);
    }
  }
});
