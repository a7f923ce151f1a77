/** The core's `Chat` for an ordinary message (a DM, or a server message that mentions the bot): answers are replies to it. */
import type { Message } from 'discord.js';
import type { RichText } from '../core/text.js';
import type { Chat, Picture, SentMessage } from '../core/types.js';
import { attachment, toMarkdown } from './render.js';
import { withRetry } from './retry.js';

/**
 * Quote the user's message without pinging them. If they deleted it meanwhile, Discord refuses a
 * reference that must exist (the default) and the answer would be lost: send it without the quote.
 */
const QUIET = { allowedMentions: { repliedUser: false }, failIfNotExists: false } as const;

export class MessageChat implements Chat {
  constructor(private readonly message: Message) {}

  async reply(text: RichText): Promise<SentMessage> {
    const sent = await withRetry(() => this.message.reply({ content: toMarkdown(text), ...QUIET }));
    return { edit: async (next) => void (await withRetry(() => sent.edit({ content: toMarkdown(next) }))) };
  }

  async replyWithPicture(picture: Picture, caption: RichText): Promise<void> {
    await withRetry(() => this.message.reply({ content: toMarkdown(caption), files: [attachment(picture)], ...QUIET }));
  }

  async showWorking(): Promise<void> {
    const channel = this.message.channel;
    if (channel.isSendable()) await channel.sendTyping().catch(() => undefined);
  }
}
