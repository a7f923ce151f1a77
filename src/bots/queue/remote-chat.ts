/**
 * An admin command runs on the primary but answers in a chat that lives in a front end.
 * `RemoteChat` is the primary's `Chat`: every reply, edit and picture becomes an operation in
 * the front end's inbox, in order. `ChatReplayer` is the front end's side: it performs those
 * operations on the real chat, one after another, and knows which sent message an edit means.
 */
import type { Logger } from '../log.js';
import type { RichText } from '../core/text.js';
import type { Chat, Picture, SentMessage } from '../core/types.js';
import { sendToInbox } from './inbox.js';
import { toWirePicture, type ChatOp } from './protocol.js';
import type { Redis } from './redis.js';

export class RemoteChat implements Chat {
  private nextHandle = 1;

  constructor(
    private readonly client: Redis,
    private readonly inbox: string,
    private readonly request: string,
  ) {}

  private send(op: ChatOp): Promise<void> {
    return sendToInbox(this.client, this.inbox, { type: 'chat', request: this.request, op });
  }

  async reply(text: RichText): Promise<SentMessage> {
    const handle = this.nextHandle++;
    await this.send({ op: 'reply', handle, text });
    return { edit: (next) => this.send({ op: 'edit', handle, text: next }) };
  }

  async replyWithPicture(picture: Picture, caption: RichText): Promise<void> {
    await this.send({ op: 'picture', picture: toWirePicture(picture), caption });
  }

  async showWorking(): Promise<void> {
    await this.send({ op: 'working' });
  }

  /** No more operations will come for this request (its training run's reports are done). */
  async end(): Promise<void> {
    await sendToInbox(this.client, this.inbox, { type: 'end', request: this.request });
  }
}

/** Performs a remote request's chat operations on the real chat, strictly in order. */
export class ChatReplayer {
  private readonly sent = new Map<number, Promise<SentMessage>>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly chat: Chat,
    private readonly log: Logger,
  ) {}

  /** Queues `op` after the previous ones; a failed send is logged, the next operations still run. */
  perform(op: ChatOp): void {
    this.chain = this.chain.then(() => this.run(op)).catch((error: unknown) => this.log.error('remote.chat_failed', error, { op: op.op }));
  }

  /** Resolves when every operation queued so far has been performed. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async run(op: ChatOp): Promise<void> {
    switch (op.op) {
      case 'reply': {
        const message = this.chat.reply(op.text);
        this.sent.set(op.handle, message);
        await message;
        return;
      }
      case 'edit': {
        const message = this.sent.get(op.handle);
        if (!message) throw new Error(`edit of unknown message ${op.handle}`);
        await (await message).edit(op.text);
        return;
      }
      case 'picture':
        await this.chat.replyWithPicture(op.picture, op.caption);
        return;
      case 'working':
        await this.chat.showWorking();
        return;
    }
  }
}
