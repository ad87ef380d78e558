import { Percentiles, RELATIVE_ACCURACY, ResponseTimeSketch } from '../sketch/response-time-sketch';

/** Where a number came from: raw rows, an hourly rollup row, a daily rollup row. */
export type SourceKind = 'raw' | 'hourly' | 'daily';
export type Source = SourceKind | 'mixed';

/** One piece of an answer: a raw aggregate or a rollup row. */
export interface Part {
  kind: SourceKind;
  count: number;
  failures: number;
  min: number | null;
  max: number | null;
  /** Sum of response times, so averages combine exactly. */
  sum: number;
  percentiles: Percentiles;
  /** Whether `percentiles` are exact (raw rows, hourly rows) or from a sketch (daily rows). */
  exact: boolean;
  sketch: Buffer | null;
}

export interface Combined {
  count: number;
  failures: number;
  failure_rate: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  percentiles: Percentiles;
  source: Source;
  /** Percentiles exact (true), or within `error_bound` (false). */
  exact: boolean;
  /** Largest relative error of the percentiles: 0 when exact. */
  error_bound: number;
}

const NONE: Percentiles = [null, null, null, null];
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** A Part from a rollup row (hourly or daily) as rollupRowsSql returns it. */
export function rollupPart(kind: 'hourly' | 'daily', r: Record<string, unknown>): Part {
  const count = Number(r.total_count);
  return {
    kind,
    count,
    failures: Number(r.failure_count),
    min: num(r.min_response_time),
    max: num(r.max_response_time),
    sum: count ? Number(r.avg_response_time) * count : 0,
    percentiles: [num(r.p50_response_time), num(r.p90_response_time), num(r.p95_response_time), num(r.p99_response_time)],
    // An hourly row's percentiles are percentile_cont of its hour; a daily row's come from its hours' sketches.
    exact: kind === 'hourly',
    sketch: (r.response_time_sketch as Buffer | undefined) ?? null,
  };
}

/** A Part from rawAggregateSql. */
export function rawPart(r: Record<string, unknown>): Part {
  return {
    kind: 'raw',
    count: Number(r.n),
    failures: Number(r.failures),
    min: num(r.mn),
    max: num(r.mx),
    sum: Number(r.sm ?? 0),
    percentiles: [num(r.p50), num(r.p90), num(r.p95), num(r.p99)],
    exact: true,
    sketch: (r.sketch as Buffer | undefined) ?? null,
  };
}

/**
 * Combines parts: counts add, min/max fold, the average is re-weighted. Percentiles of a
 * single part are its own; of several, those of their merged sketches (within
 * RELATIVE_ACCURACY of the exact answer). `source` says which kinds of rows answered.
 */
export function combineParts(parts: readonly Part[]): Combined {
  const used = parts.filter((p) => p.count > 0);
  let count = 0;
  let failures = 0;
  let sum = 0;
  let min: number | null = null;
  let max: number | null = null;
  for (const p of used) {
    count += p.count;
    failures += p.failures;
    sum += p.sum;
    if (p.min !== null) min = min === null ? p.min : Math.min(min, p.min);
    if (p.max !== null) max = max === null ? p.max : Math.max(max, p.max);
  }
  const kinds = [...new Set((used.length ? used : parts).map((p) => p.kind))];
  const source: Source = kinds.length === 1 ? kinds[0] : kinds.length === 0 ? 'raw' : 'mixed';
  let percentiles = NONE;
  let exact = true;
  if (used.length === 1) {
    percentiles = used[0].percentiles;
    exact = used[0].exact;
  } else if (used.length > 1) {
    exact = false;
    // Rows rolled up before sketches existed cannot be merged: no percentile rather than a wrong one.
    if (used.every((p) => p.sketch)) {
      const sketch = new ResponseTimeSketch();
      for (const p of used) sketch.merge(p.sketch, p.min, p.max);
      percentiles = sketch.percentiles();
    }
  }
  return {
    count,
    failures,
    failure_rate: count ? failures / count : 0,
    min,
    max,
    avg: count ? sum / count : null,
    percentiles,
    source,
    exact,
    error_bound: exact ? 0 : RELATIVE_ACCURACY,
  };
}

/** The answer-level source and bound over several combined buckets or entities. */
export function overall(items: ReadonlyArray<Pick<Combined, 'source' | 'exact' | 'count'>>): {
  source: Source;
  exact: boolean;
  error_bound: number;
} {
  const sources = [...new Set(items.filter((i) => i.count > 0).map((i) => i.source))];
  const exact = items.every((i) => i.exact);
  return {
    source: sources.length === 1 ? sources[0] : sources.length === 0 ? 'raw' : 'mixed',
    exact,
    error_bound: exact ? 0 : RELATIVE_ACCURACY,
  };
}
