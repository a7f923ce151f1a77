// Types and small pure helpers for the fake Telegram Bot API (kept apart so telegram-api.ts stays short).
import type { Chat, Document, File, Message, MessageEntity, PhotoSize, User } from 'telegraf/types';
import type { ParsedBody, UploadedFile } from './http-util.js';

/**
 * Request parameters as the API received them. JSON bodies keep their types; urlencoded and
 * multipart values arrive as strings (so compare with `Number(call.params.chat_id)`), except
 * values that look like JSON objects/arrays (reply_markup, commands, ...), which are decoded
 * the way the real API decodes them.
 */
export type TelegramParams = Record<string, unknown>;

export type TelegramCall = {
  method: string;
  params: TelegramParams;
  /** Multipart uploads, e.g. the `photo` of a sendPhoto with a Buffer. */
  files: UploadedFile[];
  /** When the request arrived (calls are recorded when answered, e.g. getUpdates after its hold). */
  at: number;
  /** What the API answered: `result` on success, `error` otherwise. */
  result?: unknown;
  error?: { code: number; description: string };
};

/**
 * A message as the fake stores it: telegraf's message union is too exact to build up field by
 * field, so this is the common part plus the optional content fields the bot uses.
 */
export type StoredMessage = Message.CommonMessage & {
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  photo?: PhotoSize[];
  document?: Document;
};

/** What sendUserMessage queues and getUpdates delivers. */
export type UserUpdate = { update_id: number; message: StoredMessage };

export type UserMessageOptions = {
  chatId: number;
  userId: number;
  text?: string;
  caption?: string;
  /** File ids from addFile(), one per size, smallest first (the bot should take the last). */
  photo?: string[];
  document?: { fileId: string; mimeType?: string; fileName?: string };
  /** Defaults to 'private' for positive chat ids and 'supergroup' for negative ones, as in Telegram. */
  chatType?: 'private' | 'group' | 'supergroup';
  /** false: only make the update (a test posts it itself, e.g. to the webhook with a wrong secret). Default true. */
  deliver?: boolean;
  firstName?: string;
  username?: string;
};

/** Thrown by method handlers; becomes the API's error JSON with this HTTP status. */
export class BotApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    /** Seconds, for 429. */ readonly retryAfter?: number,
  ) {
    super(description);
  }
}

export function chatFor(options: UserMessageOptions, from: User): Chat.PrivateChat | Chat.GroupChat | Chat.SupergroupChat {
  const type = options.chatType ?? (options.chatId > 0 ? 'private' : 'supergroup');
  if (type === 'private') return { id: options.chatId, type, first_name: from.first_name, username: from.username };
  return { id: options.chatId, type, title: 'Test group' };
}

/**
 * Telegram's server marks /commands and @mentions in text; telegraf's bot.command() and
 * bot.start() only match messages carrying a bot_command entity, so the fake must add them.
 * Offsets are in UTF-16 code units, which is what JavaScript string indexes already are.
 */
export function entitiesOf(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const match of text.matchAll(/(^|\s)(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?|@[A-Za-z0-9_]{5,32})/g)) {
    const token = match[2];
    const offset = (match.index ?? 0) + match[1].length;
    entities.push({ type: token.startsWith('/') ? 'bot_command' : 'mention', offset, length: token.length });
  }
  return entities;
}

function decodeField(value: string): unknown {
  if (!/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Merges query-string and body parameters; the real API accepts both. */
export function toParams(query: URLSearchParams, body: ParsedBody): TelegramParams {
  const params: TelegramParams = {};
  for (const [key, value] of query) params[key] = decodeField(value);
  for (const [key, value] of Object.entries(body.fields)) params[key] = decodeField(value);
  if (body.json !== null && typeof body.json === 'object') Object.assign(params, body.json);
  return params;
}

export function describeCall(call: TelegramCall): string {
  return call.error ? `${call.method} (${call.error.code})` : call.method;
}

export type StoredFile = File & { file_size: number; file_path: string; bytes: Buffer; width: number; height: number };

export type AddFileOptions = {
  /** Size the API reports; set it above 20 MB to get "file is too big" from getFile. Defaults to bytes.length. */
  fileSize?: number;
  /** Used for the file_path extension. */
  fileName?: string;
  /** Reported when the file is used as a photo size; default 640x480. */
  width?: number;
  height?: number;
};

export type StartOptions = {
  token?: string;
  /** Longest time getUpdates is held open; telegraf asks for 50 s, which is too long for tests. */
  maxPollMs?: number;
  /** Serve the API under this path only (`/tgapi`: a Bot API server behind a reverse proxy); apiRoot then ends with `/tgapi/`. */
  pathPrefix?: string;
  /**
   * Telegram's flood control, per chat: a bucket of `burst` messages refilled at `perSecond`
   * (private chats) or `groupPerMinute` (groups); past it, 429 with `retry_after`. Sends and edits count.
   */
  floodControl?: { perSecond: number; groupPerMinute: number; burst: number };
};

/** Calls Telegram's flood control counts. */
export const FLOOD_COUNTED = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'editMessageText']);
