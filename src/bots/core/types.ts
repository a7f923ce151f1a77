/**
 * The contract between the core and the chat platforms. An adapter turns a platform event
 * into a `BotContext` (who, what, and a `Chat` to answer in) and hands it to the core; the
 * core answers only through `Chat`. Nothing in here knows Discord or Telegram.
 */
import { CelebError } from '../../base/errors.js';
import type { PresetId } from '../../engine/train/presets.js';
import type { LogValue } from '../log.js';
import type { Platform } from '../../base/platforms.js';
import type { RichText } from './text.js';

export type { Platform } from '../../base/platforms.js';

/** The person who sent the request. */
export interface Actor {
  readonly platform: Platform;
  /** Platform user id (Discord snowflake, Telegram user id), as a string. */
  readonly id: string;
  /** Display name, for logs only. */
  readonly name: string;
}

/** A picture to send: PNG or JPEG bytes. */
export interface Picture {
  readonly bytes: Buffer;
  /** With extension: `faces.jpg`, `leaderboard.png`. */
  readonly filename: string;
  /** What the picture says, for screen readers (Discord's attachment description); the caption carries it elsewhere. */
  readonly alt?: string;
}

/** A message the bot sent that can be changed later (training progress). */
export interface SentMessage {
  edit(text: RichText): Promise<void>;
}

/** Where a request came from, and the only way the core answers it. */
export interface Chat {
  reply(text: RichText): Promise<SentMessage>;
  /** A picture with a caption; adapters split it in two messages when the caption is too long for the platform. */
  replyWithPicture(picture: Picture, caption: RichText): Promise<void>;
  /** "typing..." while the bot works; best effort, never throws. */
  showWorking(): Promise<void>;
}

/** Raised by `IncomingImage.download`; the core turns it into a sentence. Code `io`: the bytes could not be had. */
export class DownloadError extends CelebError {
  override name = 'DownloadError';
  constructor(
    /** `platform_limit`: the platform will not hand the file to bots (Telegram: over 20 MB). */
    readonly reason: 'platform_limit' | 'failed',
    message: string,
    /** The platform's limit, for `platform_limit`. */
    readonly limitBytes?: number,
    /** The file's size when known. */
    readonly sizeBytes?: number,
    /** Whose limit it is, for the sentence. */
    readonly platform?: Platform,
  ) {
    super('io', message);
  }
}

/** A photo as the platform announced it; its bytes are fetched only when the core is ready. */
export interface IncomingImage {
  /** Declared size in bytes, when the platform tells. */
  readonly size?: number;
  /**
   * Fetches the bytes into memory (never to disk). Throws InputError('too_large') when the
   * file is bigger than `maxBytes` (checked before downloading when the size is known),
   * DownloadError otherwise.
   */
  download(maxBytes: number): Promise<Uint8Array>;
}

export type TrainAction =
  /** `default`: the data's default preset (6 on a gallery split, else 2; see presets.ts). */
  | { readonly type: 'start'; readonly preset: PresetId | 'default' }
  | { readonly type: 'cancel' }
  /** `/train` without a valid preset: show the usage, with what was wrong. */
  | { readonly type: 'usage'; readonly problem?: string };

export type ModelAction =
  | { readonly type: 'show' }
  /** Pin a finished run's model (a run id), or go back to the shipped default. */
  | { readonly type: 'use'; readonly target: number | 'default' }
  /** `/model` with arguments we do not understand. */
  | { readonly type: 'usage'; readonly problem?: string };

export type BotRequest =
  | { readonly kind: 'help' }
  /** A message with neither a photo nor a command we know: a short hint. */
  | { readonly kind: 'hint' }
  | { readonly kind: 'photo'; readonly image: IncomingImage }
  | { readonly kind: 'leaderboard' }
  /** `/who <name>`: does the model know this person? `name` as typed (may be empty: usage). */
  | { readonly kind: 'who'; readonly name: string }
  | { readonly kind: 'train'; readonly action: TrainAction }
  | { readonly kind: 'model'; readonly action: ModelAction };

export type RequestKind = BotRequest['kind'];

export interface BotContext<R extends BotRequest = BotRequest> {
  /** Short id for correlating log lines of one request. */
  readonly id: string;
  /** Idempotency key of the chat message: the same message delivered twice has the same key. */
  readonly key: string;
  readonly actor: Actor;
  readonly chat: Chat;
  readonly request: R;
  /** `Date.now()` when the adapter received the event. */
  readonly receivedAt: number;
  /** Facts a handler adds to the request's log line (faces found, run id...): scalars only, never image bytes. */
  readonly facts: Record<string, LogValue>;
}

export type Next = () => Promise<void>;

/** grammY-style middleware: do something, then (maybe) call `next`. */
export type Middleware<C> = (ctx: C, next: Next) => Promise<void>;
