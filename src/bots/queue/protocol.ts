/**
 * What travels through Redis between front ends, `celeb worker` processes and the primary:
 * key names, job data and the messages of a front end's inbox. Pure data and conversions,
 * no I/O. Photo bytes are never inside a job or a message: they sit in their own key with a
 * TTL (`photoBytesKey`), so a job that outlives its front end cannot keep a selfie in Redis.
 * An answer's picture (the card) travels in its inbox entry, as raw bytes after the JSON
 * (`encodeInboxMessage`).
 */
import type { SerializedError } from '../../base/errors.js';
import type { LogValue } from '../log.js';
import type { PhotoReply } from '../core/recognize.js';
import type { RichText } from '../core/text.js';
import type { Actor, BotRequest, Picture } from '../core/types.js';

/** BullMQ queue names (BullMQ's own keys are `<prefix>:<queue>:…`). */
export const PHOTO_QUEUE = 'photos';
export const ADMIN_QUEUE = 'admin';

/** The keys and channel this project creates under one prefix; every key gets a TTL when written. */
export function queueKeys(prefix: string) {
  return {
    /** A photo's bytes while its job waits or runs. */
    photoBytes: (jobId: string) => `${prefix}:photo-bytes:${jobId}`,
    /** A front end's inbox: answers and chat operations for the requests it sent. */
    inbox: (frontEnd: string) => `${prefix}:inbox:${frontEnd}`,
    /** The active model (a ModelRecord), re-written by the primary while it runs. */
    model: `${prefix}:model`,
    /** Pub/sub channel: a ModelRecord each time the primary's active model changes. */
    modelChannel: `${prefix}:model-changed`,
  };
}

/** TTL of an inbox: answers for a front end that went away do not stay. */
export const INBOX_TTL_MS = 15 * 60_000;
/** The primary re-writes the model record this often, with three times this as its TTL. */
export const MODEL_RECORD_REFRESH_MS = 10_000;

export type Facts = Record<string, LogValue>;

export interface PhotoJobData {
  /** The request's idempotency key (also the job id). */
  request: string;
  /** Inbox key of the front end waiting for the answer. */
  replyTo: string;
  /** Key holding the photo's bytes. */
  bytesKey: string;
  /** Faces of a group photo answered: the front end's `BOT_MAX_FACES`, so every worker answers alike. */
  maxFaces: number;
}

export interface AdminJobData {
  request: string;
  replyTo: string;
  actor: Actor;
  command: Extract<BotRequest, { kind: 'train' | 'model' | 'leaderboard' }>;
}

/** A picture in an inbox message: its bytes leave the JSON when the message is encoded (`encodeInboxMessage`). */
export interface WirePicture {
  filename: string;
  bytes: Buffer;
  /** The picture's description for screen readers. */
  alt?: string;
}

export interface WireReply {
  text: RichText;
  picture: WirePicture | null;
}

/** What the primary does in a front end's chat for an admin command, in order. */
export type ChatOp =
  | { op: 'reply'; handle: number; text: RichText }
  | { op: 'edit'; handle: number; text: RichText }
  | { op: 'picture'; picture: WirePicture; caption: RichText }
  | { op: 'working' };

export type InboxMessage =
  /** A photo's answer, all at once: a redelivered job's second answer is dropped whole. */
  | { type: 'photo'; request: string; reply: WireReply | null; error: SerializedError | null; facts: Facts }
  | { type: 'chat'; request: string; op: ChatOp }
  /** The admin command has been handled; `follow`: more chat operations come (a training run's reports) until `end`. */
  | { type: 'done'; request: string; error: SerializedError | null; facts: Facts; follow: boolean }
  | { type: 'end'; request: string };

/** The model workers and front ends should answer with: a directory path, as the primary sees it. */
export interface ModelRecord {
  dir: string;
  /** Increases with every change (milliseconds since 1970 when the primary chose it). */
  version: number;
}

/** The picture's own fields only (a Picture may carry more). */
export const toWirePicture = (picture: Picture): WirePicture => ({
  filename: picture.filename,
  bytes: picture.bytes,
  ...(picture.alt === undefined ? {} : { alt: picture.alt }),
});

export const toWireReply = (reply: PhotoReply): WireReply => ({ text: reply.text, picture: reply.picture && toWirePicture(reply.picture) });

/** Scalars only, as log facts must be (JSON turns undefined into nothing). */
export function onlyScalars(facts: Readonly<Record<string, unknown>>): Facts {
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) as Facts;
}

/** A message's picture, if it has one: a photo's card, or an admin command's picture (at most one per message). */
function pictureOf(message: InboxMessage): WirePicture | null {
  if (message.type === 'photo') return message.reply?.picture ?? null;
  if (message.type === 'chat' && message.op.op === 'picture') return message.op.picture;
  return null;
}

/** Ends the JSON part of an inbox entry; JSON.stringify never writes it raw (it escapes newlines in strings). */
const NEWLINE = 0x0a;

/**
 * An inbox entry: the message as one line of JSON, then its picture's bytes, raw. A card is
 * about 170 KB: as base64 inside the JSON (as it was), encoding, writing, reading and parsing
 * it cost the worker and the front end about 6 ms of CPU per photo between them and added
 * 4-5 ms to each answer; raw bytes are only copied. In the JSON the picture's `bytes` is their
 * count, which decoding checks.
 */
export function encodeInboxMessage(message: InboxMessage): Buffer {
  const picture = pictureOf(message);
  if (!picture) return Buffer.from(`${JSON.stringify(message)}\n`);
  // The picture object is swapped whole: at its `bytes` field it would be too late, as JSON.stringify
  // calls Buffer's toJSON (an array of numbers) before a replacer sees the value.
  const json = JSON.stringify(message, (_key, value: unknown) => (value === picture ? { ...picture, bytes: picture.bytes.length } : value));
  return Buffer.concat([Buffer.from(`${json}\n`), picture.bytes]);
}

/** Decodes an inbox entry; throws on anything that is not one of ours. */
export function decodeInboxMessage(entry: Buffer): InboxMessage {
  const end = entry.indexOf(NEWLINE);
  if (end < 0) throw new Error('not an inbox message: no end of line (written by another version? front ends and workers must run the same one)');
  const value = JSON.parse(entry.toString('utf8', 0, end)) as Partial<InboxMessage> | null;
  if (!value || typeof value.request !== 'string' || !['photo', 'chat', 'done', 'end'].includes(value.type ?? '')) throw new Error('not an inbox message');
  const message = value as InboxMessage;
  const picture = pictureOf(message) as (Omit<WirePicture, 'bytes'> & { bytes: unknown }) | null;
  const tail = entry.subarray(end + 1);
  if (picture ? picture.bytes !== tail.length : tail.length > 0) throw new Error('not an inbox message: its picture bytes do not match');
  if (picture) picture.bytes = tail;
  return message;
}

export function isModelRecord(value: unknown): value is ModelRecord {
  const record = value as Partial<ModelRecord> | null;
  return typeof record?.dir === 'string' && typeof record.version === 'number';
}
