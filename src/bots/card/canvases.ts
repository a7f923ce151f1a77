/**
 * The buffers cards are drawn in, reused from card to card. A fresh card-sized buffer (4-6 MB)
 * is new memory every time, and touching it for the first time cost up to 20 ms of CPU per
 * card on the 2-core VM (page faults), more than laying the whole card. A buffer handed back is
 * zeroed at once, so no sender's face outlives its card.
 */
export class CanvasPool {
  private readonly spare: Buffer[] = [];

  /** `keep`: how many buffers to hold between cards (cards drawn at once beyond it get fresh ones). */
  constructor(private readonly keep: number) {}

  /** A buffer of at least `bytes` (its contents are whatever: the card covers every pixel). */
  take(bytes: number): Buffer {
    const i = this.spare.findIndex((b) => b.length >= bytes);
    return i >= 0 ? this.spare.splice(i, 1)[0] : Buffer.allocUnsafe(bytes);
  }

  /** Hands `buffer` (as taken) back, zeroed; the largest `keep` are kept. */
  give(buffer: Buffer): void {
    buffer.fill(0);
    this.spare.push(buffer);
    this.spare.sort((a, b) => b.length - a.length);
    this.spare.length = Math.min(this.spare.length, this.keep);
  }
}
