/**
 * The original design's figures, drawn as SVG and rasterised with sharp (librsvg): no
 * browser, no native canvas. The SVG builders are pure; `svgToPng` is the only I/O-ish step.
 */
import sharp from 'sharp';
import { percent } from '../../format.js';

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

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';

/** Horizontal bars (test accuracy per run), best first, with the value printed at the end of each bar. */
export function barChartSvg(title: string, bars: readonly Bar[]): string {
  const width = 720;
  const rowHeight = 28;
  const left = 190;
  const top = 48;
  const plot = width - left - 80;
  const height = top + Math.max(1, bars.length) * rowHeight + 36;
  const rows = bars.map((b, i) => {
    const y = top + i * rowHeight;
    const w = Math.max(1, Math.round(plot * Math.min(1, Math.max(0, b.value))));
    return `<text x="${left - 10}" y="${y + 18}" text-anchor="end" font-size="13" ${FONT}>${escape(b.label)}</text>
<rect x="${left}" y="${y + 4}" width="${w}" height="${rowHeight - 8}" fill="${b.highlight ? '#2b8a3e' : '#4c6ef5'}"/>
<text x="${left + w + 6}" y="${y + 18}" font-size="13" ${FONT}>${percent(b.value, 2)}</text>`;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const x = left + Math.round(plot * t);
    return `<line x1="${x}" y1="${top}" x2="${x}" y2="${height - 30}" stroke="#ddd"/><text x="${x}" y="${height - 12}" text-anchor="middle" font-size="11" ${FONT}>${t * 100}%</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${width / 2}" y="28" text-anchor="middle" font-size="17" font-weight="bold" ${FONT}>${escape(title)}</text>
${ticks.join('\n')}
${bars.length ? rows.join('\n') : `<text x="${left}" y="${top + 18}" font-size="13" ${FONT}>no runs yet</text>`}
</svg>`;
}

/** Lines over epochs (train and validation loss), with axes and a legend. */
export function lineChartSvg(title: string, series: readonly Series[], xLabel = 'epoch', yLabel = 'loss'): string {
  const width = 720;
  const height = 420;
  const m = { left: 70, right: 20, top: 50, bottom: 50 };
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
  const xMax = Math.max(1, ...all.map((p) => p.x));
  const yMax = Math.max(1e-6, ...all.map((p) => p.y)) * 1.05;
  const sx = (x: number) => m.left + ((width - m.left - m.right) * (x - 1)) / Math.max(1, xMax - 1);
  const sy = (y: number) => height - m.bottom - ((height - m.top - m.bottom) * y) / yMax;
  const lines = series.map((s) => {
    const d = s.points
      .filter((p) => Number.isFinite(p.y))
      .map((p, i) => `${i ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
      .join(' ');
    return `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"/>`;
  });
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const y = sy(t * yMax);
    return `<line x1="${m.left}" y1="${y}" x2="${width - m.right}" y2="${y}" stroke="#eee"/><text x="${m.left - 8}" y="${y + 4}" text-anchor="end" font-size="11" ${FONT}>${(t * yMax).toFixed(yMax < 1 ? 3 : 2)}</text>`;
  });
  const legend = series.map(
    (s, i) =>
      `<rect x="${width - 190}" y="${m.top + 4 + i * 20}" width="14" height="4" fill="${s.colour}"/><text x="${width - 170}" y="${m.top + 10 + i * 20}" font-size="12" ${FONT}>${escape(s.name)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${width / 2}" y="28" text-anchor="middle" font-size="17" font-weight="bold" ${FONT}>${escape(title)}</text>
${yTicks.join('\n')}
<line x1="${m.left}" y1="${height - m.bottom}" x2="${width - m.right}" y2="${height - m.bottom}" stroke="#333"/>
<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${height - m.bottom}" stroke="#333"/>
<text x="${m.left}" y="${height - m.bottom + 18}" font-size="11" ${FONT}>1</text>
<text x="${width - m.right}" y="${height - m.bottom + 18}" text-anchor="end" font-size="11" ${FONT}>${xMax}</text>
<text x="${(width + m.left) / 2}" y="${height - 12}" text-anchor="middle" font-size="12" ${FONT}>${escape(xLabel)}</text>
<text x="16" y="${height / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${height / 2})" ${FONT}>${escape(yLabel)}</text>
${lines.join('\n')}
${legend.join('\n')}
</svg>`;
}

export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 96 }).png().toBuffer();
}
