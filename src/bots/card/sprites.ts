/**
 * Everything drawn over a card's photo and faces (text, lines, frames, boxes, badges, the masks
 * that round the faces' corners) as sprites: small pieces of SVG, each drawn by librsvg into
 * its own rectangle and kept, so the next card reuses them. Text is drawn glyph by glyph, each
 * glyph kept whatever its place, so a new name is mostly made of glyphs already drawn; shapes
 * are kept where they are, since the layouts put them at the same places card after card. A
 * card's new sprites are drawn together, packed into one picture: librsvg costs about 1 ms a
 * call and about 1 ms a name, and a full-card picture would cost its area too.
 */
import sharp from 'sharp';
import { textGlyphs, type Bounds, type DrawnText } from '../../report/text-paths.js';
import { LruCache } from './lru.js';
import type { RawImage } from './pixels.js';

export interface Sprite {
  /** Equal keys draw equal pixels. */
  key: string;
  /** Where its rectangle goes on the card, whole px. */
  left: number;
  top: number;
  width: number;
  height: number;
  /** SVG elements drawing it, in its rectangle's coordinates (0, 0 at its top-left corner). */
  svg(): string;
  /** False for what no other card will show (a box around a face of this photo): drawn, not cached. */
  keep?: boolean;
}

/** Drawn sprites kept, by key: a glyph costs 2-8 kB (some 1,500 make up the cards' usual texts), a 472 px frame or mask 0.9 MB. */
const SPRITE_CACHE_BYTES = 16 * 1024 * 1024;
const cache = new LruCache<RawImage>(SPRITE_CACHE_BYTES, (image) => image.data.length);

/** The whole px rectangle around `bounds`, with `margin` px to spare on every side for antialiasing. */
function around(bounds: Bounds, margin = 1): { left: number; top: number; width: number; height: number } {
  const left = Math.floor(bounds.x1) - margin;
  const top = Math.floor(bounds.y1) - margin;
  return { left, top, width: Math.ceil(bounds.x2) + margin - left, height: Math.ceil(bounds.y2) + margin - top };
}

/**
 * SVG elements in card coordinates that fit in `bounds` (strokes included); `margin` 0 for a
 * sprite of exactly whole `bounds`; `keep` false for a shape no other card will show.
 */
export function shapeSprite(bounds: Bounds, svg: string, { margin = 1, keep = true }: { margin?: number; keep?: boolean } = {}): Sprite {
  const at = around(bounds, margin);
  return {
    key: `shape ${at.left},${at.top} ${at.width}x${at.height} ${svg}`,
    ...at,
    svg: () => `<g transform="translate(${-at.left} ${-at.top})">${svg}</g>`,
    keep,
  };
}

/** Glyphs are placed to a quarter of a pixel: four drawings of each glyph serve every place. */
const GLYPH_STEP = 4;

/**
 * `t` as one sprite per glyph, so that any other text reuses the glyphs drawn for this one:
 * each glyph is drawn once per size, colour and quarter-pixel position, inside a rectangle whose
 * corner is a whole pixel (a glyph lands within an eighth of a pixel of where the text's path
 * would put it). Glyphs without ink (spaces) make no sprite.
 */
export function textSprites(t: DrawnText): Sprite[] {
  const fill = `fill="${t.fill}"${t.opacity === undefined ? '' : ` fill-opacity="${t.opacity}"`}`;
  return textGlyphs(t)
    .filter((g) => g.box.x1 <= g.box.x2)
    .map((g) => {
      const [x, y] = [g.x, t.y].map((v) => Math.round(v * GLYPH_STEP) / GLYPH_STEP);
      const [x0, y0] = [Math.floor(x), Math.floor(y)];
      const [fx, fy] = [x - x0, y - y0];
      const at = around({ x1: fx + g.box.x1, y1: fy + g.box.y1, x2: fx + g.box.x2, y2: fy + g.box.y2 });
      return {
        key: `glyph ${g.id} ${t.size} ${fill} ${fx} ${fy}`,
        left: x0 + at.left,
        top: y0 + at.top,
        width: at.width,
        height: at.height,
        svg: () => `<path d="${g.pathData(fx - at.left, fy - at.top)}" ${fill}/>`,
      };
    });
}

const keyOf = (s: Sprite) => `${s.width}x${s.height} ${s.key}`;

/** Where each sprite goes in the packed picture: in rows of sprites, tallest first, as wide as the widest sprite or `minWidth`. */
function pack(sprites: readonly Sprite[], minWidth = 1024): { width: number; height: number; at: { x: number; y: number }[] } {
  const width = Math.max(minWidth, ...sprites.map((s) => s.width));
  const order = sprites.map((_, i) => i).sort((a, b) => sprites[b].height - sprites[a].height);
  const at = new Array<{ x: number; y: number }>(sprites.length);
  let [x, y, rowHeight] = [0, 0, 0];
  for (const i of order) {
    const s = sprites[i];
    if (x + s.width > width) [x, y, rowHeight] = [0, y + rowHeight, 0];
    at[i] = { x, y };
    x += s.width;
    rowHeight = Math.max(rowHeight, s.height);
  }
  return { width, height: y + rowHeight, at };
}

/** Draws `sprites` (distinct keys) in one librsvg call and cuts the picture into one RGBA image each. */
async function draw(sprites: readonly Sprite[]): Promise<RawImage[]> {
  const packed = pack(sprites);
  // A nested <svg> clips to its own rectangle: a sprite never spills onto its neighbour.
  const parts = sprites.map((s, i) => `<svg x="${packed.at[i].x}" y="${packed.at[i].y}" width="${s.width}" height="${s.height}">${s.svg()}</svg>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${packed.width}" height="${packed.height}">${parts.join('')}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 4 || info.width !== packed.width) throw new Error(`sprites: librsvg gave ${info.width}x${info.height}x${info.channels}`);
  return sprites.map((s, i) => {
    const out = Buffer.allocUnsafe(s.width * s.height * 4);
    for (let y = 0; y < s.height; y++) {
      const from = ((packed.at[i].y + y) * packed.width + packed.at[i].x) * 4;
      data.copy(out, y * s.width * 4, from, from + s.width * 4);
    }
    return { data: out, width: s.width, height: s.height, channels: 4 };
  });
}

/** Each sprite's pixels (RGBA), from the cache or drawn now, all new ones in one call. */
export async function rasterize(sprites: readonly Sprite[]): Promise<RawImage[]> {
  const found = sprites.map((s) => cache.get(keyOf(s)));
  const missing = new Map<string, Sprite>();
  sprites.forEach((s, i) => {
    if (!found[i]) missing.set(keyOf(s), s);
  });
  if (missing.size > 0) {
    const drawn = await draw([...missing.values()]);
    const byKey = new Map([...missing.keys()].map((k, i) => [k, drawn[i]]));
    for (const [k, image] of byKey) if (missing.get(k)!.keep !== false) cache.set(k, image);
    sprites.forEach((s, i) => (found[i] ??= byKey.get(keyOf(s))));
  }
  return found as RawImage[];
}
