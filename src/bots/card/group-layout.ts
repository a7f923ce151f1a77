/**
 * Where everything goes on a group card: the photo with every face boxed and numbered, how
 * many faces were found and answered, then one row per answered face: its number, the face,
 * the match's reference face, the name and score. Pure.
 */
import type { Box } from '../../base/box.js';
import { fitLine, type DrawnText } from '../../report/text-paths.js';
import type { CardPerson, FaceSlot } from './layout.js';
import { BOX_COLOURS, CARD_WIDTH, COLOURS, MIN_TEXT_PX, PAD, TYPE } from './style.js';

/** A face of the photo with its number in reading order; `person` when it was answered. */
export interface NumberedFace {
  number: number;
  box: Box;
  person?: CardPerson;
}

export interface Badge {
  number: number;
  x: number;
  y: number;
  radius: number;
  colour: string;
}

export interface GroupCardLayout {
  width: number;
  height: number;
  /** Where the photo goes and how much it is scaled from the engine's coordinates. */
  photo: { x: number; y: number; width: number; height: number; scale: number };
  /** Row by row: `you` is the row's face cut from the photo, `match` its match's reference face; `index` is the row. */
  slots: FaceSlot[];
  texts: DrawnText[];
  badges: Badge[];
  rules: [number, number, number][];
}

const ROW = 150;
const PHOTO_MAX = CARD_WIDTH - 2 * PAD;

export const boxColour = (face: NumberedFace): string => (face.person ? BOX_COLOURS[(face.number - 1) % BOX_COLOURS.length] : COLOURS.unanswered);

/** "4 faces found, all 4 answered" / "12 faces found, the 8 largest answered". */
export function foundAndAnswered(found: number, answered: number): string {
  return answered < found ? `${found} faces found, the ${answered} largest answered` : `${found} faces found, all ${answered} answered`;
}

/** `faces` in reading order (numbers 1..n); `photoSize` in the engine's coordinates (the upright photo). */
export function groupCardLayout(photoSize: { width: number; height: number }, faces: readonly NumberedFace[]): GroupCardLayout {
  const answered = faces.filter((f) => f.person);
  const texts: DrawnText[] = [
    { text: 'Celebrity look-alikes', x: PAD, y: PAD + 40, ...TYPE.title, fill: COLOURS.text },
    { text: foundAndAnswered(faces.length, answered.length), x: PAD, y: PAD + 40 + 56, ...TYPE.subtitle, fill: COLOURS.muted },
  ];
  const scale = Math.min(PHOTO_MAX / photoSize.width, PHOTO_MAX / photoSize.height);
  const photoWidth = Math.round(photoSize.width * scale);
  const photoHeight = Math.round(photoSize.height * scale);
  const photo = { x: Math.round((CARD_WIDTH - photoWidth) / 2), y: PAD + 130, width: photoWidth, height: photoHeight, scale };
  let y = photo.y + photoHeight + 40;
  const slots: FaceSlot[] = [];
  const badges: Badge[] = [];
  const rules: [number, number, number][] = [];
  answered.forEach((face, row) => {
    if (row > 0) rules.push([PAD, y - 12, CARD_WIDTH - PAD]);
    badges.push({ number: face.number, x: PAD + 28, y: y + ROW / 2, radius: 28, colour: boxColour(face) });
    slots.push(
      { kind: 'you', index: row, x: PAD + 72, y, size: ROW, radius: 18 },
      { kind: 'match', index: row, x: PAD + 72 + ROW + 14, y, size: ROW, radius: 18 },
    );
    const textX = PAD + 72 + 2 * ROW + 14 + 28;
    const fitted = fitLine(face.person!.name, TYPE.name, CARD_WIDTH - PAD - textX, MIN_TEXT_PX);
    texts.push({ text: fitted.text, x: textX, y: y + ROW / 2 - 8, ...TYPE.name, size: fitted.size, fill: COLOURS.text });
    texts.push({ text: face.person!.score, x: textX, y: y + ROW / 2 + 46, ...TYPE.score, fill: COLOURS.accent });
    y += ROW + 24;
  });
  return { width: CARD_WIDTH, height: Math.round(y - 24 + PAD), photo, slots, texts, badges, rules };
}
