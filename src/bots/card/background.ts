/**
 * The card's background: a linear gradient from COLOURS.backgroundTop at the top-left corner
 * towards COLOURS.backgroundBottom, along (0.35, 1) of the card's width and height, as SVG's
 * objectBoundingBox gradient with x2 0.35, y2 1 draws it (the cards used to have librsvg draw
 * exactly that; this matches it within one level). Computed here because librsvg took about
 * 20 ms of CPU to fill a card with it. Pure.
 */
import type { RawImage } from './pixels.js';
import { COLOURS } from './style.js';

/** The gradient's direction in fractions of the card's width and height (SVG x2, y2 with x1 = y1 = 0). */
const DIRECTION = { x: 0.35, y: 1 } as const;

const rgb = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

/**
 * `width` x `height` of the gradient, as RGB, in `into` (at least width x height x 3 bytes) or
 * a new buffer. Along a row the gradient's position grows by the same step from pixel to pixel,
 * so every row is a stretch of one strip of colours sampled at that step, starting where the
 * row's first pixel falls (within half a step of it).
 */
export function background(width: number, height: number, into?: Buffer): RawImage {
  const top = rgb(COLOURS.backgroundTop);
  const bottom = rgb(COLOURS.backgroundBottom);
  const norm = DIRECTION.x ** 2 + DIRECTION.y ** 2;
  // Position along the gradient (0 at its start, 1 at its end) of pixel centre (x, y) is (DIRECTION . (u, v)) / norm, u and v in fractions of the card.
  const step = DIRECTION.x / width / norm;
  const rowStart = (y: number) => (DIRECTION.x * (0.5 / width) + DIRECTION.y * ((y + 0.5) / height)) / norm;
  const firstOfRow = (y: number) => Math.round(rowStart(y) / step);
  const strip = Buffer.alloc((firstOfRow(height - 1) + width) * 3);
  for (let k = 0; k < strip.length / 3; k++) {
    const t = Math.min(1, k * step);
    for (let c = 0; c < 3; c++) strip[k * 3 + c] = Math.round(top[c] + (bottom[c] - top[c]) * t);
  }
  if (into && into.length < width * height * 3) throw new Error(`background: ${into.length} bytes for ${width}x${height}`);
  const data = into ? into.subarray(0, width * height * 3) : Buffer.allocUnsafe(width * height * 3);
  for (let y = 0; y < height; y++) strip.copy(data, y * width * 3, firstOfRow(y) * 3, (firstOfRow(y) + width) * 3);
  return { data, width, height, channels: 3 };
}
