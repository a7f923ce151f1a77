// A fake Discord for end-to-end tests of the real discord.js client: REST and the gateway
// WebSocket share one HTTP server on 127.0.0.1. Point discord.js at it with
//   new Client({ intents, rest: { api: fake.restRoot } })  and  client.login(fake.token)
// and destroy the client before fake.stop().
import http from 'node:http';
import {
  ChannelType,
  GatewayDispatchEvents,
  InteractionType,
  type APIApplicationCommandAutocompleteInteraction,
  type APIAttachment,
  type APIChatInputApplicationCommandInteraction,
  type ApplicationFlags,
  type APIMessage,
  type APIUser,
  type GatewayMessageCreateDispatchData,
} from 'discord.js';
import type { Fault } from './faults.js';
import { closeServer, listenLocal, sendJson } from './http-util.js';
import { FakeGateway, shardOfGuild, type GatewayEvent } from './discord-gateway.js';
import { DiscordRest, type DiscordRestCall } from './discord-rest.js';
import {
  makeGuildCreate,
  makeInteraction,
  makeMessage,
  memberWithoutUser,
  makeUser,
  snowflake,
  type FakeCommandOption,
  type UserInput,
} from './discord-model.js';

export type { DiscordRestCall } from './discord-rest.js';
export type { GatewayEvent } from './discord-gateway.js';
export type { FakeCommandOption, UserInput } from './discord-model.js';

export type DiscordStartOptions = {
  /** What HELLO asks for; the real value is ~41 s. Make it small to see heartbeats in a test. */
  heartbeatIntervalMs?: number;
  /** Where the REST API lives (`/api`, like discord.com); `/proxy/api` puts it behind a path, as a reverse proxy would. */
  apiPath?: string;
  /** Shards the bot must connect (GET /gateway/bot, IDENTIFY), each getting its guilds' events. Default 1. */
  shards?: number;
  /** Refuse an interaction's first callback (reply or defer) this long after the command with 10062 Unknown interaction, as Discord does after 3 s. Default: no deadline. */
  callbackDeadlineMs?: number;
};

export type InteractionOptions = {
  commandName: string;
  options?: FakeCommandOption[];
  /** Defaults to fake.user. */
  user?: APIUser;
  /** Omit for a command used in a DM with the bot. */
  guildId?: string;
  /** Defaults to the guild's text channel, or the user's DM channel when there is no guild. */
  channelId?: string;
  /** Permission bitfield string of the invoking member (guild only). */
  memberPermissions?: string;
  /** When the user invoked it (default now); its token expires 15 minutes after. */
  createdAt?: number;
};

export type MessageOptions = {
  content: string;
  /** Defaults to fake.user. */
  author?: APIUser;
  /** Omit for a DM (then channelId defaults to the author's DM channel). */
  guildId?: string;
  channelId?: string;
  attachments?: APIAttachment[];
  /** Defaults to the known users mentioned as <@id> in the content, as Discord derives them. */
  mentions?: APIUser[];
  /** The author deletes it right after sending: replies referencing it fail unless fail_if_not_exists is false. */
  deleted?: boolean;
};

export class FakeDiscordServer {
  readonly token = 'ODg4.fake.discord-bot-token';
  readonly applicationId = snowflake();
  readonly bot: APIUser = makeUser({ id: this.applicationId, username: 'LookalikeBot', bot: true });
  /** A default human user for dispatches. */
  readonly user: APIUser = makeUser({ username: 'tester' });
  readonly guildId = snowflake();
  readonly channelId = snowflake();
  readonly shards: number;
  /** Guild id -> its text channel. */
  private readonly guildChannels = new Map<string, string>([[this.guildId, this.channelId]]);
  private readonly users = new Map<string, APIUser>([
    [this.bot.id, this.bot],
    [this.user.id, this.user],
  ]);
  private readonly dmChannels = new Map<string, string>(); // user id -> DM channel id
  private readonly rest: DiscordRest;
  private readonly gateway: FakeGateway;
  private readonly apiPath: string;

  private constructor(
    private readonly server: http.Server,
    readonly httpRoot: string,
    options: DiscordStartOptions,
  ) {
    this.apiPath = options.apiPath ?? '/api';
    this.shards = options.shards ?? 1;
    this.rest = new DiscordRest({
      token: this.token,
      httpRoot,
      bot: this.bot,
      applicationId: this.applicationId,
      apiPrefix: `${this.apiPath}/v10`,
      callbackDeadlineMs: options.callbackDeadlineMs,
      shards: this.shards,
    });
    this.rest.addChannel(this.channelId, this.guildId);
    this.gateway = new FakeGateway(server, {
      path: '/gateway',
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      shards: this.shards,
      ready: (sessionId, shard) => ({
        v: 10,
        user: this.bot,
        session_id: sessionId,
        resume_gateway_url: `${httpRoot.replace(/^http/, 'ws')}/gateway`,
        shard: [shard, this.shards],
        application: { id: this.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' }, // no flags; the enum has no 0 member
        guilds: this.guildsOf(shard).map(([id]) => ({ id, unavailable: true })),
      }),
      guilds: (shard) => this.guildsOf(shard).map(([id, channel]) => makeGuildCreate(id, channel, this.bot, this.user)),
    });
    server.on('request', (req, res) => {
      this.rest.handle(req, res).catch((error: unknown) => {
        // Only unparseable bodies get here; a 500 makes discord.js fail loudly rather than hang.
        if (!res.headersSent) sendJson(res, 500, { code: 0, message: String(error) });
      });
    });
  }

  static async start(options: DiscordStartOptions = {}): Promise<FakeDiscordServer> {
    const server = http.createServer();
    const port = await listenLocal(server);
    return new FakeDiscordServer(server, `http://127.0.0.1:${port}`, options);
  }

  /** Pass as `rest.api`; @discordjs/rest appends `/v10` itself. */
  get restRoot(): string {
    return `${this.httpRoot}${this.apiPath}`;
  }

  /** REST calls in the order they were answered (attachment downloads are in `downloads`). */
  get calls(): readonly DiscordRestCall[] {
    return this.rest.calls.entries;
  }

  /** Paths of attachment downloads. */
  get downloads(): readonly string[] {
    return this.rest.downloads;
  }

  /** Connections, payloads the client sent (identify, heartbeats, ...) and closes. */
  get gatewayEvents(): readonly GatewayEvent[] {
    return this.gateway.events.entries;
  }

  /** Registered commands by scope: 'global' or a guild id. */
  get commands(): DiscordRest['commands'] {
    return this.rest.commands;
  }

  waitForCall(predicate: (call: DiscordRestCall) => boolean, timeoutMs = 2000): Promise<DiscordRestCall> {
    return this.rest.calls.waitFor(predicate, timeoutMs, (c) => `${c.method} ${c.path} -> ${c.status}`, 'a matching REST call');
  }

  waitForGateway(predicate: (event: GatewayEvent) => boolean, timeoutMs = 2000): Promise<GatewayEvent> {
    return this.gateway.events.waitFor(predicate, timeoutMs, (e) => (e.kind === 'receive' ? `op ${e.op}` : e.kind), 'a gateway event');
  }

  /** Another guild with a text channel, on `shard` (its id is chosen so); add guilds before the bot logs in. */
  addGuild(shard = 0): { guildId: string; channelId: string } {
    let at = Date.now();
    let guildId = snowflake(at);
    while (shardOfGuild(guildId, this.shards) !== shard) guildId = snowflake(++at);
    const channelId = snowflake();
    this.guildChannels.set(guildId, channelId);
    this.rest.addChannel(channelId, guildId);
    return { guildId, channelId };
  }

  /** Every guild the bot is in: the default one first. */
  get guildIds(): string[] {
    return [...this.guildChannels.keys()];
  }

  /** The shard whose session gets a guild's events. */
  shardOf(guildId: string): number {
    return shardOfGuild(guildId, this.shards);
  }

  private guildsOf(shard: number): [string, string][] {
    return [...this.guildChannels].filter(([id]) => shardOfGuild(id, this.shards) === shard);
  }

  /** A user the fake knows, e.g. to use as the author of a message. */
  addUser(input: UserInput = {}): APIUser {
    const user = makeUser(input);
    this.users.set(user.id, user);
    return user;
  }

  /** Stores bytes downloadable at the returned attachment's `url`. */
  addAttachment(bytes: Buffer, filename: string, contentType: string, size?: { width: number; height: number }): APIAttachment {
    return this.rest.addAttachment(bytes, filename, contentType, size);
  }

  /** Sends INTERACTION_CREATE for a slash command; returns the payload (id, token, ...). */
  dispatchInteraction(input: InteractionOptions): APIChatInputApplicationCommandInteraction {
    const user = input.user ?? this.user;
    const channelId = input.channelId ?? (input.guildId ? this.channelOf(input.guildId) : this.dmChannelOf(user));
    const command = [...this.commands.values()].flat().find((c) => c.name === input.commandName);
    const interaction = makeInteraction({
      applicationId: this.applicationId,
      commandId: command?.id ?? snowflake(),
      commandName: input.commandName,
      options: input.options ?? [],
      user,
      guildId: input.guildId,
      channelId,
      memberPermissions: input.memberPermissions,
      createdAt: input.createdAt,
    });
    this.rest.addInteraction({ id: interaction.id, token: interaction.token, channelId, createdAt: input.createdAt ?? Date.now() });
    this.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, interaction);
    return interaction;
  }

  /** Sends INTERACTION_CREATE for autocomplete: the user has typed `value` so far into the string option `option` of `/commandName`. */
  dispatchAutocomplete(commandName: string, option: string, value: string, extra: { user?: APIUser } = {}): APIApplicationCommandAutocompleteInteraction {
    const user = extra.user ?? this.user;
    const command = [...this.commands.values()].flat().find((c) => c.name === commandName);
    const base = makeInteraction({
      applicationId: this.applicationId,
      commandId: command?.id ?? snowflake(),
      commandName,
      options: [{ name: option, type: 'string', value }],
      user,
      guildId: this.guildId,
      channelId: this.channelId,
    });
    // The same payload as a command's, but of the autocomplete type and with the typed option marked as focused.
    const interaction = {
      ...base,
      type: InteractionType.ApplicationCommandAutocomplete,
      data: { ...base.data, options: base.data.options?.map((o) => ({ ...o, focused: true })) },
    } as APIApplicationCommandAutocompleteInteraction;
    this.rest.addInteraction({ id: interaction.id, token: interaction.token, channelId: this.channelId, createdAt: Date.now() });
    this.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, interaction);
    return interaction;
  }

  /** Expires an interaction's token now (Discord does so after 15 minutes): later webhook calls get 401 Invalid Webhook Token (50027). */
  expireInteraction(token: string): void {
    this.rest.expireInteraction(token);
  }

  /** The next REST request matching `method` and `path` (relative to /api/v10) fails with a 500 or a closed connection. */
  failNext(method: string, path: RegExp, fault: Fault): void {
    this.rest.failNext(method, path, fault);
  }

  /** Sends MESSAGE_CREATE as if a user had posted; returns the message. */
  dispatchMessage(input: MessageOptions): GatewayMessageCreateDispatchData {
    const author = input.author ?? this.user;
    const channelId = input.channelId ?? (input.guildId ? this.channelOf(input.guildId) : this.dmChannelOf(author));
    const mentionedIds = [...input.content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]);
    const mentions = input.mentions ?? mentionedIds.flatMap((id) => this.users.get(id) ?? []);
    const message: APIMessage = makeMessage({ channelId, guildId: input.guildId, author, content: input.content, attachments: input.attachments, mentions });
    const payload: GatewayMessageCreateDispatchData = input.guildId
      ? { ...message, guild_id: input.guildId, member: memberWithoutUser(author), channel_type: ChannelType.GuildText }
      : { ...message, channel_type: ChannelType.DM };
    if (!input.deleted) this.rest.addMessage(payload);
    this.gateway.dispatch(GatewayDispatchEvents.MessageCreate, payload);
    return payload;
  }

  async stop(): Promise<void> {
    await this.gateway.close();
    await closeServer(this.server);
  }

  private channelOf(guildId: string): string {
    const channelId = this.guildChannels.get(guildId);
    if (!channelId) throw new Error(`fake discord: unknown guild ${guildId}`);
    return channelId;
  }

  private dmChannelOf(user: APIUser): string {
    let channelId = this.dmChannels.get(user.id);
    if (!channelId) {
      channelId = snowflake();
      this.dmChannels.set(user.id, channelId);
      this.rest.addChannel(channelId);
    }
    return channelId;
  }
}
