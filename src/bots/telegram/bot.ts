/**
 * The Telegram adapter (telegraf v4, long polling or a webhook). It only translates: updates become core
 * requests, the core answers through TelegramChat. Handlers hand the work to the core and
 * return at once, because telegraf waits for a whole batch of updates before it polls again:
 * a slow photo must not hold up everybody else's messages.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Telegraf, type Context } from 'telegraf';
import { message } from 'telegraf/filters';
import type { Message, MessageEntity } from 'telegraf/types';
import type { PlatformConfig, TelegramWebhookConfig } from '../../config.js';
import type { BotCore } from '../core/bot-core.js';
import { parseModelArgs, parseTrainArgs } from '../core/commands.js';
import type { BotRequest } from '../core/types.js';
import type { Logger } from '../log.js';
import type { PlatformBot } from '../platform.js';
import { PLATFORMS } from '../platforms.js';
import { TelegramChat } from './chat.js';
import { publishAdminMenu, publishMenus } from './commands.js';
import { SendPacer } from './pacer.js';
import { telegramImage } from './files.js';
import { serveWebhook, type WebhookRoute } from './webhook.js';
import type { OpsServer } from '../ops/http-server.js';

/**
 * In a private chat every photo is for the bot; in a group only one that replies to the bot's
 * message, or whose caption mentions it or says /lookalike.
 */
export function addressedToBot(msg: Message.PhotoMessage | Message.DocumentMessage, bot: { id: number; username: string }): boolean {
  if (msg.chat.type === 'private' || msg.reply_to_message?.from?.id === bot.id) return true;
  const username = bot.username;
  const caption = msg.caption ?? '';
  return (msg.caption_entities ?? []).some((e: MessageEntity) => {
    const token = caption.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === 'mention') return token === `@${username.toLowerCase()}`;
    return e.type === 'bot_command' && (token === '/lookalike' || token === `/lookalike@${username.toLowerCase()}`);
  });
}

/** Webhook mode: the public URL and secret, and the HTTP server that serves its path. Null: long polling. */
export type TelegramWebhook = { config: TelegramWebhookConfig; server: OpsServer } | null;

export function createTelegramBot(config: PlatformConfig, core: BotCore, log: Logger, webhook: TelegramWebhook = null): PlatformBot {
  // telegraf resolves `./bot<token>/<method>` against apiRoot: without the trailing slash a path
  // such as /tgapi would be replaced instead of kept (config strips trailing slashes).
  // No webhook replies: an API call answered inside the webhook's HTTP response returns no
  // message (no id to edit later) and no error; every call goes to the API instead.
  const bot = new Telegraf(config.token, { telegram: { ...(config.apiRoot ? { apiRoot: `${config.apiRoot}/` } : {}), webhookReply: false } });
  let route: WebhookRoute | null = null;
  const officialApi = config.apiRoot === null;
  let launched: Promise<void> | null = null;
  /** For /healthz: what the connection is doing. */
  let state: { connected: boolean; detail: string } = { connected: false, detail: 'not started' };
  const pacer = new SendPacer(PLATFORMS.telegram.pace);
  /** Admins whose full menu Telegram refused (they had not written to the bot yet). */
  let menuPending = new Set<string>();

  const dispatch = (ctx: Context, request: BotRequest): void => {
    if (!ctx.from || !ctx.chat) return;
    const chat = new TelegramChat(ctx.telegram, ctx.chat.id, ctx.message?.message_id, pacer);
    const actor = { platform: 'telegram' as const, id: String(ctx.from.id), name: ctx.from.username ?? ctx.from.first_name };
    // A message is unique per chat: an update delivered twice (a webhook retried, two instances) has the same key.
    const key = ctx.message ? `telegram.${ctx.chat.id}.${ctx.message.message_id}` : undefined;
    void core.handle({ actor, chat, request, key });
  };

  bot.start((ctx) => {
    const admin = String(ctx.from.id);
    if (menuPending.has(admin))
      void publishAdminMenu(ctx.telegram, admin, log).then((done) => {
        if (done) menuPending.delete(admin);
      });
    dispatch(ctx, { kind: 'help' });
  });
  bot.help((ctx) => dispatch(ctx, { kind: 'help' }));
  bot.command('who', (ctx) => dispatch(ctx, { kind: 'who', name: ctx.payload }));
  bot.command('leaderboard', (ctx) => dispatch(ctx, { kind: 'leaderboard' }));
  bot.command('train', (ctx) => dispatch(ctx, { kind: 'train', action: parseTrainArgs(ctx.payload) }));
  bot.command('model', (ctx) => dispatch(ctx, { kind: 'model', action: parseModelArgs(ctx.payload) }));
  bot.on(message('photo'), (ctx) => {
    if (!addressedToBot(ctx.message, ctx.botInfo)) return;
    const largest = ctx.message.photo[ctx.message.photo.length - 1]; // sizes come smallest first
    dispatch(ctx, { kind: 'photo', image: telegramImage(ctx.telegram, largest, officialApi) });
  });
  bot.on(message('document'), (ctx) => {
    if (!addressedToBot(ctx.message, ctx.botInfo)) return;
    dispatch(ctx, { kind: 'photo', image: telegramImage(ctx.telegram, ctx.message.document, officialApi) });
  });
  // Any other text (or an unknown command, or /lookalike without a photo) in a private chat gets the hint.
  bot.on(message('text'), (ctx) => {
    if (ctx.chat.type === 'private') dispatch(ctx, { kind: 'hint' });
  });
  bot.catch((error) => log.error('telegram.handler_failed', error));

  /** Updates by POST from Telegram: the route first, then setWebhook (Telegram may post at once). */
  const startWebhook = async ({ config: hook, server }: NonNullable<TelegramWebhook>): Promise<void> => {
    bot.botInfo ??= await bot.telegram.getMe();
    route = serveWebhook(bot, server, hook, log);
    await bot.telegram.setWebhook(hook.url, { secret_token: hook.secret });
    state = { connected: true, detail: `webhook ${hook.url}` };
    log.info('bot.started', { platform: 'telegram', username: bot.botInfo.username, apiRoot: config.apiRoot ?? 'official', webhook: hook.url });
  };

  return {
    platform: 'telegram',
    async start() {
      menuPending = new Set(await publishMenus(bot.telegram, config.adminIds, log)); // also the first check of the token
      if (webhook) return startWebhook(webhook);
      // Long polling; telegraf's launch() first calls deleteWebhook, so switching back from webhook mode just works.
      await new Promise<void>((resolve, reject) => {
        launched = bot.launch(() => resolve());
        launched.then(
          () => {
            state = { connected: false, detail: 'polling stopped' };
            log.info('bot.stopped', { platform: 'telegram' });
          },
          (error: unknown) => {
            state = { connected: false, detail: `polling failed: ${error instanceof Error ? error.message : String(error)}` };
            reject(error instanceof Error ? error : new Error(String(error)));
            log.error('telegram.polling_failed', error);
          },
        );
      });
      state = { connected: true, detail: 'long polling' };
      log.info('bot.started', { platform: 'telegram', username: bot.botInfo?.username, apiRoot: config.apiRoot ?? 'official' });
    },
    async stopReceiving() {
      // Webhook mode: the webhook stays set, for the other instances and for this one's restart.
      route?.stopAccepting();
      if (!launched) return;
      const ended = launched.then(
        () => true,
        () => true,
      );
      // Just after start() polling may not run yet (launch() calls deleteWebhook first) and stop()
      // throws "Bot is not running!": try again until it runs or has ended.
      for (;;) {
        try {
          bot.stop('shutdown');
          break;
        } catch {
          if (await Promise.race([ended, sleep(50).then(() => false)])) break;
        }
      }
      await ended;
      launched = null;
    },
    async close() {
      await this.stopReceiving();
    },
    connection: () => state,
  };
}
