/**
 * A card's pixels in memory, and the few ways pieces are laid on it: pasted (the group photo),
 * through a mask (a face cut to its rounded square) or blended by their alpha (text and lines).
 * libvips can composite too, but it works in floating point over the whole card for every
 * layer; here each piece costs only its own pixels. Pure.
 */

/** Raw pixels, row after row: RGB (3 channels) or RGBA with straight (not premultiplied) alpha (4). */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** The part of a `width` x `height` piece at (left, top) that falls on `canvas`, in the piece's coordinates. */
function clip(canvas: RawImage, left: number, top: number, width: number, height: number) {
  const x0 = Math.max(0, -left);
  const y0 = Math.max(0, -top);
  const x1 = Math.min(width, canvas.width - left);
  const y1 = Math.min(height, canvas.height - top);
  return { x0, y0, x1, y1 };
}

/** a over b with coverage `alpha` (0-255), rounded. */
const mix = (a: number, b: number, alpha: number) => ((a * alpha + b * (255 - alpha)) * 257 + 32896) >>> 16;

/** Copies the RGB `image` onto the RGB `canvas` with its top-left corner at (left, top). */
export function paste(canvas: RawImage, image: RawImage, left: number, top: number): void {
  if (canvas.channels !== 3 || image.channels !== 3) throw new Error('paste: RGB onto RGB');
  const { x0, y0, x1, y1 } = clip(canvas, left, top, image.width, image.height);
  if (x1 <= x0) return;
  for (let y = y0; y < y1; y++) {
    const from = (y * image.width + x0) * 3;
    image.data.copy(canvas.data, ((top + y) * canvas.width + left + x0) * 3, from, from + (x1 - x0) * 3);
  }
}

/** Lays the RGB `image` on the RGB `canvas` at (left, top), showing it where the RGBA `mask` (same size) is opaque. */
export function pasteThrough(canvas: RawImage, image: RawImage, mask: RawImage, left: number, top: number): void {
  if (canvas.channels !== 3 || image.channels !== 3 || mask.channels !== 4) throw new Error('pasteThrough: RGB through RGBA onto RGB');
  if (mask.width !== image.width || mask.height !== image.height) throw new Error('pasteThrough: the mask and the image differ in size');
  const { x0, y0, x1, y1 } = clip(canvas, left, top, image.width, image.height);
  const src = image.data;
  const dst = canvas.data;
  for (let y = y0; y < y1; y++) {
    const rowIn = y * image.width;
    const rowOut = (top + y) * canvas.width + left;
    for (let x = x0; x < x1; x++) {
      const alpha = mask.data[(rowIn + x) * 4 + 3];
      if (alpha === 255) {
        // An opaque run (most of a rounded square's row): copied in one go.
        let end = x + 1;
        while (end < x1 && mask.data[(rowIn + end) * 4 + 3] === 255) end++;
        src.copy(dst, (rowOut + x) * 3, (rowIn + x) * 3, (rowIn + end) * 3);
        x = end - 1;
      } else if (alpha !== 0) {
        const p = (rowIn + x) * 3;
        const q = (rowOut + x) * 3;
        dst[q] = mix(src[p], dst[q], alpha);
        dst[q + 1] = mix(src[p + 1], dst[q + 1], alpha);
        dst[q + 2] = mix(src[p + 2], dst[q + 2], alpha);
      }
    }
  }
}

/** Blends the RGBA `tile` over the RGB `canvas` at (left, top). */
export function blend(canvas: RawImage, tile: RawImage, left: number, top: number): void {
  if (canvas.channels !== 3 || tile.channels !== 4) throw new Error('blend: RGBA over RGB');
  const { x0, y0, x1, y1 } = clip(canvas, left, top, tile.width, tile.height);
  const src = tile.data;
  const dst = canvas.data;
  for (let y = y0; y < y1; y++) {
    for (let x = x0, p = (y * tile.width + x0) * 4, q = ((top + y) * canvas.width + left + x0) * 3; x < x1; x++, p += 4, q += 3) {
      const alpha = src[p + 3];
      if (alpha === 0) continue;
      dst[q] = mix(src[p], dst[q], alpha);
      dst[q + 1] = mix(src[p + 1], dst[q + 1], alpha);
      dst[q + 2] = mix(src[p + 2], dst[q + 2], alpha);
    }
  }
}
