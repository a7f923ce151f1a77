/**
 * A photo in, the look-alike answer out. The photo waits for a slot in the work queue
 * (saying "you are number k" when the line is long), is downloaded into memory, goes through
 * the engine's worker pool, and its bytes are dropped as soon as the answer is made.
 */
import type { Prediction, RecognitionOptions } from '../../engine/lookalike.js';
import { personSlug } from '../../engine/model/manifest.js';
import { readingOrder } from '../../engine/detect/tiles.js';
import { drawNumberedBoxes } from './annotate.js';
import type { ContextOf } from './middleware.js';
import type { RichText } from './text.js';
import { thumbnailStrip } from './strip.js';
import { manyFacesText, QUEUED, singleFaceText } from './texts/recognition.js';
import type { ModelWithThumbnails, Thumbnails } from './thumbnails.js';
import type { Middleware, Picture } from './types.js';
import type { WorkQueue } from './work-queue.js';

/** The part of LookalikeEngine the bots use for photos. */
export interface Recognizer {
  which(bytes: Uint8Array, options: RecognitionOptions): Promise<Prediction>;
  /** The model answering now (it changes when a run is promoted). */
  readonly model: ModelWithThumbnails & { readonly manifest: { readonly labels: readonly string[] } };
}

export interface RecognizeOptions {
  engine: Recognizer;
  queue: WorkQueue;
  /** Say "you are number k" when k is above this. */
  queueNotice: number;
  thumbnails: Thumbnails;
  maxImageBytes: number;
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
export async function photoReply(
  photo: Uint8Array,
  prediction: Prediction,
  model: ModelWithThumbnails,
  options: Pick<RecognizeOptions, 'thumbnails' | 'maxImagePixels'>,
): Promise<PhotoReply> {
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
      const prediction = await options.engine.which(photo, { top: 3, maxFaces: MAX_FACES });
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
