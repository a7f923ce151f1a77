/** The core's `Chat` on Telegram: HTML messages, sendPhoto with a caption, editMessageText. */
import { TelegramError, type Telegram } from 'telegraf';
import type { ReplyParameters } from 'telegraf/types';
import { render, type RichText } from '../core/text.js';
import type { Chat, Picture, SentMessage } from '../core/types.js';
import { CAPTION_LIMIT, telegramHtml, toHtml } from './render.js';
import type { SendPacer } from './pacer.js';
import { withRetry } from './retry.js';

const HTML = { parse_mode: 'HTML' } as const;

export class TelegramChat implements Chat {
  constructor(
    private readonly telegram: Telegram,
    private readonly chatId: number,
    /** The user's message; answers quote it, which matters in groups. */
    private readonly replyTo?: number,
    /** Keeps sends within Telegram's flood limits; shared by all chats of one bot. */
    private readonly pacer?: SendPacer,
  ) {}

  /** Every send and edit: paced, and retried where that is safe (see retry.ts). */
  private call<T>(request: () => Promise<T>): Promise<T> {
    return withRetry(async () => {
      await this.pacer?.take(this.chatId);
      return request();
    });
  }

  private get replyParameters(): { reply_parameters?: ReplyParameters } {
    return this.replyTo === undefined ? {} : { reply_parameters: { message_id: this.replyTo, allow_sending_without_reply: true } };
  }

  /**
   * The same for uploads. telegraf 4.16 sends multipart requests (sendPhoto with bytes) without
   * reply_parameters: only fields on its FORM_DATA_JSON_FIELDS list are JSON-encoded, the rest of
   * the objects are dropped. The Bot API takes object parameters of a multipart request as JSON
   * text, so the text is passed through the object-typed field (hence the cast).
   */
  private get uploadReplyParameters(): { reply_parameters?: ReplyParameters } {
    const { reply_parameters: value } = this.replyParameters;
    return value ? { reply_parameters: JSON.stringify(value) as unknown as ReplyParameters } : {};
  }

  async reply(text: RichText): Promise<SentMessage> {
    const sent = await this.call(() => this.telegram.sendMessage(this.chatId, toHtml(text), { ...HTML, ...this.replyParameters }));
    return {
      edit: async (next) => {
        try {
          await this.call(() => this.telegram.editMessageText(this.chatId, sent.message_id, undefined, toHtml(next), HTML));
        } catch (error) {
          // The same text again is refused by Telegram; for an edit that is a no-op, not a failure.
          if (!(error instanceof TelegramError && /message is not modified/.test(error.description))) throw error;
        }
      },
    };
  }

  /** One sendPhoto with the caption; when the caption is longer than Telegram allows, the text goes first as a message. */
  async replyWithPicture(picture: Picture, caption: RichText): Promise<void> {
    const photo = { source: picture.bytes, filename: picture.filename };
    const html = render(caption, telegramHtml).trim();
    if (html.length <= CAPTION_LIMIT) {
      await this.call(() => this.telegram.sendPhoto(this.chatId, photo, { caption: html, ...HTML, ...this.uploadReplyParameters }));
      return;
    }
    await this.reply(caption);
    await this.call(() => this.telegram.sendPhoto(this.chatId, photo, this.uploadReplyParameters));
  }

  async showWorking(): Promise<void> {
    await this.telegram.sendChatAction(this.chatId, 'typing').catch(() => undefined);
  }
}
