/**
 * The core's `Chat` for a slash command. The adapter has deferred the reply ("thinking..."),
 * so the first answer fills that deferred reply (editReply) and later ones are follow-ups.
 * Interaction tokens die after 15 minutes, and a long training run outlives them: answers
 * then go to the channel as ordinary messages instead.
 */
import {
  AttachmentBuilder, DiscordAPIError, RESTJSONErrorCodes,
  type ChatInputCommandInteraction, type InteractionEditReplyOptions, type InteractionReplyOptions, type Message,
} from 'discord.js';
import type { RichText } from '../core/text.js';
import type { Chat, Picture, SentMessage } from '../core/types.js';
import { toMarkdown } from './render.js';

type Payload = { content: string; files?: AttachmentBuilder[] };

/** The interaction's webhook is gone (expired token, or it was never acknowledged). */
export function isExpiredInteraction(error: unknown): boolean {
  return error instanceof DiscordAPIError
    && (error.code === RESTJSONErrorCodes.InvalidWebhookToken || error.code === RESTJSONErrorCodes.UnknownWebhook || error.code === RESTJSONErrorCodes.UnknownInteraction);
}

export class InteractionChat implements Chat {
  private originalUsed = false;

  constructor(private readonly interaction: ChatInputCommandInteraction) {}

  reply(text: RichText): Promise<SentMessage> {
    return this.send({ content: toMarkdown(text) });
  }

  async replyWithPicture(picture: Picture, caption: RichText): Promise<void> {
    await this.send({ content: toMarkdown(caption), files: [new AttachmentBuilder(picture.bytes, { name: picture.filename })] });
  }

  async showWorking(): Promise<void> {
    // The deferred reply already shows "thinking...".
  }

  private async send(payload: Payload): Promise<SentMessage> {
    try {
      if (!this.originalUsed) {
        this.originalUsed = true;
        await this.interaction.editReply(payload);
        return { edit: (text) => this.edit('@original', text) };
      }
      const message = await this.interaction.followUp(payload satisfies InteractionReplyOptions);
      return { edit: (text) => this.edit(message.id, text) };
    } catch (error) {
      if (!isExpiredInteraction(error)) throw error;
      const message = await this.sendToChannel(payload);
      return { edit: async (text) => void (await message.edit({ content: toMarkdown(text) })) };
    }
  }

  private async edit(message: string, text: RichText): Promise<void> {
    await this.interaction.editReply({ content: toMarkdown(text), message } satisfies InteractionEditReplyOptions);
  }

  private async sendToChannel(payload: Payload): Promise<Message> {
    const channel = await this.interaction.client.channels.fetch(this.interaction.channelId);
    if (!channel?.isSendable()) throw new Error('the interaction expired and its channel cannot be written to');
    return channel.send(payload);
  }
}
