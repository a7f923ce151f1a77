/** What the bot says about a photo: the best match, the runners-up, one line per face. */
import type { QualityWarning } from '../../../engine/detect/quality.js';
import type { FaceAnswer, Match } from '../../../engine/lookalike.js';
import { bold, lines, type RichText } from '../text.js';

/** 0.87 -> "87%"; tiny values never read as 0% and near-certain ones never as a flat 100%. */
export function percent(p: number): string {
  if (!(p >= 0.005)) return '<1%';
  const rounded = Math.round(p * 100);
  return rounded >= 100 && p < 1 ? '>99%' : `${rounded}%`;
}

/**
 * With similarity (gallery models): "**Tom Hanks** (83% similar), then Will Smith (71%), Brad Pitt (70%)".
 * Without: the softmax confidence, "**Tom Hanks** (87%). Also: Will Smith 6%, Brad Pitt 3%".
 */
export function matchLine(matches: readonly Match[]): RichText {
  const [best, ...rest] = matches;
  if (best.similarity !== undefined) return similarityLine(best, rest);
  const also = rest.length ? `. Also: ${rest.map((m) => `${m.name} ${percent(m.confidence)}`).join(', ')}` : '';
  return [bold(best.name), ` (${percent(best.confidence)})${also}`];
}

/** Similarity reads the same for any gallery size, so it is what a gallery's answer shows (see engine/model/similarity.ts). */
function similarityLine(best: Match, rest: readonly Match[]): RichText {
  const similar = (m: Match) => percent(m.similarity ?? 0);
  const then = rest.length ? `, then ${rest.map((m) => `${m.name} (${similar(m)})`).join(', ')}` : '';
  return [bold(best.name), ` (${similar(best)} similar)${then}`];
}

const WARNING_PHRASES: Record<QualityWarning, string> = { dark: 'the photo is quite dark', blurry: 'the face is blurry', small: 'the face is very small' };

/** "Note: the photo is quite dark and the face is blurry, so the answer may be off." (empty without warnings) */
export function caveat(warnings: readonly QualityWarning[]): string {
  if (warnings.length === 0) return '';
  const phrases = warnings.map((w) => WARNING_PHRASES[w]);
  const joined = phrases.length === 1 ? phrases[0] : `${phrases.slice(0, -1).join(', ')} and ${phrases.at(-1)}`;
  return `Note: ${joined}, so the answer may be off.`;
}

export function singleFaceText(face: FaceAnswer): RichText {
  const note = caveat(face.warnings);
  return note ? lines(['You look most like ', ...matchLine(face.matches)], [note]) : ['You look most like ', ...matchLine(face.matches)];
}

/** An answered face of a group photo and the number it has on the picture. */
export interface NumberedFaceAnswer {
  number: number;
  answer: FaceAnswer;
}

/**
 * Several faces: how many were found and answered, then one line per answered face, in the
 * order given (reading order), each with the number drawn on the picture.
 */
export function manyFacesText(faces: readonly NumberedFaceAnswer[], detected: number): RichText {
  const intro =
    detected > faces.length
      ? `I see ${detected} faces; here are the ${faces.length} largest, numbered on the picture:`
      : `I see ${faces.length} faces, numbered on the picture:`;
  return lines(
    [intro],
    ...faces.map(({ number, answer }): RichText => {
      const note = answer.warnings.length ? ` (${answer.warnings.map((w) => WARNING_PHRASES[w].replace(/^the (photo|face) is /, '')).join(', ')})` : '';
      return [`${number}. `, ...matchLine(answer.matches), note];
    }),
  );
}

export const QUEUED = (position: number): RichText => [`I'm busy with other photos right now: you are number ${position} in line. Your answer will follow.`];

/** Photos go to recognition workers on other machines, and none has taken this one yet. */
export const NO_WORKER: RichText = ['Recognition is busy right now: no worker is free. Your photo is in line and the answer will follow.'];
