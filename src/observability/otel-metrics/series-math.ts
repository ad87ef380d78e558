/**
 * The arithmetic of the OTLP metrics query, pure: a counter's increase across resets (delta
 * and cumulative), histogram buckets of both kinds as one list of ranges, their difference
 * between two cumulative points, and quantiles by linear interpolation within a bucket.
 */

export interface CounterPoint {
  /** Unix ms of the point. */
  t: number;
  /** Unix ms of start_time_unix_nano; null when absent. */
  start: number | null;
  value: number;
}

/**
 * What each point adds to the counter. Delta points add their value. A cumulative point adds
 * its difference from the previous one, or its whole value after a reset (a new start time,
 * or a value that went down); the first point adds its value only if its series started
 * inside the window (`from`), else it is the baseline.
 */
export function counterIncreases(points: readonly CounterPoint[], temporality: 'delta' | 'cumulative', from: number): number[] {
  if (temporality === 'delta') return points.map((p) => (Number.isFinite(p.value) ? p.value : 0));
  return points.map((p, i) => {
    if (!Number.isFinite(p.value)) return 0;
    const prev = points[i - 1];
    if (!prev) return p.start !== null && p.start >= from ? p.value : 0;
    const restarted = p.start !== null && prev.start !== null && p.start !== prev.start;
    return restarted || p.value < prev.value ? p.value : p.value - prev.value;
  });
}

/** One histogram bucket as a range of values: (lower, upper], with a count. */
export interface BucketRange {
  lower: number;
  upper: number;
  count: number;
}

/** Explicit bounds b0…bn-1 and n+1 counts: (-∞, b0], (b0, b1], …, (bn-1, +∞). */
export function explicitBuckets(bounds: readonly number[], counts: readonly number[]): BucketRange[] {
  return counts.map((count, i) => ({ lower: i === 0 ? -Infinity : bounds[i - 1], upper: i < bounds.length ? bounds[i] : Infinity, count }));
}

export interface ExponentialLayout {
  scale: number;
  zero_count: number;
  positive: { offset: number; counts: number[] };
  negative: { offset: number; counts: number[] };
}

/** An exponential histogram's buckets: index i holds (base^i, base^(i+1)], base = 2^(2^-scale); negatives mirrored; zeros as [0, 0]. */
export function exponentialBuckets(layout: ExponentialLayout): BucketRange[] {
  const base = Math.pow(2, Math.pow(2, -layout.scale));
  const out: BucketRange[] = [];
  layout.negative.counts.forEach((count, k) => {
    const i = layout.negative.offset + k;
    out.push({ lower: -Math.pow(base, i + 1), upper: -Math.pow(base, i), count });
  });
  if (layout.zero_count > 0) out.push({ lower: 0, upper: 0, count: layout.zero_count });
  layout.positive.counts.forEach((count, k) => {
    const i = layout.positive.offset + k;
    out.push({ lower: Math.pow(base, i), upper: Math.pow(base, i + 1), count });
  });
  return out.sort((a, b) => a.upper - b.upper || a.lower - b.lower);
}

const keyOf = (b: BucketRange) => `${b.lower}|${b.upper}`;

/**
 * The observations between two cumulative points of one histogram series: per bucket, the
 * current count less the previous one. A bucket that went down, or a layout that changed,
 * means the series restarted: the current point's buckets are all new then.
 */
export function bucketDelta(previous: readonly BucketRange[] | null, current: readonly BucketRange[]): BucketRange[] {
  if (!previous) return current.map((b) => ({ ...b }));
  const before = new Map(previous.map((b) => [keyOf(b), b.count]));
  const out: BucketRange[] = [];
  for (const b of current) {
    const diff = b.count - (before.get(keyOf(b)) ?? 0);
    if (diff < 0) return current.map((c) => ({ ...c }));
    out.push({ ...b, count: diff });
  }
  for (const key of before.keys()) if (!current.some((b) => keyOf(b) === key)) return current.map((c) => ({ ...c }));
  return out;
}

/** Buckets of several points added up, one entry per range, in value order. */
export function mergeBuckets(lists: ReadonlyArray<readonly BucketRange[]>): BucketRange[] {
  const merged = new Map<string, BucketRange>();
  for (const list of lists)
    for (const b of list) {
      const seen = merged.get(keyOf(b));
      if (seen) seen.count += b.count;
      else merged.set(keyOf(b), { ...b });
    }
  return [...merged.values()].sort((a, b) => a.upper - b.upper || a.lower - b.lower);
}

/**
 * The q-quantile (0 < q < 1) of bucketed observations, interpolating linearly inside the
 * bucket that holds it (as Prometheus' histogram_quantile does). An open-ended bucket answers
 * its finite edge, clamped to the observed `min` / `max` when known. Null with no observations.
 */
export function bucketQuantile(
  buckets: readonly BucketRange[],
  q: number,
  observed: { min?: number | null; max?: number | null } = {},
): number | null {
  const total = buckets.reduce((s, b) => s + b.count, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let below = 0;
  for (const b of buckets) {
    if (b.count <= 0) continue;
    if (below + b.count >= rank) {
      const lower = Number.isFinite(b.lower) ? b.lower : (observed.min ?? b.upper);
      const upper = Number.isFinite(b.upper) ? b.upper : (observed.max ?? b.lower);
      const value = lower + (upper - lower) * ((rank - below) / b.count);
      return clamp(value, observed);
    }
    below += b.count;
  }
  return clamp(buckets[buckets.length - 1].upper, observed);
}

function clamp(value: number, { min, max }: { min?: number | null; max?: number | null }): number {
  let v = value;
  if (typeof min === 'number' && Number.isFinite(min) && v < min) v = min;
  if (typeof max === 'number' && Number.isFinite(max) && v > max) v = max;
  return v;
}

/** Index of the bucket of width `bucketMs` that holds `t` in a window starting at `from`. */
export const bucketIndex = (t: number, from: number, bucketMs: number): number => Math.floor((t - from) / bucketMs);
