/** What the bot says about a photo: the best match, the runners-up, one line per face. */
import type { FaceAnswer, Match } from '../../../engine/lookalike.js';
import { bold, lines, type RichText } from '../text.js';

/** 0.87 -> "87%"; tiny values never read as 0% and near-certain ones never as a flat 100%. */
export function percent(p: number): string {
  if (!(p >= 0.005)) return '<1%';
  const rounded = Math.round(p * 100);
  return rounded >= 100 && p < 1 ? '>99%' : `${rounded}%`;
}

/** "**Tom Hanks** (87%). Also: Will Smith 6%, Brad Pitt 3%" */
export function matchLine(matches: readonly Match[]): RichText {
  const [best, ...rest] = matches;
  const also = rest.length ? `. Also: ${rest.map((m) => `${m.name} ${percent(m.confidence)}`).join(', ')}` : '';
  return [bold(best.name), ` (${percent(best.confidence)})${also}`];
}

export function singleFaceText(face: FaceAnswer): RichText {
  return ['You look most like ', ...matchLine(face.matches)];
}

/** Several faces: one numbered line per face, largest first, matching the numbers drawn on the picture. */
export function manyFacesText(faces: readonly FaceAnswer[], detected: number): RichText {
  const intro = detected > faces.length
    ? `I see ${detected} faces; here are the ${faces.length} largest, numbered on the picture:`
    : `I see ${faces.length} faces, numbered on the picture:`;
  return lines([intro], ...faces.map((face, i): RichText => [`${i + 1}. `, ...matchLine(face.matches)]));
}

export const QUEUED = (position: number): RichText => [`I'm busy with other photos right now: you are number ${position} in line. Your answer will follow.`];
