/**
 * How good a face's pixels are, measured on the aligned crop: an answer is still given for a
 * tiny, blurry or dark face, but the user is told it may be off. The thresholds come from the
 * 17-celebrity test split (see QUALITY_THRESHOLDS), not from guesses. Pure: the measuring,
 * on tfjs, is in measure-quality.ts, so the answering side does not load tfjs.
 */

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

/** Pure: the warnings a face's measurements call for, worst first. */
export function qualityWarnings(q: FaceQuality, t: { sizePx: number; sharpness: number; brightness: number } = QUALITY_THRESHOLDS): QualityWarning[] {
  const out: QualityWarning[] = [];
  if (q.brightness < t.brightness) out.push('dark');
  if (q.sharpness < t.sharpness) out.push('blurry');
  if (q.sizePx < t.sizePx) out.push('small');
  return out;
}
