import {
  BucketRange,
  bucketDelta,
  bucketIndex,
  bucketQuantile,
  counterIncreases,
  explicitBuckets,
  ExponentialLayout,
  exponentialBuckets,
  mergeBuckets,
} from './series-math';

/**
 * One series' stored points folded into time buckets, by metric type (pure): a monotonic
 * sum's increase and rate; a gauge's (or a non-monotonic sum's) last, average, min and max; a
 * histogram's count, sum and p50/p95/p99; a summary's last count, sum and quantiles.
 */

export interface PointRow {
  t: number;
  start: number | null;
  value: number | null;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  distribution: Record<string, unknown> | null;
}

export interface SeriesShape {
  type: string;
  temporality: 'delta' | 'cumulative' | null;
  monotonic: boolean | null;
}

export type BucketStats = Record<string, unknown> & { bucket_start: string };

interface Window {
  from: number;
  bucketMs: number;
}

function group<T>(rows: readonly PointRow[], values: readonly T[], w: Window): Map<number, Array<{ row: PointRow; value: T }>> {
  const out = new Map<number, Array<{ row: PointRow; value: T }>>();
  rows.forEach((row, i) => {
    const b = bucketIndex(row.t, w.from, w.bucketMs);
    let list = out.get(b);
    if (!list) out.set(b, (list = []));
    list.push({ row, value: values[i] });
  });
  return out;
}

const startOf = (b: number, w: Window) => new Date(w.from + b * w.bucketMs).toISOString();

function rangesOf(row: PointRow, type: string): BucketRange[] {
  const d = row.distribution ?? {};
  if (type === 'exponential_histogram') return exponentialBuckets(d as unknown as ExponentialLayout);
  const counts = (d.counts as number[] | undefined) ?? [];
  return explicitBuckets((d.bounds as number[] | undefined) ?? [], counts);
}

export function aggregateSeries(shape: SeriesShape, rows: readonly PointRow[], w: Window): BucketStats[] {
  const out: BucketStats[] = [];
  if (shape.type === 'sum' && shape.monotonic) {
    const increases = counterIncreases(
      rows.map((r) => ({ t: r.t, start: r.start, value: r.value ?? NaN })),
      shape.temporality ?? 'cumulative',
      w.from,
    );
    for (const [b, items] of group(rows, increases, w)) {
      const increase = items.reduce((s, i) => s + i.value, 0);
      out.push({ bucket_start: startOf(b, w), increase, rate: increase / (w.bucketMs / 1000), samples: items.length });
    }
  } else if (shape.type === 'gauge' || shape.type === 'sum' || shape.type === 'counter') {
    for (const [b, items] of group(
      rows,
      rows.map((r) => r.value),
      w,
    )) {
      const values = items.map((i) => i.value).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      out.push({
        bucket_start: startOf(b, w),
        last: items[items.length - 1].value,
        avg: values.length ? values.reduce((s, v) => s + v, 0) / values.length : null,
        min: values.length ? Math.min(...values) : null,
        max: values.length ? Math.max(...values) : null,
        samples: items.length,
      });
    }
  } else if (shape.type === 'histogram' || shape.type === 'exponential_histogram') {
    const cumulative = shape.temporality === 'cumulative';
    const sums = counterIncreases(
      rows.map((r) => ({ t: r.t, start: r.start, value: r.sum ?? 0 })),
      cumulative ? 'cumulative' : 'delta',
      w.from,
    );
    const ranges = rows.map((row, i) => {
      const current = rangesOf(row, shape.type);
      if (!cumulative) return current;
      // The first point is the baseline, unless its series started in the window.
      if (i === 0) return row.start !== null && row.start >= w.from ? current : current.map((b) => ({ ...b, count: 0 }));
      return bucketDelta(rangesOf(rows[i - 1], shape.type), current);
    });
    const grouped = group(rows, ranges, w);
    for (const [b, items] of grouped) {
      const merged = mergeBuckets(items.map((i) => i.value));
      const mins = items.map((i) => i.row.min).filter((v): v is number => typeof v === 'number');
      const maxs = items.map((i) => i.row.max).filter((v): v is number => typeof v === 'number');
      const observed = { min: mins.length ? Math.min(...mins) : null, max: maxs.length ? Math.max(...maxs) : null };
      const first = rows.indexOf(items[0].row);
      out.push({
        bucket_start: startOf(b, w),
        count: merged.reduce((s, r) => s + r.count, 0),
        sum: items.reduce((s, _i, k) => s + sums[first + k], 0),
        p50: bucketQuantile(merged, 0.5, observed),
        p95: bucketQuantile(merged, 0.95, observed),
        p99: bucketQuantile(merged, 0.99, observed),
      });
    }
  } else if (shape.type === 'summary') {
    for (const [b, items] of group(rows, rows, w)) {
      const last = items[items.length - 1].row;
      out.push({ bucket_start: startOf(b, w), count: last.count, sum: last.sum, quantiles: last.distribution?.quantiles ?? [] });
    }
  }
  return out.sort((a, b) => a.bucket_start.localeCompare(b.bucket_start));
}
