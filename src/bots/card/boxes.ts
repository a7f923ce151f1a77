/**
 * Every face of a group photo boxed and numbered, as SVG to lay over the photo where a card
 * shows it. Answered faces get a colour each; faces beyond the answered maximum a grey dashed
 * box, still numbered and counted. Numbers are glyph outlines (no font needed). Pure.
 */
import { svgText } from '../../report/text-paths.js';
import { boxColour, type NumberedFace } from './group-layout.js';

/** Where the photo sits on the card: offset, and card px per photo px. */
export interface Placement {
  x: number;
  y: number;
  width: number;
  height: number;
  scale: number;
}

/** A filled circle with a number in it: on the photo and at the start of each answer row. */
export function numberBadgeSvg(number: number, cx: number, cy: number, radius: number, colour: string): string {
  const size = Math.round(radius * (number >= 10 ? 1.0 : 1.25));
  return `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${radius.toFixed(1)}" fill="${colour}" stroke="#000" stroke-opacity="0.6" stroke-width="2"/>
${svgText({ text: String(number), x: cx, y: cy + size * 0.36, size, weight: 'bold', anchor: 'middle', fill: '#111' })}`;
}

export function numberedBoxesSvg(faces: readonly NumberedFace[], at: Placement): string {
  return faces
    .map((face) => {
      const [x, y, w, h] = face.box.map((v) => v * at.scale);
      const left = at.x + x;
      const top = at.y + y;
      const colour = boxColour(face);
      const stroke = Math.max(3, Math.round(Math.min(w, h) / 28));
      const dash = face.person ? '' : ` stroke-dasharray="${stroke * 3} ${stroke * 2}"`;
      const r = Math.max(18, Math.min(34, Math.round(Math.min(w, h) / 5)));
      // The number sits on the box's top-left corner, kept inside the photo.
      const cx = Math.min(Math.max(left, at.x + r), at.x + at.width - r);
      const cy = Math.min(Math.max(top, at.y + r), at.y + at.height - r);
      return `<rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" rx="4" fill="none" stroke="${colour}" stroke-width="${stroke}"${dash}/>
${numberBadgeSvg(face.number, cx, cy, r, colour)}`;
    })
    .join('\n');
}
