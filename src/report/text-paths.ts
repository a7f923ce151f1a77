/**
 * Text as SVG paths: each glyph's outline from the shipped typeface, placed with the font's
 * own advance widths and kerning. What is measured is exactly what is drawn, and librsvg
 * needs no font at all. Pure once the typeface is loaded (typeface.ts).
 */
import type { Font, Glyph, PathCommand } from 'opentype.js';
import { inter, type Typeface, type Weight } from './typeface.js';

export type { Weight } from './typeface.js';

export interface TextStyle {
  /** Font size in px (one em). */
  size: number;
  /** Default regular. */
  weight?: Weight;
}

export type Anchor = 'start' | 'middle' | 'end';

export interface DrawnText extends TextStyle {
  text: string;
  /** Where the baseline starts (start), is centred (middle) or ends (end). */
  x: number;
  /** Baseline. */
  y: number;
  anchor?: Anchor;
  fill: string;
  opacity?: number;
}

interface PlacedGlyph {
  glyph: Glyph;
  font: Font;
  /** Left edge of the glyph's advance, px from the text's start. */
  x: number;
}

const ELLIPSIS = '…';

function fontFor(fonts: readonly Font[], char: string): Font {
  return fonts.find((f) => f.charToGlyphIndex(char) > 0) ?? fonts[0];
}

/** Glyphs and their offsets; kerning applies between two glyphs of the same subset font. */
function place(text: string, style: TextStyle, face: Typeface): { glyphs: PlacedGlyph[]; width: number } {
  const fonts = face[style.weight ?? 'regular'];
  const glyphs: PlacedGlyph[] = [];
  let x = 0;
  let previous = null as { font: Font; glyph: Glyph } | null;
  for (const char of text.normalize('NFC')) {
    const font = fontFor(fonts, char);
    const glyph = font.charToGlyph(char);
    const scale = style.size / font.unitsPerEm;
    if (previous?.font === font) x += font.getKerningValue(previous.glyph, glyph) * scale;
    glyphs.push({ glyph, font, x });
    x += (glyph.advanceWidth ?? 0) * scale;
    previous = { font, glyph };
  }
  return { glyphs, width: x };
}

/** Advance width of `text` in px. */
export function textWidth(text: string, style: TextStyle, face: Typeface = inter()): number {
  return place(text, style, face).width;
}

/** Where the text's advance starts, px: `x` moved left by all or half its width for `end` or `middle`. */
function startOf(t: Omit<DrawnText, 'fill'>, width: number): number {
  return t.anchor === 'middle' ? t.x - width / 2 : t.anchor === 'end' ? t.x - width : t.x;
}

/** A rectangle, px: x1 left, y1 top, x2 right, y2 bottom (y grows downwards). */
export interface Bounds {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * Each glyph's outline box at one em = unitsPerEm px (y down), from its points and control
 * points: a little generous, never short. x1 > x2 for a glyph without an outline (a space).
 */
const glyphBoxes = new WeakMap<Glyph, Bounds>();

function glyphBox(glyph: Glyph, font: Font): Bounds {
  let box = glyphBoxes.get(glyph);
  if (!box) {
    box = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
    for (const c of glyph.getPath(0, 0, font.unitsPerEm).commands) {
      if (c.type === 'Z') continue;
      const points = c.type === 'C' ? [c.x1, c.y1, c.x2, c.y2, c.x, c.y] : c.type === 'Q' ? [c.x1, c.y1, c.x, c.y] : [c.x, c.y];
      for (let i = 0; i < points.length; i += 2) {
        box.x1 = Math.min(box.x1, points[i]);
        box.x2 = Math.max(box.x2, points[i]);
        box.y1 = Math.min(box.y1, points[i + 1]);
        box.y2 = Math.max(box.y2, points[i + 1]);
      }
    }
    glyphBoxes.set(glyph, box);
  }
  return box;
}

/** One glyph of a text as drawn: which one, where its advance starts, its ink and its outline. */
export interface DrawnGlyph {
  /** Weight, subset font and glyph index: equal ids at equal sizes have equal outlines. */
  id: string;
  /** Left end of its advance on the baseline, px. */
  x: number;
  /** The box its ink fits in, px from (x, baseline), y down; x1 > x2 when it has no ink (a space). */
  box: Bounds;
  /** SVG path data of its outline with its origin (advance start, baseline) at (x, y). */
  pathData(x: number, y: number): string;
}

/** `t`'s glyphs, placed as textPathData places them (which draws their outlines together). */
export function textGlyphs(t: Omit<DrawnText, 'fill'>, face: Typeface = inter()): DrawnGlyph[] {
  const weight = t.weight ?? 'regular';
  const { glyphs, width } = place(t.text, t, face);
  const left = startOf(t, width);
  return glyphs.map((g) => {
    const scale = t.size / g.font.unitsPerEm;
    const box = glyphBox(g.glyph, g.font);
    return {
      id: `${weight}/${face[weight].indexOf(g.font)}/${g.glyph.index}`,
      x: left + g.x,
      box: { x1: box.x1 * scale, y1: box.y1 * scale, x2: box.x2 * scale, y2: box.y2 * scale },
      pathData: (x, y) => g.glyph.getPath(x, y, t.size).commands.map(pathCommand).join(''),
    };
  });
}

/** SVG path data of `text` placed as `DrawnText` says. */
export function textPathData(t: Omit<DrawnText, 'fill'>, face: Typeface = inter()): string {
  const { glyphs, width } = place(t.text, t, face);
  const left = startOf(t, width);
  return glyphs
    .map((g) =>
      g.glyph
        .getPath(left + g.x, t.y, t.size)
        .commands.map(pathCommand)
        .join(''),
    )
    .join('');
}

/** One command with 0.1 px precision and explicit separators (opentype.js's own toPathData can run two numbers together). */
function pathCommand(c: PathCommand): string {
  const n = (v: number) => String(Math.round(v * 10) / 10 || 0);
  switch (c.type) {
    case 'M':
    case 'L':
      return `${c.type}${n(c.x)} ${n(c.y)}`;
    case 'Q':
      return `Q${n(c.x1)} ${n(c.y1)} ${n(c.x)} ${n(c.y)}`;
    case 'C':
      return `C${n(c.x1)} ${n(c.y1)} ${n(c.x2)} ${n(c.y2)} ${n(c.x)} ${n(c.y)}`;
    case 'Z':
      return 'Z';
  }
}

/** One `<path>` element drawing the text. */
export function svgText(t: DrawnText, face: Typeface = inter()): string {
  const opacity = t.opacity === undefined ? '' : ` fill-opacity="${t.opacity}"`;
  return `<path d="${textPathData(t, face)}" fill="${t.fill}"${opacity}/>`;
}

/** The longest prefix of `text` that, with an ellipsis, fits `maxWidth` at `style`. */
export function ellipsize(text: string, style: TextStyle, maxWidth: number, face: Typeface = inter()): string {
  if (textWidth(text, style, face) <= maxWidth) return text;
  const chars = [...text.normalize('NFC')];
  let [lo, hi] = [0, chars.length];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${chars.slice(0, mid).join('').trimEnd()}${ELLIPSIS}`, style, face) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join('').trimEnd()}${ELLIPSIS}`;
}

export interface FittedLine {
  text: string;
  size: number;
  width: number;
}

/**
 * `text` on one line within `maxWidth`: at `style.size` when it fits, else at the largest size
 * down to `minSize` (whole px) that fits, else at `minSize` cut with an ellipsis.
 */
export function fitLine(text: string, style: TextStyle, maxWidth: number, minSize: number, face: Typeface = inter()): FittedLine {
  const at = (size: number) => ({ ...style, size });
  const natural = textWidth(text, style, face);
  if (natural <= maxWidth) return { text, size: style.size, width: natural };
  // Width grows linearly with size (kerning scales too), so the size that fits is a proportion.
  const size = Math.floor((style.size * maxWidth) / natural);
  if (size >= minSize) return { text, size, width: textWidth(text, at(size), face) };
  const cut = ellipsize(text, at(minSize), maxWidth, face);
  return { text: cut, size: minSize, width: textWidth(cut, at(minSize), face) };
}

/**
 * `text` on at most `maxLines` lines within `maxWidth`: one line at the largest size down to
 * `minSize`; else broken at spaces into lines at the largest size that fits; the last line
 * ellipsized when even that fails.
 */
export function fitLines(
  text: string,
  style: TextStyle,
  maxWidth: number,
  minSize: number,
  maxLines: number,
  face: Typeface = inter(),
): { lines: string[]; size: number } {
  const one = fitLine(text, style, maxWidth, minSize, face);
  if (one.text === text || maxLines <= 1) return { lines: [one.text], size: one.size };
  for (let size = style.size; size >= minSize; size -= 2) {
    const lines = breakLines(text, { ...style, size }, maxWidth, face);
    if (lines.length <= maxLines && lines.every((l) => textWidth(l, { ...style, size }, face) <= maxWidth)) return { lines, size };
  }
  const lines = breakLines(text, { ...style, size: minSize }, maxWidth, face);
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = ellipsize(lines.slice(maxLines - 1).join(' '), { ...style, size: minSize }, maxWidth, face);
  return { lines: kept.map((l) => ellipsize(l, { ...style, size: minSize }, maxWidth, face)), size: minSize };
}

/** Greedy line breaking at spaces; a word longer than the line stays whole on its own line. */
function breakLines(text: string, style: TextStyle, maxWidth: number, face: Typeface): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && textWidth(`${last} ${word}`, style, face) <= maxWidth) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}
