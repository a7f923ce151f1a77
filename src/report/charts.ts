/**
 * The original design's figures, drawn as SVG and rasterised with sharp (librsvg): no
 * browser, no native canvas. Text is glyph outlines of the shipped typeface (text-paths.ts),
 * so labels are measured with the font that draws them and no system font is needed. The
 * layout and SVG builders are pure; `svgToPng` is the only I/O-ish step.
 */
import sharp from 'sharp';
import { percent } from '../base/format.js';
import { ellipsize, svgText, textWidth, type DrawnText } from './text-paths.js';
import { epochTicks, niceTicks, type Ticks } from './ticks.js';

export interface Bar {
  label: string;
  /** 0..1 */
  value: number;
  highlight?: boolean;
}

export interface Series {
  name: string;
  colour: string;
  points: { x: number; y: number }[];
}

/** A point to mark on a line chart: the best epoch. */
export interface Marker {
  x: number;
  y: number;
  label: string;
}

const INK = '#212529';
const MUTED = '#495057';
const TITLE = { size: 17, weight: 'bold' as const };
const LABEL = { size: 13 };
const TICK = { size: 11 };
/** Widest a bar label may make the left margin before it is cut with an ellipsis. */
export const MAX_LABEL_WIDTH = 520;
const BAR_PLOT_WIDTH = 440;

const text = (t: Omit<DrawnText, 'fill'> & { fill?: string }) => svgText({ fill: INK, ...t });

export interface BarChartLayout {
  width: number;
  height: number;
  /** x of the bars' left edge; labels end 10 px before it. */
  left: number;
  plotWidth: number;
  top: number;
  rowHeight: number;
  /** Labels as drawn (ellipsized only beyond MAX_LABEL_WIDTH) and their measured widths. */
  labels: { text: string; width: number }[];
}

/** Pure: a margin as wide as the longest label, a plot of fixed width, room for the title. */
export function barChartLayout(title: string, bars: readonly Bar[]): BarChartLayout {
  const labels = bars.map((b) => {
    const shown = ellipsize(b.label, LABEL, MAX_LABEL_WIDTH);
    return { text: shown, width: textWidth(shown, LABEL) };
  });
  const left = Math.ceil(Math.max(120, ...labels.map((l) => l.width)) + 20);
  const valueRoom = Math.ceil(textWidth('100.00%', LABEL)) + 16;
  const width = Math.max(720, left + BAR_PLOT_WIDTH + valueRoom, Math.ceil(textWidth(title, TITLE)) + 40);
  const rowHeight = 28;
  const top = 48;
  return { width, height: top + Math.max(1, bars.length) * rowHeight + 36, left, plotWidth: width - left - valueRoom, top, rowHeight, labels };
}

/** Horizontal bars (test accuracy per run), best first, with the value printed at the end of each bar. */
export function barChartSvg(title: string, bars: readonly Bar[]): string {
  const l = barChartLayout(title, bars);
  const rows = bars.map((b, i) => {
    const y = l.top + i * l.rowHeight;
    const w = Math.max(1, Math.round(l.plotWidth * Math.min(1, Math.max(0, b.value))));
    return `${text({ text: l.labels[i].text, x: l.left - 10, y: y + 18, anchor: 'end', ...LABEL })}
<rect x="${l.left}" y="${y + 4}" width="${w}" height="${l.rowHeight - 8}" fill="${b.highlight ? '#2b8a3e' : '#4c6ef5'}"/>
${text({ text: percent(b.value, 2), x: l.left + w + 6, y: y + 18, ...LABEL })}`;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const x = l.left + Math.round(l.plotWidth * t);
    return `<line x1="${x}" y1="${l.top}" x2="${x}" y2="${l.height - 30}" stroke="#ddd"/>${text({ text: `${t * 100}%`, x, y: l.height - 12, anchor: 'middle', fill: MUTED, ...TICK })}`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}" viewBox="0 0 ${l.width} ${l.height}">
<rect width="100%" height="100%" fill="#fff"/>
${text({ text: title, x: l.width / 2, y: 28, anchor: 'middle', ...TITLE })}
${ticks.join('\n')}
${bars.length ? rows.join('\n') : text({ text: 'no runs yet', x: l.left, y: l.top + 18, ...LABEL })}
</svg>`;
}

export interface LineChartLayout {
  width: number;
  height: number;
  margin: { left: number; right: number; top: number; bottom: number };
  /** Loss axis: round values from 0. */
  y: Ticks;
  /** Epoch axis ticks, from 1 to the last epoch. */
  x: number[];
  xMax: number;
}

/** Pure: round ticks on both axes, a left margin as wide as the widest tick label. */
export function lineChartLayout(series: readonly Series[]): LineChartLayout {
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
  const xMax = Math.max(1, ...all.map((p) => p.x));
  const y = niceTicks(0, Math.max(1e-6, ...all.map((p) => p.y)), 5);
  const tickWidth = Math.max(...y.values.map((v) => textWidth(v.toFixed(y.decimals), TICK)));
  return { width: 720, height: 420, margin: { left: Math.ceil(tickWidth) + 44, right: 24, top: 50, bottom: 56 }, y, x: epochTicks(xMax), xMax };
}

/** Lines over epochs (train and validation loss), with round ticks, a legend and, when given, the best epoch marked. */
export function lineChartSvg(title: string, series: readonly Series[], xLabel = 'epoch', yLabel = 'loss', best?: Marker): string {
  const l = lineChartLayout(series);
  const { width, height, margin: m } = l;
  const sx = (x: number) => m.left + ((width - m.left - m.right) * (x - 1)) / Math.max(1, l.xMax - 1);
  const sy = (y: number) => height - m.bottom - ((height - m.top - m.bottom) * (y - l.y.lo)) / (l.y.hi - l.y.lo);
  const lines = series.map((s) => {
    const d = s.points
      .filter((p) => Number.isFinite(p.y))
      .map((p, i) => `${i ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
      .join(' ');
    return `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"/>`;
  });
  const yTicks = l.y.values.map((v) => {
    const y = sy(v).toFixed(1);
    return `<line x1="${m.left}" y1="${y}" x2="${width - m.right}" y2="${y}" stroke="#eee"/>${text({ text: v.toFixed(l.y.decimals), x: m.left - 8, y: Number(y) + 4, anchor: 'end', fill: MUTED, ...TICK })}`;
  });
  const xTicks = l.x.map((v) => {
    const x = sx(v).toFixed(1);
    return `<line x1="${x}" y1="${height - m.bottom}" x2="${x}" y2="${height - m.bottom + 5}" stroke="#333"/>${text({ text: String(v), x: Number(x), y: height - m.bottom + 18, anchor: 'middle', fill: MUTED, ...TICK })}`;
  });
  const legendX = width - m.right - 12 - Math.max(...series.map((s) => textWidth(s.name, { size: 12 }))) - 20;
  const legend = series.map(
    (s, i) =>
      `<rect x="${legendX.toFixed(1)}" y="${m.top + 4 + i * 20}" width="14" height="4" fill="${s.colour}"/>${text({ text: s.name, x: legendX + 20, y: m.top + 10 + i * 20, size: 12 })}`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<rect width="100%" height="100%" fill="#fff"/>
${text({ text: title, x: width / 2, y: 28, anchor: 'middle', ...TITLE })}
${yTicks.join('\n')}
<line x1="${m.left}" y1="${height - m.bottom}" x2="${width - m.right}" y2="${height - m.bottom}" stroke="#333"/>
<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${height - m.bottom}" stroke="#333"/>
${xTicks.join('\n')}
${text({ text: xLabel, x: (width + m.left) / 2, y: height - 14, anchor: 'middle', size: 12 })}
<g transform="translate(18 ${(m.top + height - m.bottom) / 2}) rotate(-90)">${text({ text: yLabel, x: 0, y: 0, anchor: 'middle', size: 12 })}</g>
${lines.join('\n')}
${best ? bestMarker(best, sx, sy, { top: m.top, bottom: height - m.bottom, right: width - m.right }, { left: legendX, bottom: m.top + 20 * series.length + 4 }) : ''}
${legend.join('\n')}
</svg>`;
}

type Plot = { top: number; bottom: number; right: number };

/** A dashed line down to the axis at the best epoch, a ring on the point and its label beside it, clear of the legend. */
function bestMarker(best: Marker, sx: (x: number) => number, sy: (y: number) => number, plot: Plot, legend: { left: number; bottom: number }): string {
  const { top, bottom, right } = plot;
  const x = sx(best.x);
  const y = sy(best.y);
  const labelWidth = textWidth(best.label, { size: 12, weight: 'bold' });
  // The label sits right of the line unless it would leave the plot; below the legend when it would run into it.
  const onRight = x + 8 + labelWidth <= right;
  const labelRight = onRight ? x + 8 + labelWidth : x - 8;
  const labelY = labelRight > legend.left - 6 ? legend.bottom + 16 : top + 14;
  return `<g id="best-epoch" data-epoch="${best.x}">
<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="#2b8a3e" stroke-width="1.5" stroke-dasharray="5 4"/>
<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="6" fill="none" stroke="#2b8a3e" stroke-width="2.5"/>
${text({ text: best.label, x: onRight ? x + 8 : x - 8, y: labelY, anchor: onRight ? 'start' : 'end', size: 12, weight: 'bold', fill: '#2b8a3e' })}
</g>`;
}

export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 96 }).png().toBuffer();
}
