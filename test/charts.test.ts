// The figures: labels measured with the shipped font fit their margin, axis ticks are round
// numbers, the best epoch is marked, and text renders the same on a machine without fonts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { barChartLayout, lineChartLayout, MAX_LABEL_WIDTH, svgToPng } from '../src/report/charts.js';
import { leaderboardSvg, lossCurveSvg } from '../src/report/figures.js';
import { ellipsize, fitLine, fitLines, textWidth } from '../src/report/text-paths.js';
import { epochTicks, niceStep, niceTicks } from '../src/report/ticks.js';
import type { LeaderboardRow, RunWithEpochs } from '../src/store/index.js';
import { tempDir } from './helpers/temp.js';

const run = (over: Partial<LeaderboardRow>): LeaderboardRow => ({
  createdAt: '2025-01-01T00:00:00Z',
  status: 'done',
  testSplit: null,
  stillImproving: false,
  kind: 'run',
  runId: 1,
  model: null,
  description: null,
  preset: 2,
  head: 'fc1',
  loss: 'nll',
  samplePairing: false,
  epochs: 10,
  bestEpoch: 5,
  valLoss: 0.5,
  testTop1: 0.8,
  testTop3: 0.9,
  backend: 'wasm',
  seconds: 10,
  ...over,
});

const ROWS: LeaderboardRow[] = [
  run({ runId: 12, preset: 6, head: 'imprinted cosine', testTop1: 0.9599 }),
  run({ kind: 'gallery', runId: null, model: '/work/x/model/default', preset: null, head: 'centroid', loss: '', testTop1: 0.9406 }),
  run({ runId: 3, preset: 3, head: 'fc2', loss: 'focal', samplePairing: true, testTop1: 0.71 }),
];

/** Whether `v` is 1, 2 or 5 times a power of ten. */
const isNice = (v: number) => {
  const m = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
  return [1, 2, 5].some((n) => Math.abs(m - n) < 1e-9);
};

test('the leaderboard margin is as wide as its longest label, measured with the font that draws it', () => {
  const bars = ROWS.map((r) => ({
    label: r.kind === 'gallery' ? 'gallery default (centroid, no training)' : `#${r.runId} preset ${r.preset}`,
    value: r.testTop1,
  }));
  const layout = barChartLayout('Test accuracy', bars);
  assert.equal(layout.labels[1].text, 'gallery default (centroid, no training)', 'drawn whole, not cut');
  for (const label of layout.labels) {
    assert.ok(label.width > 0);
    // Labels end 10 px left of the bars, right-aligned: their start is inside the picture.
    assert.ok(label.width <= layout.left - 10, `${label.text}: ${label.width} px in a ${layout.left - 10} px margin`);
  }
  assert.ok(layout.labels[1].width > 200, 'the gallery label is the long one');
  // Before: a fixed 190 px margin, which cut "g" off the gallery row.
  assert.ok(layout.left - 10 > 190 - 10);
  // A label longer than the cap is cut with an ellipsis that fits the cap.
  const long = barChartLayout('t', [{ label: 'x'.repeat(200), value: 0.5 }]);
  assert.ok(long.labels[0].text.endsWith('…') && long.labels[0].width <= MAX_LABEL_WIDTH);
  // The whole SVG uses no font: text is glyph outlines.
  const svg = leaderboardSvg(ROWS);
  assert.doesNotMatch(svg, /<text|font-family/);
  assert.match(svg, /<path d="M/);
});

test('axis ticks are round 1-2-5 numbers covering the data', () => {
  for (const [span, target] of [
    [3.7, 5],
    [0.0123, 5],
    [812, 6],
    [1, 4],
    [47, 8],
  ] as const) {
    const step = niceStep(span, target);
    assert.ok(isNice(step), `step ${step} for ${span}`);
    assert.ok(span / step <= target * 1.5 && span / step >= target / 2.5, `about ${target} steps: ${span / step}`);
  }
  const ticks = niceTicks(0, 3.21);
  assert.deepEqual(ticks.values, [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
  assert.equal(ticks.decimals, 1);
  assert.deepEqual(niceTicks(0, 0.0734).values, [0, 0.02, 0.04, 0.06, 0.08]);
  assert.equal(niceTicks(0, 0.0734).decimals, 2);
  assert.deepEqual(niceTicks(0, 1.37, 6).values, [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4]);
  assert.deepEqual(epochTicks(23), [1, 5, 10, 15, 20]);
  assert.deepEqual(epochTicks(8), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(epochTicks(1), [1]);
  const losses = [{ name: 'val', colour: '#000', points: [2.31, 1.2, 0.97, 1.05].map((y, i) => ({ x: i + 1, y })) }];
  const layout = lineChartLayout(losses);
  assert.ok(isNice(layout.y.step));
  assert.ok(
    layout.y.values.every((v) => Math.abs(v / layout.y.step - Math.round(v / layout.y.step)) < 1e-9),
    'every tick a multiple of the step',
  );
  assert.ok(layout.y.hi >= 2.31 && layout.y.lo === 0);
  const widest = Math.max(...layout.y.values.map((v) => textWidth(v.toFixed(layout.y.decimals), { size: 11 })));
  assert.ok(widest + 8 <= layout.margin.left - 24, 'tick labels and the rotated axis title fit the left margin');
});

const history = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ epoch: i + 1, trainLoss: 3 / (i + 1), valLoss: Math.abs(i - 5) / 4 + 0.5, valAccuracy: 0.5, seconds: 1 }));
const runWith = (over: Partial<RunWithEpochs>): RunWithEpochs => ({
  id: 7,
  preset: 2,
  config: {},
  backbone: 'faceres',
  backend: 'wasm',
  head: 'fc1',
  loss: 'nll',
  samplePairing: false,
  epochs: 12,
  status: 'done',
  createdAt: '2025-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  seconds: 12,
  error: null,
  modelPath: null,
  bestEpoch: 6,
  bestValLoss: 0.5,
  history: history(12),
  ...over,
});

test('the loss chart marks the best epoch (lowest validation loss) and labels the epoch axis', () => {
  const svg = lossCurveSvg(runWith({ bestEpoch: 6 }));
  assert.match(svg, /<g id="best-epoch" data-epoch="6">/);
  assert.match(svg, /stroke-dasharray/);
  assert.doesNotMatch(lossCurveSvg(runWith({ bestEpoch: null })), /best-epoch/, 'no marker without a best epoch');
  assert.doesNotMatch(svg, /<text/);
});

test('long names shrink, then are cut with an ellipsis, within the width asked', () => {
  const style = { size: 40, weight: 'bold' as const };
  assert.deepEqual(fitLine('Tom Hanks', style, 600, 30), { text: 'Tom Hanks', size: 40, width: textWidth('Tom Hanks', style) });
  const name = 'Cristina Fernandez De Kirchner';
  const shrunk = fitLine(name, style, 520, 30);
  assert.equal(shrunk.text, name);
  assert.ok(shrunk.size < 40 && shrunk.size >= 30 && shrunk.width <= 520);
  const cut = fitLine(name, style, 300, 30);
  assert.ok(cut.text.endsWith('…') && cut.size === 30 && cut.width <= 300, JSON.stringify(cut));
  assert.equal(ellipsize('Ana', style, 1000), 'Ana');
  const two = fitLines(name, style, 380, 36, 2);
  assert.ok(two.lines.length === 2 && two.lines.every((l) => textWidth(l, { ...style, size: two.size }) <= 380), JSON.stringify(two));
  assert.equal(two.lines.join(' '), name, 'broken at a space, nothing lost');
  // Accented and non-Latin names are measured with real glyphs, not the notdef box.
  assert.ok(textWidth('Beyoncé Ibrahimović Шарапова', style) > textWidth('Beyonce', style));
});

test('text renders the same on a machine with no system fonts (FONTCONFIG_FILE with no font directories)', async () => {
  const dir = tempDir('celeb-nofonts-');
  const conf = path.join(dir, 'fonts.conf');
  writeFileSync(conf, `<?xml version="1.0"?>\n<fontconfig><cachedir>${dir}/cache</cachedir></fontconfig>\n`);
  const svgFile = path.join(dir, 'board.svg');
  const svg = leaderboardSvg(ROWS);
  writeFileSync(svgFile, svg);
  const here = await svgToPng(svg);
  const script = `import sharp from 'sharp'; import { readFileSync } from 'node:fs';
const png = await sharp(readFileSync(${JSON.stringify(svgFile)}), { density: 96 }).png().toBuffer();
process.stdout.write(png.toString('base64'));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, FONTCONFIG_FILE: conf },
    cwd: path.resolve(import.meta.dirname, '..', '..'),
    maxBuffer: 64 * 1024 * 1024,
  });
  const there = Buffer.from(stdout, 'base64');
  const [a, b] = await Promise.all([here, there].map((png) => sharp(png).raw().toBuffer()));
  assert.ok(a.length > 0 && a.equals(b), 'same pixels with and without system fonts');
  // And the picture has text in it: dark pixels at the left, where the labels start.
  const { data, info } = await sharp(here).greyscale().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (let y = 48; y < 48 + 3 * 28; y++) for (let x = 0; x < 150; x++) if (data[y * info.width + x] < 128) dark++;
  assert.ok(dark > 200, `label pixels: ${dark}`);
});
