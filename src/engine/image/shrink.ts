/**
 * Photos with less detail, same size: shrunk and scaled back up, as a thumbnail or a face far
 * from the camera looks once it is enlarged. The robustness evaluation measures answers on
 * such photos; gallery and index builds embed them as small-face twins (extract/twins.ts).
 * In memory only.
 */
import sharp from 'sharp';

/** Width and height as displayed: EXIF orientations 5 to 8 turn the picture a quarter. Reads the header only. */
async function orientedSize(photo: Uint8Array): Promise<{ width: number; height: number }> {
  const { width = 0, height = 0, orientation = 1 } = await sharp(photo).metadata();
  return orientation >= 5 ? { width: height, height: width } : { width, height };
}

/** Down to `side` px on the long side and back to the photo's size (EXIF orientation applied), as JPEG. */
export async function shrinkAndRestore(photo: Uint8Array, side: number, size?: { width: number; height: number }): Promise<Uint8Array> {
  const { width, height } = size ?? (await orientedSize(photo));
  const small = await sharp(photo).rotate().resize(side, side, { fit: 'inside' }).png().toBuffer();
  return sharp(small).resize(width, height, { fit: 'fill' }).jpeg({ quality: 92 }).toBuffer();
}

/**
 * Pure: the long side to shrink a photo to so that a face of `faceSizePx` becomes `targetPx`;
 * null when the face is already that small (the photo is kept as it is).
 */
export function shrinkSideForFace(longSide: number, faceSizePx: number, targetPx: number): number | null {
  if (!(faceSizePx > targetPx)) return null;
  return Math.max(1, Math.round((longSide * targetPx) / faceSizePx));
}

/** The photo shrunk until a face of `faceSizePx` (a box's shorter side) is `targetPx`, and back; re-encoded as it is when the face is already that small. */
export async function shrinkFace(photo: Uint8Array, faceSizePx: number, targetPx: number): Promise<Uint8Array> {
  const size = await orientedSize(photo);
  const side = shrinkSideForFace(Math.max(size.width, size.height), faceSizePx, targetPx);
  return side === null ? sharp(photo).rotate().jpeg({ quality: 92 }).toBuffer() : shrinkAndRestore(photo, side, size);
}
