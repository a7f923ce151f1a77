/**
 * The Telegram adapter (telegraf v4, long polling). It only translates: updates become core
 * requests, the core answers through TelegramChat. Handlers hand the work to the core and
 * return at once, because telegraf waits for a whole batch of updates before it polls again:
 * a slow photo must not hold up everybody else's messages.
 */
import { Telegraf, type Context } from 'telegraf';
import { message } from 'telegraf/filters';
import type { Message, MessageEntity } from 'telegraf/types';
import type { PlatformConfig } from '../../config.js';
import type { BotCore } from '../core/bot-core.js';
import { DESCRIPTIONS, parseModelArgs, parseTrainArgs } from '../core/commands.js';
import type { BotRequest } from '../core/types.js';
import type { Logger } from '../log.js';
import type { PlatformBot } from '../platform.js';
import { PLATFORMS } from '../platforms.js';
import { TelegramChat } from './chat.js';
import { SendPacer } from './pacer.js';
import { telegramImage } from './files.js';

export const TELEGRAM_COMMANDS = [
  { command: 'start', description: DESCRIPTIONS.start },
  { command: 'help', description: DESCRIPTIONS.help },
  { command: 'lookalike', description: `${DESCRIPTIONS.lookalike} (as the caption of a photo)` },
  { command: 'who', description: `${DESCRIPTIONS.who}: /who Tom Hanks` },
  { command: 'leaderboard', description: DESCRIPTIONS.leaderboard },
  { command: 'train', description: `${DESCRIPTIONS.train}; /train cancel stops it` },
  { command: 'model', description: `${DESCRIPTIONS.model}: /model use <run|default>` },
];

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

export function createTelegramBot(config: PlatformConfig, core: BotCore, log: Logger): PlatformBot {
  // telegraf resolves `./bot<token>/<method>` against apiRoot: without the trailing slash a path
  // such as /tgapi would be replaced instead of kept (config strips trailing slashes).
  const bot = new Telegraf(config.token, { telegram: config.apiRoot ? { apiRoot: `${config.apiRoot}/` } : {} });
  const officialApi = config.apiRoot === null;
  let launched: Promise<void> | null = null;
  const pacer = new SendPacer(PLATFORMS.telegram.pace);

  const dispatch = (ctx: Context, request: BotRequest): void => {
    if (!ctx.from || !ctx.chat) return;
    const chat = new TelegramChat(ctx.telegram, ctx.chat.id, ctx.message?.message_id, pacer);
    const actor = { platform: 'telegram' as const, id: String(ctx.from.id), name: ctx.from.username ?? ctx.from.first_name };
    // A message is unique per chat: an update delivered twice (a webhook retried, two instances) has the same key.
    const key = ctx.message ? `telegram.${ctx.chat.id}.${ctx.message.message_id}` : undefined;
    void core.handle({ actor, chat, request, key });
  };

  bot.start((ctx) => dispatch(ctx, { kind: 'help' }));
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

  return {
    platform: 'telegram',
    async start() {
      await bot.telegram.setMyCommands(TELEGRAM_COMMANDS); // also the first check of the token
      await new Promise<void>((resolve, reject) => {
        launched = bot.launch(() => resolve());
        launched.then(
          () => log.info('bot.stopped', { platform: 'telegram' }),
          (error: unknown) => {
            reject(error instanceof Error ? error : new Error(String(error)));
            log.error('telegram.polling_failed', error);
          },
        );
      });
      log.info('bot.started', { platform: 'telegram', username: bot.botInfo?.username, apiRoot: config.apiRoot ?? 'official' });
    },
    async stopReceiving() {
      if (!launched) return;
      try {
        bot.stop('shutdown');
      } catch {
        // "Bot is not running!": polling had already ended.
      }
      await launched.catch(() => undefined);
      launched = null;
    },
    async close() {
      await this.stopReceiving();
    },
  };
}
