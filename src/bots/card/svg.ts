/**
 * A card's layout as sprites (sprites.ts): the text (glyph outlines: no font needed), the rules
 * between sections, the frames of the face squares, the rounded masks that cut the faces to
 * their squares' shape and the placeholders of missing faces. Pure.
 */
import type { DrawnText } from '../../report/text-paths.js';
import type { FaceSlot } from './layout.js';
import { shapeSprite, textSprites, type Sprite } from './sprites.js';
import { COLOURS } from './style.js';

/** The card's size. */
export interface Canvas {
  width: number;
  height: number;
}

const square = (s: { x: number; y: number; size: number }) => ({ x1: s.x, y1: s.y, x2: s.x + s.size, y2: s.y + s.size });

/** Rules, then frames, then text: drawn over the faces in this order. */
export function overlaySprites(layout: { texts: readonly DrawnText[]; rules?: readonly [number, number, number][]; slots?: readonly FaceSlot[] }): Sprite[] {
  const rules = (layout.rules ?? []).map(([x1, y, x2]) =>
    shapeSprite(
      { x1, y1: y - 1, x2, y2: y + 1 },
      `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="${COLOURS.muted}" stroke-opacity="0.35" stroke-width="2"/>`,
    ),
  );
  const frames = (layout.slots ?? []).map((s) =>
    shapeSprite(
      square(s),
      `<rect x="${s.x + 1}" y="${s.y + 1}" width="${s.size - 2}" height="${s.size - 2}" rx="${s.radius}" fill="none" stroke="${COLOURS.tileBorder}" stroke-opacity="0.25" stroke-width="2"/>`,
    ),
  );
  return [...rules, ...frames, ...layout.texts.flatMap(textSprites)];
}

/** An opaque rounded square exactly over the slot (whole px): the face shows where it is opaque. */
export function roundedMask(s: FaceSlot): Sprite {
  return shapeSprite(square(s), `<rect x="${s.x}" y="${s.y}" width="${s.size}" height="${s.size}" rx="${s.radius}" fill="#fff"/>`, { margin: 0 });
}

/** "TH" for "Tom Hanks": the first letters of the first two words that start with a letter ("" for none). */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter((w) => /^\p{L}/u.test(w))
    .slice(0, 2)
    .map((w) => [...w][0].toUpperCase())
    .join('');
}

/** Where a face is missing (no reference thumbnail): a soft square with the person's initials. */
export function placeholder(slot: FaceSlot, name: string): Sprite[] {
  return [
    shapeSprite(
      square(slot),
      `<rect x="${slot.x}" y="${slot.y}" width="${slot.size}" height="${slot.size}" rx="${slot.radius}" fill="#ffffff" fill-opacity="0.12"/>`,
    ),
    ...textSprites({
      text: initials(name) || '?',
      x: slot.x + slot.size / 2,
      y: slot.y + slot.size * 0.62,
      size: Math.round(slot.size * 0.36),
      weight: 'bold',
      anchor: 'middle',
      fill: COLOURS.muted,
    }),
  ];
}
