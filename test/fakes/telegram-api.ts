// A fake Telegram Bot API (https://core.telegram.org/bots/api) on 127.0.0.1, so the real
// telegraf client can run end to end in tests. It implements only what the bot uses and
// answers errors the way the real API does (HTTP status + {ok:false, error_code, description}).
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { File, User, UserFromGetMe } from 'telegraf/types';
import { CallLog } from './call-log.js';
import { FakeWebhook } from './telegram-webhook.js';
import { FaultQueue, FloodControl, type Fault } from './faults.js';
import { closeServer, listenLocal, readBody, sendJson, type UploadedFile } from './http-util.js';
import {
  BotApiError,
  chatFor,
  describeCall,
  entitiesOf,
  FLOOD_COUNTED,
  type AddFileOptions,
  type StartOptions,
  type StoredFile,
  type StoredMessage,
  type TelegramCall,
  type TelegramParams,
  type UserMessageOptions,
  type UserUpdate,
  toParams,
} from './telegram-model.js';

export type { AddFileOptions, StartOptions, StoredMessage, TelegramCall, UserMessageOptions, UserUpdate } from './telegram-model.js';

/** The Bot API refuses getFile for anything bigger than this (bots cannot download > 20 MB). */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export class FakeTelegramServer {
  readonly token: string;
  readonly bot: UserFromGetMe;
  /** file_paths fetched through the download URL, in order. */
  readonly downloads: string[] = [];
  private readonly log = new CallLog<TelegramCall>();
  private readonly files = new Map<string, StoredFile>();
  private readonly chats = new Map<number, StoredMessage['chat']>();
  /** Messages the bot sent, by `${chatId}:${messageId}`, so editMessageText can check them. */
  private readonly botMessages = new Map<string, StoredMessage>();
  /** Updates stay here until a getUpdates call confirms them with a higher `offset`, like the real API. */
  private pending: UserUpdate[] = [];
  private readonly pollWakers = new Set<() => void>();
  /** Messages users sent, by `${chatId}:${messageId}`, minus those deleted: what the bot may reply to. */
  private readonly userMessages = new Set<string>();
  private readonly faults = new FaultQueue();
  /** setWebhook state and deliveries; while a webhook is set, updates are POSTed instead of polled. */
  readonly webhook = new FakeWebhook();
  private flood: FloodControl | null = null;
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private nextFileNumber = 1;
  private stopped = false;

  private constructor(
    private readonly server: http.Server,
    readonly apiRoot: string,
    token: string,
    private readonly maxPollMs: number,
    private readonly pathPrefix: string,
  ) {
    this.token = token;
    const id = Number(token.split(':')[0]);
    this.bot = {
      id: Number.isFinite(id) ? id : 1,
      is_bot: true,
      first_name: 'Lookalike',
      username: 'lookalike_test_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    };
  }

  static async start(options: StartOptions = {}): Promise<FakeTelegramServer> {
    const server = http.createServer();
    const port = await listenLocal(server);
    const prefix = options.pathPrefix?.replace(/\/+$/, '') ?? '';
    const fake = new FakeTelegramServer(
      server,
      `http://127.0.0.1:${port}${prefix ? `${prefix}/` : ''}`,
      options.token ?? '123456:TEST-token',
      options.maxPollMs ?? 500,
      prefix,
    );
    if (options.floodControl) fake.flood = new FloodControl(options.floodControl);
    server.on('request', (req, res) => {
      fake.handle(req, res).catch((error: unknown) => {
        // Only body parsing can get here; answer like a server error so the client reports it.
        if (!res.headersSent) sendJson(res, 500, { ok: false, error_code: 500, description: String(error) });
      });
    });
    return fake;
  }

  /** Every API call, in the order they were answered (file downloads are not API calls and are not listed). */
  get calls(): readonly TelegramCall[] {
    return this.log.entries;
  }

  callsTo(method: string): TelegramCall[] {
    return this.log.entries.filter((call) => call.method === method);
  }

  waitForCall(method: string, predicate: (call: TelegramCall) => boolean = () => true, timeoutMs = 2000): Promise<TelegramCall> {
    return this.log.waitFor((call) => call.method === method && predicate(call), timeoutMs, describeCall, method);
  }

  /** Stores bytes as a file the bot can fetch with getFile + the file download URL. */
  addFile(bytes: Buffer, options: AddFileOptions = {}): { file_id: string; file_unique_id: string; file_size: number } {
    const n = this.nextFileNumber++;
    const extension = options.fileName?.match(/\.[A-Za-z0-9]+$/)?.[0] ?? '.jpg';
    const file: StoredFile = {
      file_id: `AgAC-fake-${n}-${randomBytes(6).toString('hex')}`,
      file_unique_id: `AQAD${n}`,
      file_size: options.fileSize ?? bytes.length,
      file_path: `files/file_${n}${extension}`,
      bytes,
      width: options.width ?? 640,
      height: options.height ?? 480,
    };
    this.files.set(file.file_id, file);
    return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size };
  }

  /** Queues an update as if a user had sent a message; returns it so tests know the ids. */
  sendUserMessage(options: UserMessageOptions): UserUpdate {
    const from: User = { id: options.userId, is_bot: false, first_name: options.firstName ?? 'Test', username: options.username };
    const chat = chatFor(options, from);
    this.chats.set(chat.id, chat);
    const message: StoredMessage = { message_id: this.nextMessageId++, from, chat, date: nowSeconds() };
    if (options.text !== undefined) Object.assign(message, { text: options.text, entities: entitiesOf(options.text) });
    if (options.caption !== undefined) Object.assign(message, { caption: options.caption, caption_entities: entitiesOf(options.caption) });
    if (options.photo) {
      // Telegram lists the sizes of one photo smallest first; each given file id is one size.
      message.photo = options.photo.map((fileId) => {
        const file = this.requireFile(fileId);
        return { file_id: fileId, file_unique_id: file.file_unique_id, file_size: file.file_size, width: file.width, height: file.height };
      });
    }
    if (options.document) {
      const file = this.requireFile(options.document.fileId);
      message.document = {
        file_id: file.file_id,
        file_unique_id: file.file_unique_id,
        file_size: file.file_size,
        file_name: options.document.fileName,
        mime_type: options.document.mimeType,
      };
    }
    this.userMessages.add(`${chat.id}:${message.message_id}`);
    const update: UserUpdate = { update_id: this.nextUpdateId++, message };
    if (options.deliver === false) return update;
    if (this.webhook.current) {
      void this.webhook.post(update, this.webhook.current.secret);
      return update;
    }
    this.pending.push(update);
    for (const wake of this.pollWakers) wake();
    return update;
  }

  /** Where the operator's proxy forwards webhook POSTs: the bot's local HTTP server. */
  routeWebhookTo(localBase: string): void {
    this.webhook.routeTo(localBase);
  }

  /** The next calls of `method` fail like this, one fault per call, in order. */
  failNext(method: string, ...faults: Fault[]): void {
    this.faults.add(method, /^/, ...faults);
  }

  /** The user deletes their message: replies to it are refused unless allow_sending_without_reply is set. */
  deleteUserMessage(chatId: number, messageId: number): void {
    this.userMessages.delete(`${chatId}:${messageId}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.pollWakers) wake();
    await closeServer(this.server);
  }

  private requireFile(fileId: string): StoredFile {
    const file = this.files.get(fileId);
    if (!file) throw new Error(`fake telegram: unknown file id ${fileId}; create it with addFile() first`);
    return file;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.apiRoot);
    if (!url.pathname.startsWith(`${this.pathPrefix}/`)) return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const pathname = url.pathname.slice(this.pathPrefix.length);
    const fileMatch = pathname.match(/^\/file\/bot([^/]+)\/(.+)$/);
    if (fileMatch) return this.download(fileMatch[1], decodeURIComponent(fileMatch[2]), res);

    const apiMatch = pathname.match(/^\/bot([^/]+)\/([A-Za-z]+)$/);
    if (!apiMatch) return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (apiMatch[1] !== this.token) return sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });

    const method = apiMatch[2];
    const body = await readBody(req);
    const params = toParams(url.searchParams, body);
    const call: TelegramCall = { method, params, files: body.files, at: Date.now() };
    const fault = this.faults.take(method, pathname);
    if (fault === 'close') {
      call.error = { code: 0, description: 'connection closed without a response' };
      this.log.record(call);
      req.socket.destroy();
      return;
    }
    // Recorded once answered, so a test that waited for a call can also look at what the bot got back.
    try {
      if (fault === 500) throw new BotApiError(500, 'Internal Server Error');
      const retryAfter = FLOOD_COUNTED.has(method) ? (this.flood?.take(Number(params.chat_id)) ?? 0) : 0;
      if (retryAfter > 0) throw new BotApiError(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter);
      call.result = await this.dispatch(method, params, body.files, res);
      this.log.record(call);
      sendJson(res, 200, { ok: true, result: call.result });
    } catch (error) {
      const apiError = error instanceof BotApiError ? error : new BotApiError(500, `fake server bug: ${String(error)}`);
      call.error = { code: apiError.code, description: apiError.description };
      this.log.record(call);
      const parameters = apiError.retryAfter === undefined ? {} : { parameters: { retry_after: apiError.retryAfter } };
      sendJson(res, apiError.code, { ok: false, error_code: apiError.code, description: apiError.description, ...parameters });
    }
  }

  private dispatch(method: string, p: TelegramParams, files: UploadedFile[], res: http.ServerResponse): unknown {
    switch (method) {
      case 'getMe':
        return this.bot;
      case 'setWebhook':
        return this.webhook.set(p);
      case 'deleteWebhook':
        if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') this.pending = [];
        return this.webhook.delete();
      case 'getWebhookInfo':
        return this.webhook.info(this.pending.length);
      case 'setMyCommands':
        return this.setMyCommands(p);
      case 'sendChatAction':
        return true;
      case 'getUpdates':
        return this.getUpdates(p, res);
      case 'getFile':
        return this.getFile(String(p.file_id));
      case 'sendMessage':
        return this.sendMessage(p);
      case 'sendPhoto':
        return this.sendMedia(p, files, 'photo');
      case 'sendDocument':
        return this.sendMedia(p, files, 'document');
      case 'editMessageText':
        return this.editMessageText(p);
      default:
        throw new BotApiError(404, 'Not Found');
    }
  }

  private async getUpdates(p: TelegramParams, res: http.ServerResponse): Promise<UserUpdate[]> {
    if (this.webhook.current)
      throw new BotApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    const offset = Number(p.offset ?? 0);
    if (offset > 0) this.pending = this.pending.filter((update) => update.update_id >= offset);
    const timeoutMs = Math.min(Number(p.timeout ?? 0) * 1000, this.maxPollMs);
    if (this.pending.length === 0 && timeoutMs > 0 && !this.stopped) {
      // Long polling: hold the request until an update arrives, the time is up, the client
      // gives up (telegraf aborts the request on bot.stop()) or the server stops.
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.pollWakers.delete(wake);
          res.off('close', wake);
          resolve();
        };
        const timer = setTimeout(wake, timeoutMs);
        this.pollWakers.add(wake);
        res.on('close', wake);
      });
    }
    return this.pending.slice(0, Number(p.limit ?? 100));
  }

  /** As Telegram: a chat scope needs a chat the bot knows (one that has written to it). */
  private setMyCommands(p: TelegramParams): true {
    const scope = p.scope as { type?: string; chat_id?: number } | undefined;
    if (scope?.type === 'chat' && !this.chats.has(Number(scope.chat_id))) throw new BotApiError(400, 'Bad Request: chat not found');
    return true;
  }

  private getFile(fileId: string): File {
    const file = this.files.get(fileId);
    if (!file) throw new BotApiError(400, 'Bad Request: invalid file_id');
    if (file.file_size > MAX_DOWNLOAD_BYTES) throw new BotApiError(400, 'Bad Request: file is too big');
    return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, file_path: file.file_path };
  }

  private download(token: string, filePath: string, res: http.ServerResponse): void {
    const file = [...this.files.values()].find((f) => f.file_path === filePath);
    if (token !== this.token || !file) return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    this.downloads.push(filePath);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length });
    res.end(file.bytes);
  }

  private newBotMessage(p: TelegramParams): StoredMessage {
    const chat = this.chats.get(Number(p.chat_id));
    if (!chat) throw new BotApiError(400, 'Bad Request: chat not found');
    const reply = p.reply_parameters as { message_id?: number | string; allow_sending_without_reply?: boolean } | undefined;
    const target = reply?.message_id === undefined ? null : `${chat.id}:${Number(reply.message_id)}`;
    if (target && !this.userMessages.has(target) && !this.botMessages.has(target) && reply?.allow_sending_without_reply !== true) {
      throw new BotApiError(400, 'Bad Request: message to be replied not found');
    }
    const message: StoredMessage = { message_id: this.nextMessageId++, from: this.bot, chat, date: nowSeconds() };
    this.botMessages.set(`${chat.id}:${message.message_id}`, message);
    return message;
  }

  private sendMessage(p: TelegramParams): StoredMessage {
    const text = typeof p.text === 'string' ? p.text : '';
    if (text.trim() === '') throw new BotApiError(400, 'Bad Request: message text is empty');
    if (text.length > 4096) throw new BotApiError(400, 'Bad Request: message is too long');
    return Object.assign(this.newBotMessage(p), { text });
  }

  private sendMedia(p: TelegramParams, files: UploadedFile[], field: 'photo' | 'document'): StoredMessage {
    const caption = typeof p.caption === 'string' ? p.caption : undefined;
    if (caption !== undefined && caption.length > 1024) throw new BotApiError(400, 'Bad Request: message caption is too long');
    // The media is either a multipart upload in the field of the same name or an existing file_id.
    const upload = files.find((file) => file.field === field);
    const stored = upload ? this.files.get(this.addFile(upload.bytes, { fileName: upload.fileName }).file_id) : this.files.get(String(p[field]));
    if (!stored) throw new BotApiError(400, 'Bad Request: wrong file identifier/HTTP URL specified');
    const ids = { file_id: stored.file_id, file_unique_id: stored.file_unique_id, file_size: stored.file_size };
    const message = Object.assign(this.newBotMessage(p), caption === undefined ? {} : { caption });
    // Real Telegram returns several resized copies; one size with placeholder dimensions is enough here.
    if (field === 'photo') message.photo = [{ ...ids, width: 512, height: 512 }];
    else message.document = { ...ids, file_name: upload?.fileName, mime_type: upload?.contentType || undefined };
    return message;
  }

  private editMessageText(p: TelegramParams): StoredMessage {
    const key = `${Number(p.chat_id)}:${Number(p.message_id)}`;
    const message = this.botMessages.get(key);
    if (!message) throw new BotApiError(400, 'Bad Request: message to edit not found');
    if (message.text === undefined) throw new BotApiError(400, 'Bad Request: there is no text in the message to edit');
    // A classic bug source: the real API refuses an edit that changes nothing.
    if (message.text === p.text) {
      throw new BotApiError(
        400,
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    message.text = String(p.text);
    message.edit_date = nowSeconds();
    return message;
  }
}
