/**
 * Exponential backoff with jitter: each wait is its bound less up to half of it at random, and the
 * bound doubles up to `maxMs`. The random half keeps consumers that failed together (a store that
 * went away) from retrying in step; the fixed half keeps the growth.
 */
export class Backoff {
  private bound: number;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {
    this.bound = minMs;
  }

  next(): number {
    const bound = this.bound;
    this.bound = Math.min(this.maxMs, this.bound * 2);
    return bound / 2 + (this.random() * bound) / 2;
  }

  reset(): void {
    this.bound = this.minMs;
  }
}
