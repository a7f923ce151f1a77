/**
 * The two pictures a photo's answer sends: the look-alike card for one face, the group card
 * for several. Each is one JPEG made in memory from the sender's photo (their faces appear
 * only on the card sent back to the same chat) and the model's reference faces.
 */
import type { FaceAnswer, Match, Prediction } from '../../engine/lookalike.js';
import { readingOrder } from '../../engine/detect/reading-order.js';
import type { ModelWithThumbnails, Thumbnails } from '../core/thumbnails.js';
import { percent } from '../core/texts/recognition.js';
import { numberBadge, numberedBoxes } from './boxes.js';
import { groupCardLayout, type NumberedFace } from './group-layout.js';
import { lookalikeCardLayout, type CardPerson, type FaceSlot } from './layout.js';
import { composeCard, cutFace, cutFaceFromPhoto, decodePhoto, referenceFace, scaledPhoto, type CardStage, type SlotFace } from './render.js';
import type { RawImage } from './pixels.js';
import type { Sprite } from './sprites.js';
import { overlaySprites, placeholder } from './svg.js';

export interface CardSources {
  model: ModelWithThumbnails;
  thumbnails: Thumbnails;
  maxImagePixels: number;
  /** Hears each step of drawing a card end, in order (the card benchmark times them). */
  onStage?: (stage: CardStage) => void;
}

/** "51% similar" for galleries (a scale that reads the same for any size), "87% confidence" for softmax heads. */
export function scoreLabel(match: Match): string {
  return match.similarity !== undefined ? `${percent(match.similarity)} similar` : `${percent(match.confidence)} confidence`;
}

const personOf = (match: Match): CardPerson => ({ name: match.name, score: scoreLabel(match) });

/** Pixels for each slot: the sender's face (`you`, from `cut`) or a reference face; placeholders where a reference is missing. */
async function fillSlots(
  slots: readonly FaceSlot[],
  cut: (slot: FaceSlot) => Promise<RawImage>,
  nameOf: (slot: FaceSlot) => string,
  sources: CardSources,
): Promise<{ faces: SlotFace[]; placeholders: Sprite[] }> {
  const faces = await Promise.all(
    slots.map(async (slot) => {
      if (slot.kind === 'you') return { slot, pixels: await cut(slot) };
      const bytes = await sources.thumbnails.find(sources.model, nameOf(slot));
      return { slot, pixels: bytes ? await referenceFace(bytes, slot.size) : null };
    }),
  );
  const placeholders = faces.filter((f) => f.pixels === null).flatMap((f) => placeholder(f.slot, nameOf(f.slot)));
  return { faces, placeholders };
}

/**
 * One face: the sender's face beside the best match, names and scores under each, the
 * runners-up below. Only the face's square of the photo is needed: it is cut as the photo is
 * decoded, with no copy of the whole photo in between.
 */
export async function lookalikeCard(photo: Uint8Array, prediction: Prediction, face: FaceAnswer, sources: CardSources): Promise<Buffer> {
  const layout = lookalikeCardLayout(face.matches.map(personOf));
  const { faces, placeholders } = await fillSlots(
    layout.slots,
    (slot) => cutFaceFromPhoto(photo, prediction, face.box, slot.size, sources.maxImagePixels),
    (slot) => face.matches[slot.index].name,
    sources,
  );
  sources.onStage?.('resize');
  return composeCard(layout, faces, [], [...overlaySprites(layout), ...placeholders], sources.onStage);
}

/** A face of a group photo with its number; `answer` (and `person`) when it was answered. */
export interface NumberedAnswer extends NumberedFace {
  answer?: FaceAnswer;
}

/** Every face found (answered and not), numbered in reading order. */
export function numberFaces(prediction: Prediction): NumberedAnswer[] {
  const all: Omit<NumberedAnswer, 'number'>[] = [
    ...prediction.faces.map((f) => ({ box: f.box, person: personOf(f.matches[0]), answer: f })),
    ...prediction.unansweredFaces.map((f) => ({ box: f.box })),
  ];
  return readingOrder(all.map((f) => f.box)).map((i, k) => ({ number: k + 1, ...all[i] }));
}

/** Several faces (`numbered` by numberFaces): the photo with every face boxed and numbered, then a row per answered face. */
export async function groupCard(photo: Uint8Array, prediction: Prediction, numbered: readonly NumberedAnswer[], sources: CardSources): Promise<Buffer> {
  const layout = groupCardLayout(prediction, numbered);
  const rows = numbered.filter((f) => f.person);
  const decoded = await decodePhoto(photo, prediction, sources.maxImagePixels);
  sources.onStage?.('decode');
  const { faces, placeholders } = await fillSlots(
    layout.slots,
    (slot) => cutFace(decoded, rows[slot.index].box, slot.size),
    (slot) => rows[slot.index].person!.name,
    sources,
  );
  const p = layout.photo;
  const picture = { image: await scaledPhoto(decoded, p.width, p.height), left: p.x, top: p.y };
  sources.onStage?.('resize');
  const badges = layout.badges.flatMap((b) => numberBadge(b.number, b.x, b.y, b.radius, b.colour));
  return composeCard(layout, faces, [picture], [...overlaySprites(layout), ...numberedBoxes(numbered, p), ...badges, ...placeholders], sources.onStage);
}
