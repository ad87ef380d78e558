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

/** Weekly rollup rows start on Mondays, 00:00 UTC (2000-01-03 was one). */
export const WEEK_MS = 7 * DAY_MS;
export const WEEK_ORIGIN = '2000-01-03T00:00:00Z';
const WEEK_ORIGIN_MS = Date.parse(WEEK_ORIGIN);

/** Start of the week holding `at` (`up`: the first week start at or after it). */
export function weekStart(at: Date, up = false): Date {
  const n = (at.getTime() - WEEK_ORIGIN_MS) / WEEK_MS;
  return new Date((up ? Math.ceil(n) : Math.floor(n)) * WEEK_MS + WEEK_ORIGIN_MS);
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
