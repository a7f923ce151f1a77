/** Mirror-invariant embeddings (`+flip` backbones) and the detection fallbacks on faceless photos, on the real networks. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp, { type Sharp } from 'sharp';
import { FaceEmbedder } from '../src/engine/extract/face-embedder.js';
import { resolveBackbone } from '../src/engine/backbones/registry.js';
import { dot } from '../src/engine/math.js';
import { readFixture } from './helpers/fixtures.js';
import { facelessPhotos } from './helpers/faceless.js';

let mirrored: FaceEmbedder;
before(async () => {
  mirrored = await FaceEmbedder.create({ backbone: 'faceres+flip', backend: 'wasm' });
});
after(() => mirrored.dispose());

const flop = (bytes: Uint8Array) => sharp(bytes).flop().png().toBuffer();

test('+flip resolves to the same network with mirror averaging, and its own id (so its cache entries are its own)', () => {
  const spec = resolveBackbone('faceres+flip');
  assert.equal(spec.id, 'faceres+flip');
  assert.equal(spec.mirrorAverage, true);
  assert.equal(spec.modelPath, resolveBackbone('faceres').modelPath);
  assert.equal(resolveBackbone('faceres').mirrorAverage, undefined);
});

test('a face crop and its mirror image get the same mirror-averaged embedding', async () => {
  for (const name of ['cgi-model-1', 'cgi-model-2', 'ai-face']) {
    const bytes = readFixture('faces', `${name}.jpg`);
    const [a, b] = await Promise.all([mirrored.embedImage(bytes, { assumeCrop: true }), mirrored.embedImage(await flop(bytes), { assumeCrop: true })]);
    const cosine = dot(a.faces[0].embedding, b.faces[0].embedding);
    assert.ok(cosine > 0.99999, `${name}: cosine ${cosine}`);
  }
});

test('with detection, a photo and its mirror image stay closer than with the plain embedding', async () => {
  const plain = await FaceEmbedder.create({ backbone: 'faceres', backend: 'wasm' });
  try {
    for (const name of ['cgi-model-3', 'cgi-model-8']) {
      const bytes = readFixture('faces', `${name}.jpg`);
      const flopped = await flop(bytes);
      const cos = async (e: FaceEmbedder) => dot((await e.embedImage(bytes)).faces[0].embedding, (await e.embedImage(flopped)).faces[0].embedding);
      const [withFlip, without] = [await cos(mirrored), await cos(plain)];
      assert.ok(withFlip > without && withFlip > 0.95, `${name}: +flip ${withFlip.toFixed(4)} vs plain ${without.toFixed(4)}`);
    }
  } finally {
    plain.dispose();
  }
});

test('photos with no face still get no_face after every fallback pass', { timeout: 300_000 }, async () => {
  const photos = await facelessPhotos();
  const falseFaces: string[] = [];
  for (const [name, bytes] of Object.entries(photos)) {
    const result = await mirrored.embedImage(bytes);
    if (result.faces.length > 0) falseFaces.push(`${name} (pass ${result.detectionPass})`);
  }
  assert.deepEqual(falseFaces, [], `false faces on ${falseFaces.join(', ')}`);
});

/** The face of a fixture cut tight (the inner 80% of its detected box) and shrunk: a dataset-style crop with no margin. */
async function tightCrop(name: string, side: number | null, quality = 80, edit: (image: Sharp) => Sharp = (i) => i): Promise<Buffer> {
  const bytes = readFixture('faces', `${name}.jpg`);
  const [x, y, w, h] = (await mirrored.embedImage(bytes)).faces[0].box;
  const inner = { left: x + Math.round(w * 0.1), top: y + Math.round(h * 0.1), width: Math.round(w * 0.8), height: Math.round(h * 0.8) };
  const cut = sharp(bytes).extract(inner);
  return edit(side ? cut.resize(side, side) : cut)
    .jpeg({ quality })
    .toBuffer();
}

test('each fallback pass finds a face the passes before it miss, and boxes stay inside the photo', { timeout: 300_000 }, async () => {
  const cases: [string, Buffer, string][] = [
    ['a 24 px tight crop', await tightCrop('cgi-model-6', 24), 'padded'],
    ['a 32 px tight crop', await tightCrop('cgi-model-1', 32), 'equalised'],
    // Found by a search over the fixtures (sizes, tints, darkness, blur) for photos each later pass is the first to find.
    ['a 20 px tight crop', await tightCrop('cgi-model-1', 20, 85), 'grey-world'],
    ['a dark 16 px tight crop', await tightCrop('cgi-model-1', 16, 85, (i) => i.linear(0.25, 0)), 'upscaled'],
    ['a heavily blurred photo', await sharp(readFixture('faces', 'cgi-model-6.jpg')).blur(3.1).jpeg({ quality: 85 }).toBuffer(), 'low-threshold'],
  ];
  for (const [what, bytes, pass] of cases) {
    const direct = await mirrored.embedImage(bytes, { detectionFallbacks: false });
    assert.equal(direct.faces.length, 0, `${what}: the photo as it is shows no face to the detector`);
    const result = await mirrored.embedImage(bytes);
    assert.equal(result.detectionPass, pass, what);
    const [x, y, w, h] = result.faces[0].box;
    assert.ok(
      x >= 0 && y >= 0 && x + w <= result.width && y + h <= result.height,
      `${what}: box ${result.faces[0].box.join(',')} inside ${result.width}x${result.height}`,
    );
  }
});
