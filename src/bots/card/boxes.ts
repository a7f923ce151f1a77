/**
 * Every face of a group photo boxed and numbered, as sprites to lay over the photo where a card
 * shows it. Answered faces get a colour each; faces beyond the answered maximum a grey dashed
 * box, still numbered and counted. Numbers are glyph outlines (no font needed). Pure.
 */
import { boxColour, type NumberedFace } from './group-layout.js';
import { shapeSprite, textSprites, type Sprite } from './sprites.js';

/** Where the photo sits on the card: offset, and card px per photo px. */
export interface Placement {
  x: number;
  y: number;
  width: number;
  height: number;
  scale: number;
}

/** A filled circle with a number in it: on the photo and at the start of each answer row. */
export function numberBadge(number: number, cx: number, cy: number, radius: number, colour: string): Sprite[] {
  const size = Math.round(radius * (number >= 10 ? 1.0 : 1.25));
  const [x, y, r] = [cx.toFixed(1), cy.toFixed(1), radius.toFixed(1)].map(Number);
  const reach = r + 1; // the stroke's outer half
  return [
    shapeSprite(
      { x1: x - reach, y1: y - reach, x2: x + reach, y2: y + reach },
      `<circle cx="${x}" cy="${y}" r="${r}" fill="${colour}" stroke="#000" stroke-opacity="0.6" stroke-width="2"/>`,
    ),
    ...textSprites({ text: String(number), x: cx, y: cy + size * 0.36, size, weight: 'bold', anchor: 'middle', fill: '#111' }),
  ];
}

export function numberedBoxes(faces: readonly NumberedFace[], at: Placement): Sprite[] {
  return faces.flatMap((face) => {
    const [x, y, w, h] = face.box.map((v) => v * at.scale);
    const [left, top, width, height] = [at.x + x, at.y + y, w, h].map((v) => Number(v.toFixed(1)));
    const colour = boxColour(face);
    const stroke = Math.max(3, Math.round(Math.min(w, h) / 28));
    const dash = face.person ? '' : ` stroke-dasharray="${stroke * 3} ${stroke * 2}"`;
    const r = Math.max(18, Math.min(34, Math.round(Math.min(w, h) / 5)));
    // The number sits on the box's top-left corner, kept inside the photo.
    const cx = Math.min(Math.max(at.x + x, at.x + r), at.x + at.width - r);
    const cy = Math.min(Math.max(at.y + y, at.y + r), at.y + at.height - r);
    const half = stroke / 2;
    return [
      shapeSprite(
        { x1: left - half, y1: top - half, x2: left + width + half, y2: top + height + half },
        `<rect x="${left}" y="${top}" width="${width}" height="${height}" rx="4" fill="none" stroke="${colour}" stroke-width="${stroke}"${dash}/>`,
        { keep: false }, // this photo's face: no other card has it
      ),
      ...numberBadge(face.number, cx, cy, r, colour),
    ];
  });
}
