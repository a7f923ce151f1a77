/**
 * The Discord adapter (discord.js v14, gateway). It only translates: slash commands, DMs and
 * messages that mention the bot become core requests; the core answers through
 * InteractionChat or MessageChat. discord.js does not wait for listeners, so every request
 * runs on its own and nobody waits for somebody else's photo.
 *
 * Intents: Guilds, GuildMessages, DirectMessages. Not the privileged MessageContent: Discord
 * delivers content and attachments of DMs and of messages that mention the bot without it.
 */
import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  Status,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Message,
} from 'discord.js';
import type { DiscordShards, PlatformConfig } from '../../config.js';
import type { BotCore } from '../core/bot-core.js';
import type { Actor } from '../core/types.js';
import type { Logger } from '../log.js';
import type { PlatformBot } from '../platform.js';
import { AUTOCOMPLETE_CHOICES, requestFor, whoChoices } from './commands.js';
import { discordImage } from './files.js';
import { InteractionChat } from './interaction-chat.js';
import { MessageChat } from './message-chat.js';
import { toMarkdown } from './render.js';
import { unknownCommandText } from '../core/texts/help.js';
import { PLATFORMS } from '../platforms.js';

export const DISCORD_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];

const actorOf = (user: { id: string; username: string }): Actor => ({ platform: 'discord', id: user.id, name: user.username });

/**
 * Resolves when every shard is ready. Shards identify about 5 s apart (Discord's limit), so
 * the timeout is for a pause in progress, not for the whole start.
 */
function allShardsReady(client: Client, stallMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const stalled = () => reject(new Error(`no shard became ready for ${stallMs / 1000} s`));
    // Unref'd: a login that failed must not keep the process alive for the rest of the wait.
    let timer = setTimeout(stalled, stallMs).unref();
    const progress = () => {
      clearTimeout(timer);
      timer = setTimeout(stalled, stallMs).unref();
    };
    client.on(Events.ShardReady, progress);
    client.once(Events.ClientReady, () => {
      clearTimeout(timer);
      client.off(Events.ShardReady, progress);
      resolve();
    });
  });
}

export function createDiscordBot(config: PlatformConfig & { shards?: DiscordShards }, core: BotCore, log: Logger, readyTimeoutMs = 30_000): PlatformBot {
  const shards = config.shards ?? 'auto';
  const client = new Client({
    intents: DISCORD_INTENTS,
    // Every shard in this process (internal sharding); see DiscordShards in config.ts.
    ...(shards === 'auto' ? { shards: 'auto' as const } : { shards: [...shards.ids], shardCount: shards.count }),
    partials: [Partials.Channel], // DM channels are not cached; without this partial DMs are dropped
    ...(config.apiRoot ? { rest: { api: config.apiRoot } } : {}),
  });

  const onCommand = async (interaction: ChatInputCommandInteraction): Promise<void> => {
    const receivedAt = Date.now();
    const request = requestFor(interaction);
    if (!request) {
      // A stale registration (renamed or removed command): acknowledge it anyway, or the user sees
      // "The application did not respond"; the owner should run `npm run discord:register`.
      log.warn('discord.unknown_command', { command: interaction.commandName, hint: 'run npm run discord:register' });
      const content = toMarkdown(unknownCommandText(interaction.commandName, PLATFORMS.discord.syntax));
      await interaction
        .reply({ content, flags: MessageFlags.Ephemeral })
        .catch((e: unknown) => log.error('discord.reply_failed', e, { command: interaction.commandName }));
      return;
    }
    try {
      await interaction.deferReply(); // must happen within 3 s; everything after may take longer
    } catch (error) {
      log.error('discord.defer_failed', error, { command: interaction.commandName });
      return;
    }
    await core.handle({ actor: actorOf(interaction.user), chat: new InteractionChat(interaction), request, receivedAt, key: `discord.${interaction.id}` });
  };

  // Answered at once, outside the core's queue: Discord drops an autocomplete answer after 3 s, and a search takes milliseconds.
  const onAutocomplete = async (interaction: AutocompleteInteraction): Promise<void> => {
    const typed = interaction.commandName === 'who' ? interaction.options.getFocused() : null;
    const choices = typed === null ? [] : whoChoices(core.suggestPeople(typed, AUTOCOMPLETE_CHOICES));
    await interaction.respond(choices);
  };

  const onMessage = async (message: Message): Promise<void> => {
    if (message.author.bot || !client.user) return;
    const inDm = message.guildId === null;
    if (!inDm && !message.mentions.users.has(client.user.id)) return;
    const attachment = message.attachments.first();
    const request = attachment ? { kind: 'photo' as const, image: discordImage(attachment) } : { kind: 'hint' as const };
    await core.handle({ actor: actorOf(message.author), chat: new MessageChat(message), request, key: `discord.${message.id}` });
  };

  client.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isChatInputCommand()) onCommand(interaction).catch((e: unknown) => log.error('discord.handler_failed', e));
    else if (interaction.isAutocomplete()) onAutocomplete(interaction).catch((e: unknown) => log.error('discord.autocomplete_failed', e));
  });
  client.on(Events.MessageCreate, (message) => {
    onMessage(message).catch((e: unknown) => log.error('discord.handler_failed', e));
  });
  client.on(Events.Error, (error) => log.error('discord.client_error', error));
  client.on(Events.ShardDisconnect, (event) => log.warn('discord.disconnected', { code: event.code }));

  return {
    platform: 'discord',
    async start() {
      const ready = allShardsReady(client, readyTimeoutMs);
      ready.catch(() => undefined); // login failing first rejects below; this one must not go unhandled
      await client.login(config.token);
      await ready;
      log.info('bot.started', {
        platform: 'discord',
        username: client.user?.username,
        apiRoot: config.apiRoot ?? 'official',
        shards: client.ws.shards.map((shard) => shard.id).join(','),
        shardCount: client.options.shardCount,
      });
    },
    async stopReceiving() {
      // Discord keeps no backlog for a bot that is away: events keep coming to the core, which
      // answers "I'm restarting" once it stops taking work. Better than "the application did not respond".
    },
    async close() {
      await client.destroy();
      log.info('bot.stopped', { platform: 'discord' });
    },
    connection() {
      const shards = [...client.ws.shards.values()];
      if (shards.length === 0) return { connected: false, detail: 'not connected' };
      const down = shards.filter((shard) => shard.status !== Status.Ready);
      return down.length === 0
        ? { connected: true, detail: `${shards.length} shard${shards.length > 1 ? 's' : ''} ready` }
        : { connected: false, detail: down.map((shard) => `shard ${shard.id} ${Status[shard.status]}`).join(', ') };
    },
  };
}
