/**
 * A photo in, the look-alike answer out. The photo waits for a slot in the work queue
 * (saying "you are number k" when the line is long), is downloaded into memory, goes through
 * the engine's worker pool, and its bytes are dropped as soon as the answer is made.
 */
import type { Prediction, RecognitionOptions } from '../../engine/lookalike.js';
import { groupCard, lookalikeCard, numberFaces, type CardSources } from '../card/cards.js';
import type { ContextOf } from './middleware.js';
import { plain, type RichText } from './text.js';
import { manyFacesText, QUEUED, singleFaceText } from './texts/recognition.js';
import type { ModelWithThumbnails, Thumbnails } from './thumbnails.js';
import type { Middleware, Picture } from './types.js';
import type { WorkQueue } from './work-queue.js';

/** The part of LookalikeEngine the bots use for photos. */
export interface Recognizer {
  which(bytes: Uint8Array, options: RecognitionOptions): Promise<Prediction>;
  /** The model answering now (it changes when a run is promoted). */
  readonly model: ModelWithThumbnails & {
    readonly manifest: { readonly labels: readonly string[] };
    /** Other spelling -> label: `/who` finds a gallery's people under the names they had before a rename. */
    readonly aliases?: Readonly<Record<string, string>>;
  };
}

export interface RecognizeOptions {
  engine: Recognizer;
  queue: WorkQueue;
  /** Say "you are number k" when k is above this. */
  queueNotice: number;
  thumbnails: Thumbnails;
  maxImageBytes: number;
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
  options: Pick<RecognizeOptions, 'thumbnails' | 'maxImagePixels'>,
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

export function recognize(options: RecognizeOptions): Middleware<ContextOf<'photo'>> {
  return async (ctx) => {
    const ticket = options.queue.enter(); // QueueFullError -> "swamped" sentence
    let reply: PhotoReply;
    try {
      if (ticket.position > options.queueNotice) await ctx.chat.reply(QUEUED(ticket.position));
      ctx.facts.queuePosition = ticket.position;
      await ticket.ready;
      ctx.facts.waitMs = Date.now() - ctx.receivedAt;
      void ctx.chat.showWorking().catch(() => undefined); // a nicety: never worth failing the answer for
      let started = performance.now();
      const photo = await ctx.request.image.download(options.maxImageBytes);
      ctx.facts.downloadMs = Math.round(performance.now() - started);
      ctx.facts.bytes = photo.length;
      const model = options.engine.model;
      const prediction = await options.engine.which(photo, { top: MATCHES_PER_FACE, maxFaces: options.maxFaces });
      const t = prediction.timings;
      Object.assign(ctx.facts, {
        faces: prediction.faces.length,
        detected: prediction.detectedFaces,
        model: prediction.model,
        ...roundedMs({ decodeMs: t.decodeMs, detectMs: t.detectMs, embedMs: t.embedMs, rankMs: t.headMs }),
      });
      started = performance.now();
      reply = await photoReply(photo, prediction, model, options);
      ctx.facts.drawMs = Math.round(performance.now() - started);
      if (reply.pictureError) ctx.facts.pictureError = reply.pictureError;
    } finally {
      ticket.release();
    }
    const sending = performance.now();
    if (reply.picture) await ctx.chat.replyWithPicture(reply.picture, reply.text);
    else await ctx.chat.reply(reply.text);
    ctx.facts.sendMs = Math.round(performance.now() - sending);
  };
}

const roundedMs = (timings: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v * 10) / 10]));
