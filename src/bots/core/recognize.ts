/**
 * A photo in, the look-alike answer out: the `Recognizer` contract between the core and the
 * engine (in this process, or behind a queue), the middleware that sends the answer, and the
 * making of the answer (text, thumbnails strip or numbered boxes) from a prediction.
 */
import type { Prediction, RecognitionOptions } from '../../engine/lookalike.js';
import { personSlug } from '../../engine/model/manifest.js';
import { readingOrder } from '../../engine/detect/tiles.js';
import { drawNumberedBoxes } from './annotate.js';
import type { ContextOf } from './middleware.js';
import type { RichText } from './text.js';
import { thumbnailStrip } from './strip.js';
import { manyFacesText, singleFaceText } from './texts/recognition.js';
import type { ModelWithThumbnails, Thumbnails } from './thumbnails.js';
import type { IncomingImage, Middleware, Picture } from './types.js';
import type { LogValue } from '../log.js';

/** The model answering photos, as the core needs it: its names (/help, /who, autocomplete) and reference thumbnails. */
export type AnsweringModel = ModelWithThumbnails & { readonly name: string; readonly manifest: { readonly labels: readonly string[] } };

/** One photo as the core hands it to a recognizer. */
export interface PhotoRequest {
  /** Idempotency key: the same chat message always has the same key (the queue never answers it twice). */
  readonly key: string;
  readonly image: IncomingImage;
  /** `Date.now()` when the adapter received it. */
  readonly receivedAt: number;
  /** The request's log facts (queue position, bytes, faces...): scalars only. */
  readonly facts: Record<string, LogValue>;
  /** Tells the user the photo waits ("busy, your answer will follow"); at most once per photo. */
  notify(text: RichText): Promise<void>;
  /** "typing..." while the photo is worked on: best effort. */
  working(): void;
}

/**
 * What the core calls to answer a photo, whether the engine runs in this process
 * (LocalRecognizer) or `celeb worker` processes take photos from a queue (src/bots/queue).
 * The core does not know which one it has.
 */
export interface Recognizer {
  /** The model answering now (it changes when a run is promoted). */
  readonly model: AnsweringModel;
  /**
   * The reply to a photo. Throws a CelebError the core turns into a sentence: code `busy` when
   * too many photos wait, an InputError for a photo that cannot be answered. Null when the photo
   * is already being answered elsewhere (the same message delivered twice): nothing to send.
   */
  recognize(photo: PhotoRequest): Promise<PhotoReply | null>;
  /** Photos waiting or being answered (over all front ends with a queue): the metrics' queue depth. */
  depth(): Promise<number>;
}

/** The part of LookalikeEngine the bots use for photos. */
export interface PhotoEngine {
  which(bytes: Uint8Array, options: RecognitionOptions): Promise<Prediction>;
  /** The model answering now (it changes when a run is promoted). */
  readonly model: AnsweringModel;
}

export interface ReplyOptions {
  thumbnails: Thumbnails;
  maxImagePixels: number;
}

/** At most three faces are answered, largest first. */
export const MAX_FACES = 3;
/** Thumbnails in a one-face answer's strip. */
export const STRIP_MATCHES = 3;

export interface PhotoReply {
  text: RichText;
  picture: Picture | null;
}

const fileName = (person: string) => `${personSlug(person)}.jpg`;

/** The top matches' thumbnails as one strip, best first; the thumbnail alone when only one exists; null without any. */
async function matchesPicture(names: readonly string[], model: ModelWithThumbnails, thumbnails: Thumbnails): Promise<Picture | null> {
  const found = await Promise.all(names.map(async (name) => ({ name, bytes: await thumbnails.find(model, name) })));
  const present = found.filter((f): f is { name: string; bytes: Buffer } => f.bytes !== null);
  if (present.length === 0) return null;
  if (present.length === 1) return { bytes: present[0].bytes, filename: fileName(present[0].name) };
  const strip = await thumbnailStrip(present.map((f) => f.bytes));
  return strip ? { bytes: strip, filename: 'lookalikes.jpg' } : null;
}

/** One face: the answer and a strip of the top matches' thumbnails. Several: one line per face (the largest three) and the photo with numbered boxes. */
export async function photoReply(photo: Uint8Array, prediction: Prediction, model: ModelWithThumbnails, options: ReplyOptions): Promise<PhotoReply> {
  if (prediction.faces.length === 1) {
    const [face] = prediction.faces;
    const names = face.matches.slice(0, STRIP_MATCHES).map((m) => m.name);
    return { text: singleFaceText(face), picture: await matchesPicture(names, model, options.thumbnails) };
  }
  // Numbered as a person reads the picture (rows top to bottom, left to right), not by size.
  const faces = readingOrder(prediction.faces.map((f) => f.box)).map((i) => prediction.faces[i]);
  const annotated = await drawNumberedBoxes(
    photo,
    faces.map((f) => f.box),
    prediction,
    options.maxImagePixels,
  );
  return { text: manyFacesText(faces, prediction.detectedFaces), picture: { bytes: annotated, filename: 'faces.jpg' } };
}

/** Answers one photo through whichever recognizer the core was given; the reply goes back to the chat it came from. */
export function recognize(recognizer: Recognizer): Middleware<ContextOf<'photo'>> {
  return async (ctx) => {
    let notified = false;
    const reply = await recognizer.recognize({
      key: ctx.key,
      image: ctx.request.image,
      receivedAt: ctx.receivedAt,
      facts: ctx.facts,
      notify: async (text) => {
        if (notified) return;
        notified = true;
        await ctx.chat.reply(text);
      },
      working: () => void ctx.chat.showWorking().catch(() => undefined), // a nicety: never worth failing the answer for
    });
    if (!reply) return;
    if (reply.picture) await ctx.chat.replyWithPicture(reply.picture, reply.text);
    else await ctx.chat.reply(reply.text);
  };
}

/** One photo through `engine`: download, recognition, the reply's text and picture. The photo's bytes are dropped with the answer. */
export async function answerPhoto(engine: PhotoEngine, bytes: Uint8Array, facts: Record<string, LogValue>, options: ReplyOptions): Promise<PhotoReply> {
  const model = engine.model;
  const prediction = await engine.which(bytes, { top: 3, maxFaces: MAX_FACES });
  Object.assign(facts, { faces: prediction.faces.length, detected: prediction.detectedFaces, model: prediction.model });
  return photoReply(bytes, prediction, model, options);
}
