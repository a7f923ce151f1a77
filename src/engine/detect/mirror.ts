/**
 * Mirror-symmetric recognition. Detection and alignment are not exactly mirror-equivariant
 * (anchors, rounding, the mesh), so a mirrored selfie yields a slightly different crop and, in
 * a gallery of 1,700 close neighbours, sometimes a different answer. Detecting in the photo and
 * in its mirror image and averaging the two crops' embeddings makes the answer the same for a
 * photo and its mirror by construction: the mirror's pair is the same two crops. Pure helpers.
 */
import type { Box } from '../../base/box.js';
import type { DecodedImage } from '../image/decode.js';
import { mirrorRgb } from '../image/face-pixels.js';
import { overlap } from './tiles.js';

/** The image flipped left-right (a copy). */
export const mirrorImage = (image: DecodedImage): DecodedImage => ({ ...image, data: mirrorRgb(image.data, image.width, image.height) });

/** A box of the mirrored photo in the photo's coordinates. */
export function unmirrorBox(box: Box, photoWidth: number): Box {
  const [x, y, w, h] = box;
  return [photoWidth - x - w, y, w, h];
}

/**
 * For each face of the photo, the index of the same face among the mirror's faces (boxes
 * already brought back with `unmirrorBox`), or -1. Greedy by overlap, each mirror face used once.
 */
export function pairMirrorFaces(faces: readonly Box[], mirrored: readonly Box[], minOverlap = 0.5): number[] {
  const used = new Set<number>();
  return faces.map((box) => {
    let best = -1;
    let bestOverlap = minOverlap;
    mirrored.forEach((other, j) => {
      const o = overlap(box, other);
      if (!used.has(j) && o >= bestOverlap) {
        best = j;
        bestOverlap = o;
      }
    });
    if (best >= 0) used.add(best);
    return best;
  });
}
