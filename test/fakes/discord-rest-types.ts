// Types of the fake Discord's REST half (kept apart so discord-rest.ts stays short).
import type { APIMessage } from 'discord.js';
import type { UploadedFile } from './http-util.js';

export type DiscordRestCall = {
  method: string;
  /** Path relative to /api/v10, e.g. `/channels/123/messages`. */
  path: string;
  query: Record<string, string>;
  /** The JSON body, or for multipart requests the parsed `payload_json` field. */
  body: unknown;
  files: UploadedFile[];
  status: number;
  response: unknown;
};

/** Message fields the bot sends; trusted as-is since discord.js builds them. */
export type MessageBody = {
  content?: string;
  embeds?: unknown[];
  flags?: number;
  message_reference?: { message_id?: string; fail_if_not_exists?: boolean };
  attachments?: { id: string | number }[];
};

/** Gateway messages carry guild_id; REST message objects do not, so it is kept alongside. */
export type StoredMessage = APIMessage & { guild_id?: string };
export type Interaction = { id: string; token: string; channelId: string; acknowledged: boolean; original?: APIMessage; createdAt: number; expired?: boolean };

/** Interaction tokens work for 15 minutes after the user invoked the command. */
export const INTERACTION_TOKEN_MS = 15 * 60_000;

export type Request = { body: unknown; files: UploadedFile[]; query: URLSearchParams };
export type Reply = { status: number; body?: unknown };
export type Route = { method: string; pattern: RegExp; auth: boolean; handle: (params: string[], req: Request) => Reply };
