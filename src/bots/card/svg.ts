/**
 * A card's layout as SVG: the background and the text (glyph outlines: no font needed) in
 * one picture, and the rounded masks and frames of the face squares. Pure.
 */
import { svgText } from '../../report/text-paths.js';
import type { FaceSlot } from './layout.js';
import { COLOURS } from './style.js';

export interface Canvas {
  width: number;
  height: number;
}

/** The card's background: a vertical gradient. */
export function backgroundSvg({ width, height }: Canvas): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<defs><linearGradient id="bg" x1="0" y1="0" x2="0.35" y2="1"><stop offset="0" stop-color="${COLOURS.backgroundTop}"/><stop offset="1" stop-color="${COLOURS.backgroundBottom}"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#bg)"/>
</svg>`;
}

/** Text, rules and frames drawn over the faces. */
export function overlaySvg(
  canvas: Canvas,
  layout: { texts: Parameters<typeof svgText>[0][]; rules?: [number, number, number][]; slots?: FaceSlot[] },
  extra = '',
): string {
  const rules = (layout.rules ?? []).map(
    ([x1, y, x2]) => `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="${COLOURS.muted}" stroke-opacity="0.35" stroke-width="2"/>`,
  );
  const frames = (layout.slots ?? []).map(
    (s) =>
      `<rect x="${s.x + 1}" y="${s.y + 1}" width="${s.size - 2}" height="${s.size - 2}" rx="${s.radius}" fill="none" stroke="${COLOURS.tileBorder}" stroke-opacity="0.25" stroke-width="2"/>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${canvas.width}" height="${canvas.height}">
${rules.join('\n')}
${frames.join('\n')}
${layout.texts.map((t) => svgText(t)).join('\n')}
${extra}
</svg>`;
}

/** An opaque rounded square, to cut a face to the slot's shape (blend `dest-in`). */
export function roundedMaskSvg(size: number, radius: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="${size}" height="${size}" rx="${radius}" fill="#fff"/></svg>`;
}
