/**
 * A front end's inbox: one Redis list per front-end process, to which workers and the primary
 * push the answers to that front end's requests, read with a blocking pop.
 *
 * Why a list per front end rather than BullMQ's QueueEvents: QueueEvents is one stream that
 * every front end reads in full (each would see every other front end's answers), it has no
 * TTL, and an answer (a picture of the user's photo with boxes drawn on it) would stay in it
 * until trimmed. A list holds only this front end's answers, each push renews its TTL, an
 * answer waits there while the front end reconnects after a dropped connection, and it is gone
 * once read. A Redis restart without persistence empties it like everything else: the front
 * end then sends its unanswered requests again (see queue-recognizer.ts), and answers it no
 * longer waits for are dropped, so nothing is lost or answered twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';
import { decodeInboxMessage, encodeInboxMessage, INBOX_TTL_MS, type InboxMessage } from './protocol.js';
import type { Redis } from './redis.js';

/** Seconds a blocking pop waits before it looks again (bounds how long close() waits). */
const POP_SECONDS = 2;

export class InboxReader {
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    /** A connection of its own: a blocking pop holds it. */
    private readonly blocking: Redis,
    readonly key: string,
    private readonly deliver: (message: InboxMessage) => void,
    private readonly log: Logger,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let popped: [Buffer, Buffer] | null;
      try {
        popped = await this.blocking.blpopBuffer(this.key, POP_SECONDS);
      } catch (error) {
        if (this.stopped) return;
        this.log.debug('inbox.read_failed', { error: error instanceof Error ? error.message : String(error) });
        await sleep(200); // the client reconnects by itself
        continue;
      }
      if (!popped) continue;
      let message: InboxMessage;
      try {
        message = decodeInboxMessage(popped[1]);
      } catch (error) {
        this.log.error('inbox.bad_message', error);
        continue;
      }
      this.deliver(message);
    }
  }

  /** Stops reading; resolves when the loop has ended (at most a pop's wait). */
  async close(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

/** Pushes a message to a front end's inbox and renews the inbox's TTL, in one transaction (with `alsoDelete`: a photo's bytes). */
export async function sendToInbox(client: Redis, inbox: string, message: InboxMessage, alsoDelete?: string): Promise<void> {
  const transaction = client.multi().rpush(inbox, encodeInboxMessage(message)).pexpire(inbox, INBOX_TTL_MS);
  if (alsoDelete) transaction.del(alsoDelete);
  await transaction.exec();
}
