/** Aggregation of request durations over one window. Pure, unit-tested. */

/** Samples kept per operation and window; beyond it, reservoir sampling keeps percentiles honest. */
export const MAX_SAMPLES = 10_000;

export class OperationWindow {
  count = 0;
  errors = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  readonly status = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  readonly samples: number[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  add(durationMs: number, statusCode: number): void {
    this.count++;
    this.sum += durationMs;
    if (durationMs < this.min) this.min = durationMs;
    if (durationMs > this.max) this.max = durationMs;
    const klass = statusCode >= 500 ? '5xx' : statusCode >= 400 ? '4xx' : statusCode >= 300 ? '3xx' : '2xx';
    this.status[klass]++;
    if (statusCode >= 500) this.errors++;
    if (this.samples.length < MAX_SAMPLES) this.samples.push(durationMs);
    else {
      const j = Math.floor(this.random() * this.count);
      if (j < MAX_SAMPLES) this.samples[j] = durationMs;
    }
  }
}

/** Linear-interpolation percentile (the same definition as PostgreSQL's percentile_cont). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** Requests per wall-clock second; remembers the busiest second. */
export class RateTracker {
  private second = -1;
  private current = 0;
  peak = 0;

  hit(nowMs: number): void {
    const s = Math.floor(nowMs / 1000);
    if (s !== this.second) {
      this.second = s;
      this.current = 0;
    }
    this.current++;
    if (this.current > this.peak) this.peak = this.current;
  }

  reset(): void {
    this.peak = 0;
  }
}
