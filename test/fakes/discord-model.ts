// Payload builders for the fake Discord: turn short test inputs into the full objects the
// real API sends, so discord.js parses them exactly as it would in production.
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageType,
  PermissionFlagsBits,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIAttachment,
  type APIChatInputApplicationCommandInteraction,
  type APIGuildMember,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIUser,
  type GatewayGuildCreateDispatchData,
  type GuildMemberFlags,
  type APIGuildMemberNoUser,
  type GuildSystemChannelFlags,
} from 'discord.js';

const DISCORD_EPOCH = 1420070400000n;
let sequence = 0;

/** Real-looking snowflake ids: discord.js derives createdTimestamp from them. */
/** A new id; `at` (ms since 1970) dates it, as Discord's ids carry their creation time. */
export function snowflake(at = Date.now()): string {
  sequence = (sequence + 1) & 0xfff;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | BigInt(sequence)).toString();
}

export type UserInput = { id?: string; username?: string; globalName?: string; bot?: boolean };

export function makeUser(input: UserInput = {}): APIUser {
  const username = input.username ?? 'tester';
  return {
    id: input.id ?? snowflake(),
    username,
    discriminator: '0',
    global_name: input.globalName ?? username,
    avatar: null,
    bot: input.bot ?? false,
  };
}

/** Permissions an ordinary member has in a text channel. */
export const MEMBER_PERMISSIONS = (
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.UseApplicationCommands
).toString();

/** Permissions the bot has in the test guild (what `app_permissions` reports). */
export const BOT_PERMISSIONS = (BigInt(MEMBER_PERMISSIONS) | PermissionFlagsBits.SendMessagesInThreads).toString();

const isoNow = (): string => new Date().toISOString();
// These flag enums have no 0 member, but "no flags" is 0 on the wire.
const NO_MEMBER_FLAGS = 0 as GuildMemberFlags;
const NO_SYSTEM_CHANNEL_FLAGS = 0 as GuildSystemChannelFlags;

export function makeMember(user: APIUser): APIGuildMember & { user: APIUser } {
  return { user, roles: [], joined_at: isoNow(), deaf: false, mute: false, flags: NO_MEMBER_FLAGS, nick: null, avatar: null, pending: false };
}

/** MESSAGE_CREATE carries the author's member object without the user (it is in `author`). */
export function memberWithoutUser(user: APIUser): APIGuildMemberNoUser {
  const { user: _author, ...member } = makeMember(user);
  return member;
}

/** One option of a slash command, as the test describes it. */
export type FakeCommandOption =
  | { name: string; type: 'string'; value: string }
  | { name: string; type: 'integer' | 'number'; value: number }
  | { name: string; type: 'boolean'; value: boolean }
  | { name: string; type: 'attachment'; attachment: APIAttachment };

function toApiOption(option: FakeCommandOption): APIApplicationCommandInteractionDataBasicOption {
  switch (option.type) {
    case 'string':
      return { name: option.name, type: ApplicationCommandOptionType.String, value: option.value };
    case 'integer':
      return { name: option.name, type: ApplicationCommandOptionType.Integer, value: option.value };
    case 'number':
      return { name: option.name, type: ApplicationCommandOptionType.Number, value: option.value };
    case 'boolean':
      return { name: option.name, type: ApplicationCommandOptionType.Boolean, value: option.value };
    case 'attachment':
      return { name: option.name, type: ApplicationCommandOptionType.Attachment, value: option.attachment.id };
  }
}

export type InteractionInput = {
  applicationId: string;
  commandId: string;
  commandName: string;
  options: FakeCommandOption[];
  user: APIUser;
  /** Undefined means the command was used in a DM with the bot. */
  guildId?: string;
  channelId: string;
  memberPermissions?: string;
  /** When the user invoked it (default now); the interaction id carries it. */
  createdAt?: number;
};

export function makeInteraction(input: InteractionInput): APIChatInputApplicationCommandInteraction {
  const attachments = Object.fromEntries(input.options.flatMap((o) => (o.type === 'attachment' ? [[o.attachment.id, o.attachment]] : [])));
  const base = {
    id: snowflake(input.createdAt),
    application_id: input.applicationId,
    type: InteractionType.ApplicationCommand as const,
    token: `fake-interaction-token-${snowflake()}`,
    version: 1 as const,
    locale: Locale.EnglishUS,
    entitlements: [],
    attachment_size_limit: 10 * 1024 * 1024,
    app_permissions: BOT_PERMISSIONS,
    channel_id: input.channelId,
    data: {
      id: input.commandId,
      name: input.commandName,
      type: ApplicationCommandType.ChatInput as const,
      options: input.options.map(toApiOption),
      ...(Object.keys(attachments).length > 0 ? { resolved: { attachments } } : {}),
      ...(input.guildId ? { guild_id: input.guildId } : {}),
    },
  };
  if (input.guildId === undefined) {
    return {
      ...base,
      user: input.user,
      context: InteractionContextType.BotDM,
      authorizing_integration_owners: { 1: input.user.id },
      channel: { id: input.channelId, type: ChannelType.DM, recipients: [input.user] },
    };
  }
  const member: APIInteractionGuildMember = { ...makeMember(input.user), permissions: input.memberPermissions ?? MEMBER_PERMISSIONS };
  return {
    ...base,
    guild_id: input.guildId,
    member,
    context: InteractionContextType.Guild,
    guild_locale: Locale.EnglishUS,
    guild: { id: input.guildId, locale: Locale.EnglishUS, features: [] },
    authorizing_integration_owners: { 0: input.guildId },
    channel: { id: input.channelId, type: ChannelType.GuildText, guild_id: input.guildId, name: 'general' },
  };
}

export type MessageInput = {
  channelId: string;
  guildId?: string;
  author: APIUser;
  content: string;
  attachments?: APIAttachment[];
  mentions?: APIUser[];
  /** The message this one replies to. */
  replyTo?: APIMessage;
  webhookId?: string;
};

export function makeMessage(input: MessageInput): APIMessage {
  const message: APIMessage = {
    id: snowflake(),
    channel_id: input.channelId,
    author: input.author,
    content: input.content,
    timestamp: isoNow(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mention_roles: [],
    mentions: input.mentions ?? [],
    attachments: input.attachments ?? [],
    embeds: [],
    components: [],
    pinned: false,
    type: input.replyTo ? MessageType.Reply : MessageType.Default,
  };
  if (input.webhookId) message.webhook_id = input.webhookId;
  if (input.replyTo) {
    message.message_reference = { message_id: input.replyTo.id, channel_id: input.replyTo.channel_id, guild_id: input.guildId };
    message.referenced_message = input.replyTo;
  }
  return message;
}

/** A small guild with one text channel, in which the bot is a member. */
export function makeGuildCreate(guildId: string, channelId: string, bot: APIUser, owner: APIUser): GatewayGuildCreateDispatchData {
  const everyone = {
    id: guildId,
    name: '@everyone',
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: 0,
    permissions: MEMBER_PERMISSIONS,
    managed: false,
    mentionable: false,
    flags: 0,
  };
  return {
    id: guildId,
    name: 'Fake Guild',
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: owner.id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [everyone],
    emojis: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: channelId,
    system_channel_flags: NO_SYSTEM_CHANNEL_FLAGS,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: 0,
    stickers: [],
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: isoNow(),
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [makeMember(bot), makeMember(owner)],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    threads: [],
    channels: [
      {
        id: channelId,
        type: ChannelType.GuildText,
        guild_id: guildId,
        name: 'general',
        position: 0,
        permission_overwrites: [],
        nsfw: false,
        topic: null,
        last_message_id: null,
        rate_limit_per_user: 0,
        parent_id: null,
      },
    ],
  };
}
