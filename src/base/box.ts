/**
 * Where a face is: the one box type of the project. A leaf module (no imports) so the store,
 * which records boxes in the feature cache, can use it without pulling in detection code.
 */

/** [x, y, width, height] in pixels of the original (EXIF-rotated) image. */
export type Box = [x: number, y: number, w: number, h: number];
