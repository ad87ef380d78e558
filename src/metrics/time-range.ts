/** UTC hour and day arithmetic on half-open ranges [start, end). Pure. */
import { DAY_MS, HOUR_MS } from '../common/time';

export type Bucket = 'hour' | 'day';

export const bucketMs = (bucket: Bucket) => (bucket === 'hour' ? HOUR_MS : DAY_MS);

/** Start of the UTC hour or day holding `at`. */
export function floorTo(at: Date, bucket: Bucket): Date {
  const size = bucketMs(bucket);
  return new Date(Math.floor(at.getTime() / size) * size);
}

export function ceilTo(at: Date, bucket: Bucket): Date {
  const size = bucketMs(bucket);
  return new Date(Math.ceil(at.getTime() / size) * size);
}

/** Hours wholly inside [from, to) that are closed at `now` (their end is not after now). */
export function closedHours(from: Date, to: Date, now: Date): { start: Date; end: Date } | null {
  const start = ceilTo(from, 'hour');
  const end = new Date(Math.min(floorTo(to, 'hour').getTime(), floorTo(now, 'hour').getTime()));
  return start < end ? { start, end } : null;
}

/**
 * [from, to) minus the given hours, as merged half-open ranges in order: the parts of a
 * range that rollups do not cover and that must be read from raw rows.
 */
export function uncoveredRanges(from: Date, to: Date, coveredHourStarts: Date[]): Array<[Date, Date]> {
  const hours = [...new Set(coveredHourStarts.map((h) => h.getTime()))].sort((a, b) => a - b);
  const ranges: Array<[Date, Date]> = [];
  let cursor = from.getTime();
  for (const h of hours) {
    const end = h + HOUR_MS;
    if (end <= cursor || h >= to.getTime()) continue;
    if (h > cursor) ranges.push([new Date(cursor), new Date(h)]);
    cursor = Math.max(cursor, end);
  }
  if (cursor < to.getTime()) ranges.push([new Date(cursor), to]);
  return ranges;
}

export interface SummaryPart {
  total: number;
  failures: number;
  min: number | null;
  max: number | null;
  /** Sum of response times, so averages combine exactly. */
  sum: number;
}

/** Combines rollup and raw parts: counts add, min/max fold, the average is re-weighted. */
export function combineSummary(parts: SummaryPart[]): {
  total: number;
  failures: number;
  failure_rate: number;
  min: number | null;
  max: number | null;
  avg: number | null;
} {
  let total = 0;
  let failures = 0;
  let sum = 0;
  let min: number | null = null;
  let max: number | null = null;
  for (const p of parts) {
    if (p.total === 0) continue;
    total += p.total;
    failures += p.failures;
    sum += p.sum;
    if (p.min !== null) min = min === null ? p.min : Math.min(min, p.min);
    if (p.max !== null) max = max === null ? p.max : Math.max(max, p.max);
  }
  return { total, failures, failure_rate: total ? failures / total : 0, min, max, avg: total ? sum / total : null };
}
