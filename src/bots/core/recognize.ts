/**
 * A photo in, the look-alike answer out: the `Recognizer` contract between the core and the
 * engine (in this process, or behind a queue), the middleware that sends the answer, and the
 * making of the answer (text and look-alike card, or numbered list and group card) from a prediction.
 */
import type { Prediction, RecognitionOptions } from '../../engine/lookalike.js';
import { groupCard, lookalikeCard, numberFaces, type CardSources } from '../card/cards.js';
import type { ContextOf } from './middleware.js';
import { plain, type RichText } from './text.js';
import { manyFacesText, singleFaceText } from './texts/recognition.js';
import type { ModelWithThumbnails, Thumbnails } from './thumbnails.js';
import type { IncomingImage, Middleware, Picture } from './types.js';
import type { LogValue } from '../log.js';

/** The model answering photos, as the core needs it: its names (/help, /who, autocomplete) and reference thumbnails. */
export type AnsweringModel = ModelWithThumbnails & {
  readonly name: string;
  readonly manifest: { readonly labels: readonly string[] };
  /** Other spelling -> label: `/who` finds a gallery's people under the names they had before a rename. */
  readonly aliases?: Readonly<Record<string, string>>;
};

/** One photo as the core hands it to a recognizer. */
export interface PhotoRequest {
  /** Idempotency key: the same chat message always has the same key (the queue never answers it twice). */
  readonly key: string;
  readonly image: IncomingImage;
  /** `Date.now()` when the adapter received it. */
  readonly receivedAt: number;
  /** The request's log facts (queue position, bytes, faces, stage times...): scalars only. */
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
  /** Faces of a group photo answered, the largest first (`BOT_MAX_FACES`); every face found is boxed and numbered. */
  maxFaces: number;
}

/** Matches per face: the best and two runners-up. */
export const MATCHES_PER_FACE = 3;

export interface PhotoReply {
  text: RichText;
  picture: Picture | null;
  /** Why the picture could not be made (the text answer is sent alone): for the log line. */
  pictureError?: string;
}

/** The card, or null and the reason: a picture that fails must not cost the sender the answer. */
async function tryCard(make: () => Promise<Buffer>): Promise<{ bytes: Buffer | null; error?: string }> {
  try {
    return { bytes: await make() };
  } catch (error) {
    return { bytes: null, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * One face: the answer and the look-alike card (their face beside the best match, the
 * runners-up below). Several: one numbered line per answered face and the group card (every
 * face boxed and numbered in reading order, a row per answered face). The text is the
 * picture's alt text too.
 */
export async function photoReply(
  photo: Uint8Array,
  prediction: Prediction,
  model: ModelWithThumbnails,
  options: Pick<ReplyOptions, 'thumbnails' | 'maxImagePixels'>,
): Promise<PhotoReply> {
  const sources: CardSources = { model, thumbnails: options.thumbnails, maxImagePixels: options.maxImagePixels };
  if (prediction.faces.length === 1 && prediction.unansweredFaces.length === 0) {
    const [face] = prediction.faces;
    const text = singleFaceText(face);
    const card = await tryCard(() => lookalikeCard(photo, prediction, face, sources));
    return { text, picture: card.bytes && { bytes: card.bytes, filename: 'lookalike.jpg', alt: plain(text) }, pictureError: card.error };
  }
  const numbered = numberFaces(prediction);
  const answered = numbered.flatMap((f) => (f.answer ? [{ number: f.number, answer: f.answer }] : []));
  const text = manyFacesText(answered, prediction.detectedFaces);
  const card = await tryCard(() => groupCard(photo, prediction, numbered, sources));
  return { text, picture: card.bytes && { bytes: card.bytes, filename: 'faces.jpg', alt: plain(text) }, pictureError: card.error };
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
    const sending = performance.now();
    if (reply.picture) await ctx.chat.replyWithPicture(reply.picture, reply.text);
    else await ctx.chat.reply(reply.text);
    ctx.facts.sendMs = Math.round(performance.now() - sending);
  };
}

const roundedMs = (timings: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v * 10) / 10]));

/** One photo through `engine`: recognition, the reply's text and picture, with each stage's time in `facts`. The photo's bytes are dropped with the answer. */
export async function answerPhoto(engine: PhotoEngine, bytes: Uint8Array, facts: Record<string, LogValue>, options: ReplyOptions): Promise<PhotoReply> {
  const model = engine.model;
  const prediction = await engine.which(bytes, { top: MATCHES_PER_FACE, maxFaces: options.maxFaces });
  const t = prediction.timings;
  Object.assign(facts, {
    faces: prediction.faces.length,
    detected: prediction.detectedFaces,
    model: prediction.model,
    ...roundedMs({ decodeMs: t.decodeMs, detectMs: t.detectMs, embedMs: t.embedMs, rankMs: t.headMs }),
  });
  const started = performance.now();
  const reply = await photoReply(bytes, prediction, model, options);
  facts.drawMs = Math.round(performance.now() - started);
  if (reply.pictureError) facts.pictureError = reply.pictureError;
  return reply;
}
