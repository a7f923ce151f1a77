/** Small reference pictures of a face for replies (160-192 px, a few KB). */
import sharp from 'sharp';
import type { Box } from '../../base/box.js';

export const THUMBNAIL_SIZE = 160;
/** JPEG quality (mozjpeg): at 80 a 192 px face shows no blocking and costs about 6 KB. */
export const THUMBNAIL_QUALITY = 80;

/** Square crop around `box` with a margin, from the upright image, as JPEG. */
export async function faceThumbnail(input: string | Uint8Array, box: Box, size = THUMBNAIL_SIZE, quality = THUMBNAIL_QUALITY): Promise<Uint8Array> {
  // Decode upright first, so the box (in upright coordinates) applies directly.
  const { data, info } = await sharp(input).autoOrient().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const [x, y, w, h] = box;
  const side = Math.round(Math.max(w, h) * 1.4);
  const cx = x + w / 2;
  const cy = y + h / 2;
  const left = Math.max(0, Math.round(cx - side / 2));
  const top = Math.max(0, Math.round(cy - side / 2));
  const width = Math.min(side, info.width - left);
  const height = Math.min(side, info.height - top);
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .extract({ left, top, width, height })
    .resize(size, size, { fit: 'cover' })
    .jpeg({ quality, mozjpeg: true })
    .toBuffer();
}
