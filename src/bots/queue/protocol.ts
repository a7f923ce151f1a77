/**
 * What travels through Redis between front ends, `celeb worker` processes and the primary:
 * key names, job data and the messages of a front end's inbox. Pure data and conversions,
 * no I/O. Photo bytes are never inside a job or a message: they sit in their own key with a
 * TTL (`photoBytesKey`), so a job that outlives its front end cannot keep a selfie in Redis.
 */
import type { SerializedError } from '../../base/errors.js';
import type { LogValue } from '../log.js';
import type { PhotoReply } from '../core/recognize.js';
import type { RichText } from '../core/text.js';
import type { Actor, BotRequest } from '../core/types.js';

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

/** A picture as JSON. */
export interface WirePicture {
  filename: string;
  base64: string;
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

export const toWirePicture = (picture: { bytes: Buffer; filename: string; alt?: string }): WirePicture => ({
  filename: picture.filename,
  base64: picture.bytes.toString('base64'),
  ...(picture.alt === undefined ? {} : { alt: picture.alt }),
});

export const fromWirePicture = (picture: WirePicture): { bytes: Buffer; filename: string; alt?: string } => ({
  filename: picture.filename,
  bytes: Buffer.from(picture.base64, 'base64'),
  ...(picture.alt === undefined ? {} : { alt: picture.alt }),
});

export const toWireReply = (reply: PhotoReply): WireReply => ({ text: reply.text, picture: reply.picture && toWirePicture(reply.picture) });

export const fromWireReply = (reply: WireReply): PhotoReply => ({ text: reply.text, picture: reply.picture && fromWirePicture(reply.picture) });

/** Scalars only, as log facts must be (JSON turns undefined into nothing). */
export function onlyScalars(facts: Readonly<Record<string, unknown>>): Facts {
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) as Facts;
}

/** Parses an inbox entry; throws on anything that is not one of ours. */
export function parseInboxMessage(text: string): InboxMessage {
  const value = JSON.parse(text) as Partial<InboxMessage> | null;
  if (!value || typeof value.request !== 'string' || !['photo', 'chat', 'done', 'end'].includes(value.type ?? '')) throw new Error('not an inbox message');
  return value as InboxMessage;
}

export function isModelRecord(value: unknown): value is ModelRecord {
  const record = value as Partial<ModelRecord> | null;
  return typeof record?.dir === 'string' && typeof record.version === 'number';
}
