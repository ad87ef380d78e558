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
