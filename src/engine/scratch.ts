/**
 * A Float32Array kept between calls of a hot path (a network's input batch), so each photo does
 * not allocate, zero and page-fault megabytes afresh: on this project's VM, touching fresh memory
 * cost about 3 ms per MB. Lent to one call at a time; a call that finds it lent, or needs
 * another length, gets a new array, and the array given back last is kept.
 */
export class ScratchBuffer {
  private kept: Float32Array | null = null;

  /** An array of `length` values, contents undefined: the caller writes every value it reads. */
  take(length: number): Float32Array {
    const kept = this.kept;
    if (kept && kept.length === length) {
      this.kept = null;
      return kept;
    }
    return new Float32Array(length);
  }

  /** Hands an array back once nothing reads it any more. */
  give(array: Float32Array): void {
    this.kept = array;
  }
}
