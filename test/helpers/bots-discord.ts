/** Talking to the bot through the fake Discord as a user would, and reading its answers. */
import type { APIAttachment, APIChatInputApplicationCommandInteraction, APIUser, GatewayMessageCreateDispatchData } from 'discord.js';
import type { DiscordRestCall, FakeCommandOption, FakeDiscordServer } from '../fakes/discord-api.js';

export type Interaction = APIChatInputApplicationCommandInteraction;

/** `/name option:value` in the fake guild (another one with `guildId`, or in a DM with `dm: true`). */
export function command(
  fake: FakeDiscordServer,
  commandName: string,
  options: FakeCommandOption[] = [],
  extra: { user?: APIUser; dm?: boolean; guildId?: string } = {},
): Interaction {
  return fake.dispatchInteraction({ commandName, options, user: extra.user, guildId: extra.dm ? undefined : (extra.guildId ?? fake.guildId) });
}

export function lookalike(fake: FakeDiscordServer, bytes: Buffer, filename = 'me.jpg', contentType = 'image/jpeg', guildId?: string): Interaction {
  const attachment = fake.addAttachment(bytes, filename, contentType);
  return command(fake, 'lookalike', [{ name: 'image', type: 'attachment', attachment }], { guildId });
}

export const isCallback = (i: Pick<Interaction, 'id' | 'token'>) => (c: DiscordRestCall) => c.path === `/interactions/${i.id}/${i.token}/callback`;
export const isOriginalEdit = (i: Interaction) => (c: DiscordRestCall) => c.method === 'PATCH' && c.path.endsWith(`/${i.token}/messages/@original`);
export const isFollowUp = (i: Interaction) => (c: DiscordRestCall) => c.method === 'POST' && c.path.endsWith(`/${i.token}`);

/** The first edit of the deferred reply: the answer. */
export const answerOf = (fake: FakeDiscordServer, i: Interaction, timeoutMs = 15_000): Promise<DiscordRestCall> =>
  fake.waitForCall((c) => isOriginalEdit(i)(c) && c.status === 200, timeoutMs);

export const contentOf = (call: DiscordRestCall): string => (call.body as { content?: string }).content ?? '';

/** A user message with attachments, in a DM (default) or in the guild's channel (`guild: true`, or another guild's id). */
export function post(
  fake: FakeDiscordServer,
  content: string,
  attachments: APIAttachment[],
  extra: { guild?: boolean | string; author?: APIUser } = {},
): GatewayMessageCreateDispatchData {
  const guildId = typeof extra.guild === 'string' ? extra.guild : extra.guild ? fake.guildId : undefined;
  return fake.dispatchMessage({ content, attachments, author: extra.author, guildId });
}

/** The bot's reply to a user message (a channel message referencing it). */
export const replyTo = (fake: FakeDiscordServer, message: { id: string; channel_id: string }, timeoutMs = 15_000): Promise<DiscordRestCall> =>
  fake.waitForCall(
    (c) =>
      c.method === 'POST' &&
      c.path === `/channels/${message.channel_id}/messages` &&
      (c.body as { message_reference?: { message_id?: string } }).message_reference?.message_id === message.id,
    timeoutMs,
  );
