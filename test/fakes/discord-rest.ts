// The HTTP half of the fake Discord: the REST routes the bot uses, under /api/v10 (discord.js
// builds URLs as `${rest.api}/v10${route}`), plus attachment downloads under /attachments.
// Errors use Discord's JSON error shape {code, message} so discord.js raises DiscordAPIError.
import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { APIApplicationCommand, APIAttachment, APIMessage, APIUser } from 'discord.js';
import { CallLog } from './call-log.js';
import { FaultQueue, type Fault } from './faults.js';
import { readBody, sendJson, type UploadedFile } from './http-util.js';
import { makeMessage, snowflake } from './discord-model.js';
import {
  INTERACTION_TOKEN_MS,
  type DiscordRestCall,
  type Interaction,
  type MessageBody,
  type Reply,
  type Request,
  type Route,
  type StoredMessage,
} from './discord-rest-types.js';

export { INTERACTION_TOKEN_MS, type DiscordRestCall } from './discord-rest-types.js';

export type RestConfig = {
  token: string;
  httpRoot: string;
  bot: APIUser;
  applicationId: string;
  /** `/api/v10` */
  apiPrefix: string;
  /** See DiscordStartOptions.callbackDeadlineMs. */
  callbackDeadlineMs?: number;
  /** What GET /gateway/bot recommends. */
  shards: number;
};
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;

class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const noContent: Reply = { status: 204 };

export class DiscordRest {
  readonly calls = new CallLog<DiscordRestCall>();
  readonly downloads: string[] = [];
  readonly commands = new Map<string, APIApplicationCommand[]>(); // key: 'global' or a guild id
  private readonly attachments = new Map<string, { attachment: APIAttachment; bytes: Buffer }>();
  private readonly messages = new Map<string, StoredMessage>();
  private readonly channels = new Map<string, string | undefined>(); // channel id -> guild id (undefined for DMs)
  private readonly interactions = new Map<string, Interaction>(); // by token
  private readonly routes: Route[];
  private readonly faults = new FaultQueue();

  constructor(private readonly config: RestConfig) {
    // Routes that name the application only match this fake's application id (or @me).
    const app = `(?:${config.applicationId}|@me)`;
    const hook = `/webhooks/${config.applicationId}/([^/]+)`;
    this.routes = [
      { method: 'GET', pattern: /^\/gateway\/bot$/, auth: true, handle: () => ok(this.gatewayInfo()) },
      { method: 'GET', pattern: /^\/users\/@me$/, auth: true, handle: () => ok(config.bot) },
      { method: 'GET', pattern: /^\/applications\/@me$/, auth: true, handle: () => ok(this.application()) },
      { method: 'PUT', pattern: new RegExp(`^/applications/${app}/commands$`), auth: true, handle: (_p, r) => this.putCommands('global', r) },
      { method: 'PUT', pattern: new RegExp(`^/applications/${app}/guilds/(\\d+)/commands$`), auth: true, handle: (p, r) => this.putCommands(p[0], r) },
      { method: 'POST', pattern: /^\/interactions\/(\d+)\/([^/]+)\/callback$/, auth: false, handle: (p, r) => this.callback(p[0], p[1], r) },
      { method: 'GET', pattern: new RegExp(`^${hook}/messages/@original$`), auth: false, handle: (p) => ok(this.original(p[0])) },
      { method: 'PATCH', pattern: new RegExp(`^${hook}/messages/@original$`), auth: false, handle: (p, r) => ok(this.editOriginal(p[0], r)) },
      { method: 'POST', pattern: new RegExp(`^${hook}$`), auth: false, handle: (p, r) => ok(this.followUp(p[0], r)) },
      { method: 'PATCH', pattern: new RegExp(`^${hook}/messages/(\\d+)$`), auth: false, handle: (p, r) => ok(this.editFollowUp(p[0], p[1], r)) },
      { method: 'PATCH', pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/, auth: true, handle: (p, r) => ok(this.editMessage(p[0], p[1], r)) },
      { method: 'POST', pattern: /^\/channels\/(\d+)\/messages$/, auth: true, handle: (p, r) => ok(this.createMessage(p[0], r)) },
      { method: 'POST', pattern: /^\/channels\/(\d+)\/typing$/, auth: true, handle: (p) => (this.requireChannel(p[0]), noContent) },
    ];
  }

  addChannel(channelId: string, guildId?: string): void {
    this.channels.set(channelId, guildId);
  }

  /** Remembers a message the fake dispatched, so the bot can reply to it. */
  addMessage(message: StoredMessage): void {
    this.messages.set(message.id, message);
  }

  addInteraction(interaction: Omit<Interaction, 'acknowledged'>): void {
    this.interactions.set(interaction.token, { ...interaction, acknowledged: false });
  }

  /** Expires an interaction's token now, as Discord does 15 minutes after it was created: webhook calls get 401 Invalid Webhook Token (50027). */
  expireInteraction(token: string): void {
    const interaction = this.interactions.get(token);
    if (interaction) interaction.expired = true;
  }

  /** The next request matching `method` and `path` (relative to /api/v10) fails like this. */
  failNext(method: string, path: RegExp, fault: Fault): void {
    this.faults.add(method, path, fault);
  }

  /** Forgets a message, as when its author deletes it. */
  deleteMessage(messageId: string): void {
    this.messages.delete(messageId);
  }

  addAttachment(bytes: Buffer, filename: string, contentType: string, size?: { width: number; height: number }): APIAttachment {
    const id = snowflake();
    // Real CDN links carry signed query parameters; keeping them catches code that parses URLs naively.
    const url = `${this.config.httpRoot}/attachments/${id}/${encodeURIComponent(filename)}?ex=${randomBytes(4).toString('hex')}&is=00&hm=${randomBytes(8).toString('hex')}`;
    const attachment: APIAttachment = {
      id,
      filename,
      size: bytes.length,
      url,
      proxy_url: url,
      content_type: contentType,
      ...(size ? { width: size.width, height: size.height } : {}),
    };
    this.attachments.set(id, { attachment, bytes });
    return attachment;
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.config.httpRoot);
    const download = url.pathname.match(/^\/attachments\/(\d+)\/[^/]+$/);
    if (req.method === 'GET' && download) return this.serveAttachment(download[1], url.pathname, res);

    // @discordjs/rest sends `@original` and `@me` percent-encoded; match and record the decoded form.
    const decoded = decodeURIComponent(url.pathname);
    if (!decoded.startsWith(`${this.config.apiPrefix}/`)) return sendJson(res, 404, { code: 0, message: '404: Not Found' });
    const path = decoded.slice(this.config.apiPrefix.length);
    const parsed = await readBody(req);
    const body = parsed.fields.payload_json !== undefined ? (JSON.parse(parsed.fields.payload_json) as unknown) : parsed.json;
    const request: Request = { body, files: parsed.files, query: url.searchParams };
    const query = Object.fromEntries(url.searchParams);
    const fault = this.faults.take(req.method ?? 'GET', path);
    if (fault === 'close') {
      this.calls.record({ method: req.method ?? 'GET', path, query, body, files: parsed.files, status: 0, response: undefined });
      req.socket.destroy();
      return;
    }
    let reply: Reply;
    try {
      if (fault === 500) throw new RestError(500, 0, '500: Internal Server Error');
      reply = this.route(req, path, request);
    } catch (error) {
      // Anything but a RestError is a bug in the fake; still answer and record it so the test shows it.
      const restError = error instanceof RestError ? error : new RestError(500, 0, `fake server bug: ${String(error)}`);
      reply = { status: restError.status, body: { code: restError.code, message: restError.message } };
    }
    this.calls.record({ method: req.method ?? 'GET', path, query, body, files: parsed.files, status: reply.status, response: reply.body });
    if (reply.body === undefined) res.writeHead(reply.status).end();
    else sendJson(res, reply.status, reply.body);
  }

  private route(req: http.IncomingMessage, path: string, request: Request): Reply {
    const route = this.routes.find((r) => r.method === req.method && r.pattern.test(path));
    if (!route) throw new RestError(404, 0, '404: Not Found');
    if (route.auth && req.headers.authorization !== `Bot ${this.config.token}`) throw new RestError(401, 0, '401: Unauthorized');
    return route.handle((path.match(route.pattern) ?? []).slice(1), request);
  }

  private serveAttachment(id: string, path: string, res: http.ServerResponse): void {
    const stored = this.attachments.get(id);
    if (!stored) return sendJson(res, 404, { code: 0, message: '404: Not Found' });
    this.downloads.push(path);
    res.writeHead(200, { 'content-type': stored.attachment.content_type ?? 'application/octet-stream', 'content-length': stored.bytes.length });
    res.end(stored.bytes);
  }

  private gatewayInfo(): unknown {
    const wsUrl = this.config.httpRoot.replace(/^http/, 'ws') + '/gateway';
    return { url: wsUrl, shards: this.config.shards, session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 } };
  }

  private application(): unknown {
    const { applicationId: id, bot } = this.config;
    return { id, name: bot.username, icon: null, description: '', bot_public: true, bot_require_code_grant: false, verify_key: '00', flags: 0, bot };
  }

  private putCommands(scope: string, req: Request): Reply {
    const previous = this.commands.get(scope) ?? [];
    const commands = (req.body as Partial<APIApplicationCommand>[]).map((input): APIApplicationCommand => {
      const type = input.type ?? 1;
      // The real API rejects upper-case names and missing descriptions, a common first-deploy failure.
      if (!/^[-_\p{Ll}\p{N}]{1,32}$/u.test(input.name ?? '') || (type === 1 && !input.description)) {
        throw new RestError(400, 50035, 'Invalid Form Body');
      }
      return {
        ...input,
        id: previous.find((c) => c.name === input.name)?.id ?? snowflake(),
        application_id: this.config.applicationId,
        ...(scope === 'global' ? {} : { guild_id: scope }),
        name: input.name ?? '',
        description: input.description ?? '',
        type,
        default_member_permissions: input.default_member_permissions ?? null,
        version: snowflake(),
      };
    });
    this.commands.set(scope, commands);
    return ok(commands);
  }

  private interaction(token: string): Interaction {
    const interaction = this.interactions.get(token);
    if (!interaction) throw new RestError(404, 10015, 'Unknown Webhook');
    if (interaction.expired || Date.now() - interaction.createdAt > INTERACTION_TOKEN_MS) throw new RestError(401, 50027, 'Invalid Webhook Token');
    return interaction;
  }

  private editFollowUp(token: string, messageId: string, req: Request): APIMessage {
    const interaction = this.interaction(token);
    const message = this.messages.get(messageId);
    if (!message || message.channel_id !== interaction.channelId || message.webhook_id !== this.config.applicationId)
      throw new RestError(404, 10008, 'Unknown Message');
    return this.applyEdit(message, req);
  }

  private editMessage(channelId: string, messageId: string, req: Request): APIMessage {
    const message = this.messages.get(messageId);
    if (!message || message.channel_id !== channelId) throw new RestError(404, 10008, 'Unknown Message');
    if (message.author.id !== this.config.bot.id) throw new RestError(403, 50005, 'Cannot edit a message authored by another user');
    return this.applyEdit(message, req);
  }

  private applyEdit(message: APIMessage, req: Request): APIMessage {
    const body = req.body as MessageBody;
    const edited = this.buildMessage(message.channel_id, { content: message.content, ...body }, req.files);
    this.messages.delete(edited.id);
    Object.assign(message, { content: edited.content, edited_timestamp: new Date().toISOString() });
    return message;
  }

  private callback(id: string, token: string, req: Request): Reply {
    const { type, data } = req.body as { type: number; data?: MessageBody };
    const interaction = this.interactions.get(token);
    if (interaction?.id !== id) throw new RestError(404, 10062, 'Unknown interaction');
    const late = this.config.callbackDeadlineMs !== undefined && Date.now() - interaction.createdAt > this.config.callbackDeadlineMs;
    if (late && !interaction.acknowledged) throw new RestError(404, 10062, 'Unknown interaction');
    if (interaction.acknowledged) throw new RestError(400, 40060, 'Interaction has already been acknowledged.');
    if (type === 8) {
      // APPLICATION_COMMAND_AUTOCOMPLETE_RESULT: the choices are in the call's body; no message is made.
      interaction.acknowledged = true;
      return noContent;
    }
    if (type !== 4 && type !== 5) throw new RestError(400, 50035, `Invalid Form Body (fake supports callback types 4, 5 and 8, got ${type})`);
    const flags = (data?.flags ?? 0) | (type === 5 ? LOADING : 0);
    const original =
      type === 4
        ? this.buildMessage(interaction.channelId, { ...data, flags }, req.files)
        : makeMessage({ channelId: interaction.channelId, guildId: this.channels.get(interaction.channelId), author: this.config.bot, content: '' });
    Object.assign(original, { flags, webhook_id: this.config.applicationId, application_id: this.config.applicationId });
    Object.assign(interaction, { acknowledged: true, original });
    if (req.query.get('with_response') !== 'true') return noContent;
    return ok({
      interaction: {
        id,
        type: 2,
        response_message_id: original.id,
        response_message_loading: type === 5,
        response_message_ephemeral: (flags & EPHEMERAL) !== 0,
      },
      resource: { type, message: original },
    });
  }

  private original(token: string): APIMessage {
    const original = this.interaction(token).original;
    if (!original) throw new RestError(404, 10008, 'Unknown Message');
    return original;
  }

  private editOriginal(token: string, req: Request): APIMessage {
    const original = this.original(token);
    const body = req.body as MessageBody;
    const kept = body.attachments
      ? original.attachments.filter((a) => body.attachments?.some((k) => String(k.id) === a.id))
      : req.files.length > 0
        ? []
        : original.attachments;
    // Built as a separate message only to validate the edit and store its new files.
    const edited = this.buildMessage(original.channel_id, { content: original.content, ...body }, req.files);
    Object.assign(original, {
      content: edited.content,
      attachments: [...kept, ...edited.attachments],
      edited_timestamp: new Date().toISOString(),
      flags: (original.flags ?? 0) & ~LOADING, // Editing a deferred reply ends the "thinking..." state.
    });
    return original;
  }

  private followUp(token: string, req: Request): APIMessage {
    const interaction = this.interaction(token);
    if (!interaction.acknowledged) throw new RestError(404, 10015, 'Unknown Webhook');
    const message = this.buildMessage(interaction.channelId, req.body as MessageBody, req.files);
    Object.assign(this.messages.get(message.id) ?? {}, { webhook_id: this.config.applicationId });
    return Object.assign(message, { webhook_id: this.config.applicationId, application_id: this.config.applicationId });
  }

  private requireChannel(channelId: string): void {
    if (!this.channels.has(channelId)) throw new RestError(404, 10003, 'Unknown Channel');
  }

  private createMessage(channelId: string, req: Request): APIMessage {
    this.requireChannel(channelId);
    return this.buildMessage(channelId, req.body as MessageBody, req.files);
  }

  /** Validates a message body like Discord does and stores the resulting message. */
  private buildMessage(channelId: string, body: MessageBody = {}, files: UploadedFile[]): APIMessage {
    const content = body.content ?? '';
    if (content.length > 2000) throw new RestError(400, 50035, 'Invalid Form Body');
    if (content === '' && files.length === 0 && !body.embeds?.length) {
      throw new RestError(400, 50006, 'Cannot send an empty message');
    }
    if (files.some((f) => f.bytes.length > MAX_UPLOAD_BYTES)) throw new RestError(413, 40005, 'Request entity too large');
    const referenceId = body.message_reference?.message_id;
    const replyTo = referenceId ? this.messages.get(referenceId) : undefined;
    if (referenceId && !replyTo && body.message_reference?.fail_if_not_exists !== false) {
      throw new RestError(400, 50035, 'Invalid Form Body');
    }
    const attachments = files.map((f) => this.addAttachment(f.bytes, f.fileName, f.contentType || 'application/octet-stream'));
    const message = makeMessage({ channelId, guildId: this.channels.get(channelId), author: this.config.bot, content, attachments, replyTo });
    if (body.flags) message.flags = body.flags;
    this.messages.set(message.id, { ...message, guild_id: this.channels.get(channelId) });
    return message;
  }
}
