/**
 * The top matches' reference thumbnails side by side, best on the left: one small JPEG to
 * send with a one-face answer. Compute only (bytes in, bytes out); thumbnails.ts finds the bytes.
 */
import sharp from 'sharp';

/** Tallest a thumbnail is drawn in the strip. */
export const STRIP_HEIGHT = 96;
/** White space between two thumbnails. */
export const STRIP_GAP = 6;

const WHITE = { r: 255, g: 255, b: 255 };

/**
 * Each thumbnail scaled to at most STRIP_HEIGHT px tall (never enlarged), vertically centred,
 * STRIP_GAP px apart, in the order given. A thumbnail that does not decode is left out (a
 * broken reference file must not cost the user the answer); null when none does.
 */
export async function thumbnailStrip(thumbnails: readonly Uint8Array[]): Promise<Buffer | null> {
  const decoded = await Promise.all(
    thumbnails.map((bytes) =>
      sharp(bytes)
        .rotate()
        .resize({ height: STRIP_HEIGHT, withoutEnlargement: true })
        .flatten({ background: WHITE })
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true })
        .catch(() => null),
    ),
  );
  const tiles = decoded.filter((tile) => tile !== null);
  if (tiles.length === 0) return null;
  const height = Math.max(...tiles.map((t) => t.info.height));
  const width = tiles.reduce((sum, t) => sum + t.info.width, 0) + STRIP_GAP * (tiles.length - 1);
  let left = 0;
  const layers = tiles.map((t) => {
    const layer = {
      input: t.data,
      raw: { width: t.info.width, height: t.info.height, channels: t.info.channels },
      left,
      top: Math.floor((height - t.info.height) / 2),
    };
    left += t.info.width + STRIP_GAP;
    return layer;
  });
  return sharp({ create: { width, height, channels: 3, background: WHITE } })
    .composite(layers)
    .jpeg({ quality: 85 })
    .toBuffer();
}
