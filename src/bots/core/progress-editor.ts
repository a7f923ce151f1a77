/**
 * Keeps one sent message up to date without flooding the platform: at most one edit per
 * `intervalMs`, always showing the latest text, edits strictly one after another, and no
 * edit that changes nothing (Telegram refuses those).
 */
import type { RichText } from './text.js';
import type { SentMessage } from './types.js';

export class ProgressEditor {
  private latest: RichText | null = null;
  private shown = '';
  private lastEditAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private inFlight = false;
  /** Edits made, for logs and tests. */
  edits = 0;

  constructor(
    /** The message to edit; edits wait for it to be sent. */
    private readonly message: Promise<SentMessage>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Shows `text` now or at the next allowed moment; a newer text replaces a waiting one. */
  update(text: RichText): void {
    if (this.closed) return;
    this.latest = text;
    this.schedule();
  }

  /**
   * At most one edit in flight: while one is being sent (a paced or slow platform can take
   * seconds), newer texts wait as `latest` instead of queueing up behind it.
   */
  private schedule(): void {
    if (this.timer || this.inFlight) return;
    const wait = Math.max(0, this.lastEditAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      const next = this.latest;
      this.latest = null;
      if (!next) return;
      // Counted from the start of this edit, so an update arriving while it is in flight still waits a full interval.
      this.lastEditAt = this.now();
      this.inFlight = true;
      this.push(next);
      void this.chain.then(() => {
        this.inFlight = false;
        if (this.latest && !this.closed) this.schedule();
      });
    }, wait);
  }

  /** The last edit, without waiting for the interval; later updates are ignored. */
  async finish(text: RichText): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.latest = null;
    this.push(text);
    await this.chain;
  }

  private push(text: RichText): void {
    const key = JSON.stringify(text);
    this.chain = this.chain
      .then(async () => {
        if (key === this.shown) return;
        const message = await this.message;
        await message.edit(text);
        this.shown = key;
        this.edits++;
      })
      .catch(this.onError);
  }
}
