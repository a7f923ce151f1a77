import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CentroidHead } from '../src/engine/heads/centroid.js';
import { cleanPerson, type EmbeddedPhoto } from '../src/engine/gallery/clean.js';
import { evaluateGallery, type EvalPerson } from '../src/engine/gallery/evaluate.js';
import { decodeFloat16, encodeFloat16, fromFloat16Bits, toFloat16Bits } from '../src/engine/model/float16.js';
import { answerDistribution, hubnessPenalties, neighbourhoodDensity } from '../src/engine/gallery/hubness.js';
import { comparePrototypes, mergeGroups } from '../src/engine/gallery/merge.js';
import { cleanFolderName, displayName, maybeSamePerson, nameKey } from '../src/engine/gallery/names.js';
import { groupPeople, pickCandidates } from '../src/engine/gallery/people.js';
import { similarityOf, similarityScale } from '../src/engine/model/similarity.js';
import { dot, l2normalise, seededRandom } from '../src/engine/math.js';
import { prototypeWithTwins, TWIN_WEIGHT } from '../src/engine/heads/prototype.js';

/** A random unit vector, and one at about `cosine` from `base`. */
function randomUnit(random: () => number, dim = 64): Float32Array {
  return l2normalise(Float32Array.from({ length: dim }, () => random() * 2 - 1));
}
function near(base: Float32Array, random: () => number, noise: number): Float32Array {
  return l2normalise(base.map((x) => x + (random() * 2 - 1) * noise));
}

test('name keys: prefixes, underscores, case, accents and punctuation', () => {
  assert.equal(cleanFolderName('pins_Adriana_Lima'), 'Adriana Lima');
  assert.equal(nameKey('pins_Alycia Dabnem Carey'), 'alycia dabnem carey');
  assert.equal(nameKey('Beyoncé  Knowles'), 'beyonce knowles');
  assert.equal(nameKey('A.J. Buckley'), 'aj buckley');
  assert.equal(nameKey('Robert Downey Jr.'), nameKey('robert_downey_jr'));
  assert.equal(nameKey("Conan O'Brien"), 'conan obrien');
  assert.equal(displayName('ben_affleck'), 'Ben Affleck');
  assert.equal(displayName('Aamir_Khan'), 'Aamir Khan');
  assert.equal(displayName('Leonardo DiCaprio'), 'Leonardo DiCaprio', 'mixed case is kept as written');
});

test('name candidates: typos and longer forms are candidates, different people are not', () => {
  assert.ok(maybeSamePerson('henry cavil', 'henry cavill'));
  assert.ok(maybeSamePerson('alycia dabnem carey', 'alycia debnam carey'));
  assert.ok(maybeSamePerson('shakira', 'shakira isabel mebarak'));
  assert.ok(!maybeSamePerson('tom hardy', 'tom hanks'));
  assert.ok(!maybeSamePerson('ben affleck', 'casey affleck'));
  assert.ok(!maybeSamePerson('chris evans', 'chris pratt'));
});

test('people are grouped across sources by key, with the best-spelt display name, and candidates alternate sources', () => {
  const photos = [
    { source: 'pins', folder: 'pins_ben affleck', file: 'p/1.jpg' },
    { source: 'pins', folder: 'pins_ben affleck', file: 'p/2.jpg' },
    { source: 'pins', folder: 'pins_ben affleck', file: 'p/3.jpg' },
    { source: 'cfp', folder: 'Ben Affleck', file: 'c/1.jpg' },
    { source: 'cfp', folder: 'Zoe Saldana', file: 'c/2.jpg' },
  ];
  const people = groupPeople(photos);
  assert.deepEqual(
    people.map((p) => [p.key, p.name]),
    [
      ['ben affleck', 'Ben Affleck'],
      ['zoe saldana', 'Zoe Saldana'],
    ],
  );
  assert.deepEqual(
    pickCandidates(people[0], 3).map((c) => c.file),
    ['p/1.jpg', 'c/1.jpg', 'p/2.jpg'],
  );
});

test('cleaning drops no-face, small, crowded and duplicate photos and the wrong person, then caps the most typical', () => {
  const random = seededRandom(1);
  const person = randomUnit(random);
  const stranger = randomUnit(random);
  const box = [0, 0, 100, 100] as [number, number, number, number];
  const photo = (i: number, embedding: Float32Array | null, extra: Partial<EmbeddedPhoto> = {}): EmbeddedPhoto => ({
    source: 's',
    file: `${i}.jpg`,
    contentHash: `h${i}`,
    embedding,
    box: embedding ? box : null,
    second: null,
    ...extra,
  });
  const photos = [
    ...Array.from({ length: 6 }, (_, i) => photo(i, near(person, random, 0.1))),
    photo(6, near(stranger, random, 0.1)),
    photo(7, null),
    photo(8, near(person, random, 0.1), { box: [0, 0, 30, 30] }),
    photo(9, near(person, random, 0.1), { second: [200, 0, 90, 90] }),
    photo(10, near(person, random, 0.1), { contentHash: 'h0' }),
    photo(11, near(person, random, 0.1), { second: [200, 0, 20, 20] }),
  ];
  const verdicts = cleanPerson(photos, { minFacePx: 48, secondFaceRatio: 0.6, outlierCosine: 0.5, cap: 5 });
  const reason = (file: string) => verdicts.find((v) => v.photo.file === file)!.dropped;
  assert.equal(reason('6.jpg'), 'outlier');
  assert.equal(reason('7.jpg'), 'no_face');
  assert.equal(reason('8.jpg'), 'small_face');
  assert.equal(reason('9.jpg'), 'several_faces');
  assert.equal(reason('10.jpg'), 'duplicate');
  assert.notEqual(reason('11.jpg'), 'several_faces', 'a small face in the background does not make a photo ambiguous');
  const kept = verdicts.filter((v) => v.dropped === null);
  assert.equal(kept.length, 5, 'capped at 5');
  assert.equal(verdicts.filter((v) => v.dropped === 'over_cap').length, 2);
  const minKept = Math.min(...kept.map((v) => v.typicality));
  const maxCut = Math.max(...verdicts.filter((v) => v.dropped === 'over_cap').map((v) => v.typicality));
  assert.ok(minKept >= maxCut, 'the most typical photos are kept');
});

test('typo names merge only when their faces agree; other near-identical faces are flagged', () => {
  const random = seededRandom(2);
  const a = randomUnit(random);
  const b = randomUnit(random);
  const entries = [
    { key: 'henry cavil', name: 'Henry Cavil', prototype: near(a, random, 0.05) },
    { key: 'henry cavill', name: 'Henry Cavill', prototype: near(a, random, 0.05) },
    { key: 'tom hardy', name: 'Tom Hardy', prototype: near(b, random, 0.05) },
    { key: 'tom hanks', name: 'Tom Hanks', prototype: randomUnit(random) },
    { key: 'zed twin', name: 'Zed Twin', prototype: near(b, random, 0.05) },
  ];
  const { merge, flag } = comparePrototypes(entries, 0.8, 0.8);
  assert.deepEqual(
    merge.map((m) => [m.a, m.b]),
    [['henry cavil', 'henry cavill']],
  );
  assert.deepEqual(
    flag.map((m) => [m.a, m.b]),
    [['tom hardy', 'zed twin']],
  );
  // A pair a review confirmed merges whatever the threshold; spelled as shown, matched by key.
  const reviewed = comparePrototypes(entries, 0.99, 0.99, [['Henry Cavil', 'HENRY CAVILL']]);
  assert.deepEqual(
    reviewed.merge.map((m) => [m.a, m.b]),
    [['henry cavil', 'henry cavill']],
  );
  assert.equal(comparePrototypes(entries, 0.99, 0.99).merge.length, 0);
  assert.deepEqual(
    mergeGroups(
      entries.map((e) => e.key),
      merge,
    ),
    [['henry cavil', 'henry cavill']],
  );
});

test('float16 round trip: exact for representable values, cosine kept to 1e-3 for embeddings', () => {
  for (const x of [0, 1, -2, 0.5, 65504, 2 ** -24]) assert.equal(fromFloat16Bits(toFloat16Bits(x)), x);
  assert.equal(fromFloat16Bits(toFloat16Bits(1e6)), Infinity);
  const random = seededRandom(3);
  const v = randomUnit(random, 1024);
  const back = decodeFloat16(encodeFloat16(v));
  assert.ok(dot(v, back) > 0.99999);
  const q = randomUnit(random, 1024);
  assert.ok(Math.abs(dot(q, v) - dot(q, back)) < 1e-3);
});

test('a float16 prototype file round trips through the centroid head, with penalties applied to scores', async () => {
  const random = seededRandom(4);
  const head = new CentroidHead(['A', 'B', 'C'], [randomUnit(random), randomUnit(random), randomUnit(random)]);
  const copy = CentroidHead.fromBytes(head.labels, head.toBytes('float16'), 'float16', Float32Array.from([0, 0.5, 0]));
  const face = head.centroids[1];
  const [scores] = await copy.scores([face]);
  assert.ok(Math.abs(scores[1] - 0.5) < 2e-3, 'cosine 1 minus the 0.5 penalty');
  assert.ok(Math.abs(scores[0] - dot(face, head.centroids[0])) < 2e-3);
});

test('the similarity scale is monotone, hits its anchors and clamps', () => {
  const impostor = Array.from({ length: 10000 }, (_, i) => -0.1 + (0.4 * i) / 9999);
  const genuine = Array.from({ length: 1000 }, (_, i) => 0.5 + (0.4 * i) / 999);
  const scale = similarityScale(impostor, genuine);
  assert.equal(similarityOf(scale, -1), 0);
  assert.ok(Math.abs(similarityOf(scale, 0.1) - 0) < 1e-9, 'impostor median reads 0%');
  assert.ok(Math.abs(similarityOf(scale, 0.7) - 0.9) < 1e-3, 'true-match median reads 90%');
  assert.equal(similarityOf(scale, 1), 1);
  let previous = -1;
  for (let c = -1; c <= 1; c += 0.01) {
    const s = similarityOf(scale, c);
    assert.ok(s >= previous && s >= 0 && s <= 1);
    previous = s;
  }
});

test("hubness: a prototype near everyone gets a penalty and stops being everyone's answer", () => {
  const random = seededRandom(5);
  const dim = 32;
  const centre = randomUnit(random, dim);
  // Faces share a common direction (as real embeddings do); the hub sits right on it, so it is close to everyone.
  const face = () => l2normalise(centre.map((x) => x + (random() * 2 - 1) * 0.35));
  const people = Array.from({ length: 40 }, face);
  const hub = centre;
  const head = new CentroidHead([...people.map((_, i) => `p${i}`), 'hub'], [...people, hub]);
  const reference = people.flatMap((p, owner) => [0, 1].map(() => ({ embedding: near(p, random, 0.6), owner })));
  const strangers = Array.from({ length: 200 }, face);
  const before = answerDistribution(head, strangers);
  const penalties = hubnessPenalties(neighbourhoodDensity(head, reference, 5), 1);
  const after = answerDistribution(head, strangers, penalties);
  assert.equal(before[0].label, 'hub');
  assert.ok(penalties[40] > 0, 'the hub is penalised');
  const hubShare = (list: typeof before) => list.find((a) => a.label === 'hub')?.share ?? 0;
  assert.ok(hubShare(before) > 0.3, `the hub answers ${hubShare(before)} of strangers`);
  assert.ok(hubShare(after) < hubShare(before) / 2, `hub share ${hubShare(before)} -> ${hubShare(after)}`);
});

test('gallery evaluation: rank-1 on held-out photos, strangers, scale and a strength that does not lower rank-1', () => {
  const random = seededRandom(6);
  const people: EvalPerson[] = Array.from({ length: 60 }, (_, p) => {
    const centre = randomUnit(random);
    return { name: `P${p}`, photos: Array.from({ length: p % 2 ? 10 : 4 }, () => ({ source: p % 3 ? 'a' : 'b', embedding: near(centre, random, 0.15) })) };
  });
  const e = evaluateGallery(people);
  assert.equal(e.queries, 30 * 2, 'two held out for each of the 30 people with 10 photos');
  assert.equal(e.rank1, 1, 'well separated people are all found');
  assert.ok(e.trueMatch.median > e.bestImpostor.median);
  const baseline = e.hubness.tried.find((t) => t.strength === 0)!;
  assert.ok(e.rank1 >= baseline.rank1);
  assert.equal(e.strangers.people, 6);
  assert.ok(e.strangers.atLeast['90'] === 0, 'strangers never read 90% similar');
  assert.ok(similarityOf(e.scale, e.trueMatch.median) > 0.85);
  assert.ok(e.temperature > 0);
  assert.deepEqual(Object.keys(e.perSource).sort(), ['a', 'b']);
  assert.equal(e.smallFaces, null, 'no twins, no small-face row');
});

test('a prototype averages the photos and, at half weight, the twins that exist', () => {
  const a = l2normalise(Float32Array.from([1, 0, 0]));
  const b = l2normalise(Float32Array.from([0, 1, 0]));
  const twin = l2normalise(Float32Array.from([0, 0, 1]));
  assert.equal(TWIN_WEIGHT, 0.5);
  const p = prototypeWithTwins([{ embedding: a, twin }, { embedding: b, twin: null }, { embedding: b }])!;
  const expected = l2normalise(Float32Array.from([1, 2, 0.5]));
  p.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `component ${i}: ${v} vs ${expected[i]}`));
  assert.equal(prototypeWithTwins([]), null);
  const head = CentroidHead.fit([
    { person: 'X', embedding: a, twin },
    { person: 'X', embedding: b },
    { person: 'Y', embedding: b },
  ]);
  assert.deepEqual(Array.from(head.centroids[0]), Array.from(prototypeWithTwins([{ embedding: a, twin }, { embedding: b }])!));
});

test("gallery evaluation ranks the held-out photos' twins as small-face queries, against prototypes that include the others' twins", () => {
  const random = seededRandom(9);
  // A twin is its photo pulled towards one direction shared by everyone: what blur does to every face.
  const blur = randomUnit(random);
  const twinOf = (e: Float32Array) => l2normalise(e.map((x, i) => x + 1.5 * blur[i]));
  const people: EvalPerson[] = Array.from({ length: 40 }, (_, p) => {
    const centre = randomUnit(random);
    return {
      name: `P${p}`,
      photos: Array.from({ length: 8 }, () => {
        const embedding = near(centre, random, 0.3);
        return { source: 'a', embedding, twin: twinOf(embedding) };
      }),
    };
  });
  const withTwins = evaluateGallery(people);
  const without = evaluateGallery(people.map((p) => ({ ...p, photos: p.photos.map(({ source, embedding }) => ({ source, embedding })) })));
  assert.equal(without.smallFaces, null);
  assert.equal(withTwins.smallFaces!.queries, withTwins.queries, 'one small-face query per held-out photo');
  assert.ok(withTwins.smallFaces!.rank1 > 0 && withTwins.smallFaces!.rank1 <= 1);
  assert.equal(withTwins.rank1, without.rank1, 'clean photos are ranked as well as without twins');
});

test('ranking on onnxruntime gives the scores of the JavaScript loop', async () => {
  const random = seededRandom(8);
  const labels = Array.from({ length: 300 }, (_, i) => `P${i}`);
  const prototypes = labels.map(() => randomUnit(random, 1024));
  const penalties = Float32Array.from(labels, () => random() * 0.05);
  const js = new CentroidHead(labels, prototypes, penalties);
  const native = new CentroidHead(labels, prototypes, penalties);
  assert.equal(await native.useNative(), true, 'onnxruntime-node is installed');
  const faces = [randomUnit(random, 1024), randomUnit(random, 1024)];
  const [a, b] = [await js.scores(faces), await native.scores(faces)];
  for (let f = 0; f < faces.length; f++) for (let i = 0; i < labels.length; i++) assert.ok(Math.abs(a[f][i] - b[f][i]) < 1e-5);
  native.dispose();
});
