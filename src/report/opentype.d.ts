/**
 * The part of opentype.js (2.x, which ships no types) that the pictures use: parse a font,
 * find glyphs, read advance widths and kerning, turn a glyph into SVG path data.
 */
declare module 'opentype.js' {
  export type PathCommand =
    | { type: 'M' | 'L'; x: number; y: number }
    | { type: 'Q'; x1: number; y1: number; x: number; y: number }
    | { type: 'C'; x1: number; y1: number; x2: number; y2: number; x: number; y: number }
    | { type: 'Z' };

  export interface Path {
    commands: PathCommand[];
  }

  export interface Glyph {
    readonly index: number;
    /** In font units. */
    readonly advanceWidth?: number;
    /** The glyph's outline with its origin (baseline, left) at x, y, scaled to `fontSize` px per em. */
    getPath(x: number, y: number, fontSize: number): Path;
  }

  export interface Font {
    readonly unitsPerEm: number;
    readonly ascender: number;
    readonly descender: number;
    /** 0 (.notdef) when the font has no glyph for the character. */
    charToGlyphIndex(char: string): number;
    charToGlyph(char: string): Glyph;
    /** Pair kerning in font units (kern table or GPOS). */
    getKerningValue(left: Glyph, right: Glyph): number;
  }

  export function parse(buffer: ArrayBuffer): Font;

  const opentype: { parse: typeof parse };
  export default opentype;
}
