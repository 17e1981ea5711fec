/**
 * Events per second over the last few seconds, counted in one-second buckets so that a long run
 * costs constant memory.
 */
export class RateMeter {
  private readonly buckets: { second: number; count: number }[] = [];

  constructor(
    private readonly windowSeconds = 5,
    private readonly now: () => number = () => performance.now(),
  ) {}

  record(count: number): void {
    const second = Math.floor(this.now() / 1000);
    const last = this.buckets[this.buckets.length - 1];
    if (last?.second === second) last.count += count;
    else this.buckets.push({ second, count });
    this.forgetBefore(second - this.windowSeconds);
  }

  /** The mean rate over the window; 0 when nothing was recorded in it. */
  perSecond(): number {
    const second = Math.floor(this.now() / 1000);
    this.forgetBefore(second - this.windowSeconds);
    if (this.buckets.length === 0) return 0;
    const total = this.buckets.reduce((sum, bucket) => sum + bucket.count, 0);
    // The current second is only partly over: count it for the part that has passed.
    const span = second - this.buckets[0].second + (this.now() % 1000) / 1000;
    return total / Math.max(span, 1);
  }

  private forgetBefore(second: number): void {
    while (this.buckets.length > 0 && this.buckets[0].second <= second) this.buckets.shift();
  }
}
