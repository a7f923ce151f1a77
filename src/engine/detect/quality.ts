/**
 * How good a face's pixels are, measured on the aligned crop: an answer is still given for a
 * tiny, blurry or dark face, but the user is told it may be off. The thresholds come from the
 * 17-celebrity test split (see QUALITY_THRESHOLDS), not from guesses.
 */
import * as tf from '@tensorflow/tfjs';
import type { Box } from '../../base/box.js';

export interface FaceQuality {
  /** The face box's shorter side, in pixels of the photo as sent. */
  sizePx: number;
  /** Variance of the Laplacian of the grey crop at 112 px (0..255 scale): low means blurry. */
  sharpness: number;
  /** Mean brightness of the face's centre, 0..1. */
  brightness: number;
}

export type QualityWarning = 'small' | 'blurry' | 'dark';

/**
 * Below these a face gets a warning, set from `celeb eval robustness` on the 17-celebrity test
 * split (257 photos; README, "Hard photos"). Warn only where answers were measured to go wrong:
 * - sharpness 20: clean photos' 2nd percentile is 287 and blur sigma 2 (still 99% right) has a
 *   median of 139; faces shrunk to 32 px and back (97% right) have a median of 38, faces shrunk
 *   to 24 px (81% right) a median of 20, so about half of those are warned;
 * - size 40 px: clean photos' 2nd percentile is 90 px; faces on a far canvas (50% right) have a median of 45 px;
 * - brightness 0.12: a room at x0.4 brightness was still 99% right with a median of 0.22 and a
 *   2nd percentile of 0.12, so only darker than that is called dark.
 */
export const QUALITY_THRESHOLDS = { sizePx: 40, sharpness: 20, brightness: 0.12 } as const;

const SIDE = 112;

/** Measures one aligned crop ([1, h, w, 3], 0..1). */
export function measureQuality(crop: tf.Tensor4D, box: Box): FaceQuality {
  const [sharpness, brightness] = tf.tidy(() => {
    const grey = tf.mul<tf.Tensor4D>(tf.mean(tf.image.resizeBilinear(crop, [SIDE, SIDE]), 3, true), 255);
    const laplacian = tf.conv2d(grey, tf.tensor4d([0, 1, 0, 1, -4, 1, 0, 1, 0], [3, 3, 1, 1]), 1, 'valid');
    const centre = tf.slice(grey, [0, SIDE / 4, SIDE / 4, 0], [1, SIDE / 2, SIDE / 2, 1]);
    return [tf.moments(laplacian).variance.dataSync()[0], tf.mean(centre).dataSync()[0] / 255];
  });
  return { sizePx: Math.min(box[2], box[3]), sharpness, brightness };
}

/** Pure: the warnings a face's measurements call for, worst first. */
export function qualityWarnings(q: FaceQuality, t: { sizePx: number; sharpness: number; brightness: number } = QUALITY_THRESHOLDS): QualityWarning[] {
  const out: QualityWarning[] = [];
  if (q.brightness < t.brightness) out.push('dark');
  if (q.sharpness < t.sharpness) out.push('blurry');
  if (q.sizePx < t.sizePx) out.push('small');
  return out;
}
