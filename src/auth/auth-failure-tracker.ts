/**
 * Counts authentication failures per client address in a sliding window; at the threshold
 * the address is blocked for a while. In memory, per replica (a cluster-wide limit would
 * need shared state; each replica still blocks an address that hammers it).
 */
export class AuthFailureTracker {
  private readonly failures = new Map<string, number[]>();
  private readonly blocked = new Map<string, number>();

  constructor(
    private readonly threshold: number,
    private readonly windowMs: number,
    private readonly blockMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds left on the address's block, or 0. */
  blockedFor(address: string): number {
    const until = this.blocked.get(address);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left <= 0) {
      this.blocked.delete(address);
      return 0;
    }
    return Math.ceil(left / 1000);
  }

  /** Records a failure. Returns the failure count when this one crosses the threshold (and blocks), else null. */
  recordFailure(address: string): number | null {
    const now = this.now();
    const recent = (this.failures.get(address) ?? []).filter((t) => now - t < this.windowMs);
    recent.push(now);
    if (recent.length >= this.threshold) {
      this.failures.delete(address);
      this.blocked.set(address, now + this.blockMs);
      return recent.length;
    }
    this.failures.set(address, recent);
    if (this.failures.size > 100_000) this.prune(now);
    return null;
  }

  private prune(now: number): void {
    for (const [address, times] of this.failures) if (times.every((t) => now - t >= this.windowMs)) this.failures.delete(address);
  }
}
