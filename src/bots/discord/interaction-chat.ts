/**
 * The core's `Chat` for a slash command. The adapter has deferred the reply ("thinking..."),
 * so the first answer fills that deferred reply (editReply) and later ones are follow-ups.
 * The deferred reply is filled in every outcome: it counts as used only once an edit of it
 * succeeded, so when the answer's edit fails, the error sentence goes there too.
 *
 * Interaction tokens die 15 minutes after the command, and a long training run outlives them.
 * A minute before that, answers go to the channel as ordinary messages, and a progress message
 * that was sent through the token moves to a new channel message that later edits go to. A
 * token found dead earlier (401 Invalid Webhook Token) is handled the same way.
 */
import {
  AttachmentBuilder,
  DiscordAPIError,
  RESTJSONErrorCodes,
  type ChatInputCommandInteraction,
  type InteractionReplyOptions,
  type Message,
} from 'discord.js';
import type { RichText } from '../core/text.js';
import type { Chat, Picture, SentMessage } from '../core/types.js';
import { attachment, toMarkdown } from './render.js';
import { withRetry } from './retry.js';

type Payload = { content: string; files?: AttachmentBuilder[] };

/** How long Discord accepts an interaction's token, from the moment of the command. */
export const INTERACTION_TOKEN_MS = 15 * 60_000;
/** Move to the channel this long before the token dies, so no edit is lost to the deadline. */
const TOKEN_MARGIN_MS = 60_000;

/** The interaction's webhook is gone (expired token, or it was never acknowledged). */
export function isExpiredInteraction(error: unknown): boolean {
  return (
    error instanceof DiscordAPIError &&
    (error.code === RESTJSONErrorCodes.InvalidWebhookToken ||
      error.code === RESTJSONErrorCodes.UnknownWebhook ||
      error.code === RESTJSONErrorCodes.UnknownInteraction)
  );
}

export class InteractionChat implements Chat {
  private originalFilled = false;

  constructor(
    private readonly interaction: ChatInputCommandInteraction,
    private readonly now: () => number = Date.now,
  ) {}

  reply(text: RichText): Promise<SentMessage> {
    return this.send({ content: toMarkdown(text) });
  }

  async replyWithPicture(picture: Picture, caption: RichText): Promise<void> {
    await this.send({ content: toMarkdown(caption), files: [attachment(picture)] });
  }

  async showWorking(): Promise<void> {
    // The deferred reply already shows "thinking...".
  }

  /** True from a minute before the token expires. */
  private get tokenEnding(): boolean {
    return this.now() - this.interaction.createdTimestamp > INTERACTION_TOKEN_MS - TOKEN_MARGIN_MS;
  }

  private async send(payload: Payload): Promise<SentMessage> {
    try {
      if (!this.originalFilled) {
        // Still within the token's life even near its end; an edit of @original is safe to repeat.
        await withRetry(() => this.interaction.editReply(payload));
        this.originalFilled = true;
        return this.editable((content) => this.interaction.editReply({ content }));
      }
      if (this.tokenEnding) return this.channelMessage(await this.sendToChannel(payload));
      const message = await withRetry(() => this.interaction.followUp(payload satisfies InteractionReplyOptions));
      return this.editable((content) => this.interaction.editReply({ content, message: message.id }));
    } catch (error) {
      if (!isExpiredInteraction(error)) throw error;
      return this.channelMessage(await this.sendToChannel(payload));
    }
  }

  /** A message sent through the token: edited through it while the token lives, then continued in a channel message. */
  private editable(editViaToken: (content: string) => Promise<unknown>): SentMessage {
    let moved: Message | null = null;
    return {
      edit: async (text) => {
        const content = toMarkdown(text);
        if (moved) {
          const message = moved;
          await withRetry(() => message.edit({ content }));
          return;
        }
        if (!this.tokenEnding) {
          try {
            await withRetry(() => editViaToken(content));
            return;
          } catch (error) {
            if (!isExpiredInteraction(error)) throw error;
          }
        }
        moved = await this.sendToChannel({ content });
      },
    };
  }

  private channelMessage(message: Message): SentMessage {
    return { edit: async (text) => void (await withRetry(() => message.edit({ content: toMarkdown(text) }))) };
  }

  private async sendToChannel(payload: Payload): Promise<Message> {
    const channel = await this.interaction.client.channels.fetch(this.interaction.channelId);
    if (!channel?.isSendable()) throw new Error('the interaction expired and its channel cannot be written to');
    return withRetry<Message>(() => channel.send(payload));
  }
}
