/**
 * Where everything goes on a one-face look-alike card: the person's own face beside the best
 * match at equal size, names and scores under each, the runners-up smaller in rows below.
 * Pure: names in, rectangles and fitted text out; render.ts fills the rectangles with pixels.
 */
import { fitLine, fitLines, type DrawnText } from '../../report/text-paths.js';
import { CARD_WIDTH, COLOURS, MIN_TEXT_PX, PAD, TYPE } from './style.js';

/** Someone on the card: a name and the score shown under it ("51% similar"). */
export interface CardPerson {
  name: string;
  score: string;
}

/** A square to fill with a face: the sender's own (`you`) or a celebrity's reference face. */
export interface FaceSlot {
  /** `you`: the sender's face; `match`: `people[index]`'s reference face. */
  kind: 'you' | 'match';
  index: number;
  x: number;
  y: number;
  size: number;
  radius: number;
}

export interface CardLayout {
  width: number;
  height: number;
  slots: FaceSlot[];
  texts: DrawnText[];
  /** Thin lines between sections: [x1, y, x2]. */
  rules: [number, number, number][];
}

const GAP = 40;
const BIG = (CARD_WIDTH - 2 * PAD - GAP) / 2;
const SMALL = 150;
const lineHeight = (size: number) => Math.round(size * 1.22);

/** The card for `people` (best first): the best beside the sender's face, the others as rows. */
export function lookalikeCardLayout(people: readonly CardPerson[]): CardLayout {
  const [best, ...rest] = people;
  const texts: DrawnText[] = [];
  const slots: FaceSlot[] = [];
  texts.push({ text: 'Your celebrity look-alike', x: PAD, y: PAD + 40, ...TYPE.title, fill: COLOURS.text });
  const top = PAD + 82;
  const right = PAD + BIG + GAP;
  slots.push({ kind: 'you', index: -1, x: PAD, y: top, size: BIG, radius: 28 }, { kind: 'match', index: 0, x: right, y: top, size: BIG, radius: 28 });

  // Names: "You" on the left; the match's name on up to two lines, as large as fits.
  let y = top + BIG + 24;
  const name = fitLines(best.name, TYPE.bigName, BIG, MIN_TEXT_PX, 2);
  y += name.size;
  texts.push({ text: 'You', x: PAD, y, ...TYPE.bigName, fill: COLOURS.text });
  name.lines.forEach((line, i) => texts.push({ text: line, x: right, y: y + i * lineHeight(name.size), ...TYPE.bigName, size: name.size, fill: COLOURS.text }));
  y += (name.lines.length - 1) * lineHeight(name.size) + lineHeight(TYPE.bigScore.size) + 4;
  texts.push({ text: 'your photo', x: PAD, y, ...TYPE.label, fill: COLOURS.muted });
  texts.push({ text: best.score, x: right, y, ...TYPE.bigScore, fill: COLOURS.accent });

  const rules: CardLayout['rules'] = [];
  if (rest.length > 0) {
    y += 40;
    rules.push([PAD, y, CARD_WIDTH - PAD]);
    y += 24 + TYPE.label.size;
    texts.push({ text: rest.length === 1 ? 'Also looks like' : 'Runners-up', x: PAD, y, ...TYPE.label, fill: COLOURS.muted });
    y += 20;
    rest.forEach((person, i) => {
      slots.push({ kind: 'match', index: i + 1, x: PAD, y, size: SMALL, radius: 20 });
      const textX = PAD + SMALL + 32;
      const fitted = fitLine(person.name, TYPE.name, CARD_WIDTH - PAD - textX, MIN_TEXT_PX);
      const nameY = y + SMALL / 2 - 8;
      texts.push({ text: fitted.text, x: textX, y: nameY, ...TYPE.name, size: fitted.size, fill: COLOURS.text });
      texts.push({ text: person.score, x: textX, y: nameY + lineHeight(TYPE.score.size) + 4, ...TYPE.score, fill: COLOURS.accent });
      y += SMALL + 24;
    });
    y -= 24;
  }
  return { width: CARD_WIDTH, height: Math.round(y + PAD), slots, texts, rules };
}
