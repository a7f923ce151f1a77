/** The square of a photo that shows a detected face on a card. Pure. */
import type { Box } from '../../base/box.js';

export interface Square {
  left: number;
  top: number;
  size: number;
}

/**
 * The face box widened by `margin` (hair, ears and chin, as a portrait shows them), centred a
 * little above the box's centre (detector boxes sit low on the forehead), moved, then shrunk,
 * to stay inside a `width` x `height` photo. Whole pixels.
 */
export function faceSquare(box: Box, width: number, height: number, margin = 1.25): Square {
  const [x, y, w, h] = box;
  const size = Math.max(1, Math.floor(Math.min(Math.max(w, h) * margin, width, height)));
  const cx = x + w / 2;
  const cy = y + h / 2 - 0.05 * h;
  const clamp = (v: number, max: number) => Math.round(Math.min(Math.max(v, 0), max));
  return { left: clamp(cx - size / 2, width - size), top: clamp(cy - size / 2, height - size), size };
}
