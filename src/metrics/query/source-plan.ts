/**
 * Which rows answer which part of a time range, pure. Closed days whose daily row is up to
 * date come from daily rows; the rest of the closed, whole hours whose hourly row is up to
 * date (or that have none: no executions) from hourly rows; everything else — the open
 * hour, partial hours at the edges, hours with raw rows newer than their rollup — from raw
 * rows. Half-open UTC ranges throughout.
 */
import { DAY_MS, HOUR_MS } from '../../common/time';
import { ceilTo, floorTo, uncoveredRanges } from '../time-range';

export type Range = [Date, Date];

/** Whole days inside [from, to) that are over at `now` (their last hour is closed), or null. */
export function closedDaySpan(from: Date, to: Date, now: Date): Range | null {
  const start = ceilTo(from, 'day');
  const end = new Date(Math.min(floorTo(to, 'day').getTime(), floorTo(floorTo(now, 'hour'), 'day').getTime()));
  return start < end ? [start, end] : null;
}

/** [from, to) without the given days, as ranges in order. */
export function withoutDays(from: Date, to: Date, days: readonly Date[]): Range[] {
  const sorted = [...new Set(days.map((d) => d.getTime()))].sort((a, b) => a - b);
  const out: Range[] = [];
  let cursor = from.getTime();
  for (const d of sorted) {
    if (d + DAY_MS <= cursor || d >= to.getTime()) continue;
    if (d > cursor) out.push([new Date(cursor), new Date(d)]);
    cursor = Math.max(cursor, d + DAY_MS);
  }
  if (cursor < to.getTime()) out.push([new Date(cursor), to]);
  return out;
}

/** The whole, closed hours of each range (ranges of hour starts), skipping ranges with none. */
export function closedHourSpans(ranges: readonly Range[], now: Date): Range[] {
  const nowHour = floorTo(now, 'hour').getTime();
  const out: Range[] = [];
  for (const [from, to] of ranges) {
    const start = ceilTo(from, 'hour');
    const end = new Date(Math.min(floorTo(to, 'hour').getTime(), nowHour));
    if (start < end) out.push([start, end]);
  }
  return out;
}

/** Hour starts of the spans that are not pending: the hours hourly rows answer for. */
export function coveredHours(spans: readonly Range[], pending: ReadonlySet<number>): Date[] {
  const hours: Date[] = [];
  for (const [start, end] of spans) {
    for (let h = start.getTime(); h < end.getTime(); h += HOUR_MS) if (!pending.has(h)) hours.push(new Date(h));
  }
  return hours;
}

/** What raw rows must answer: each range minus the covered hours. */
export function rawRanges(ranges: readonly Range[], covered: readonly Date[]): Range[] {
  return ranges.flatMap(([from, to]) => uncoveredRanges(from, to, covered as Date[]));
}
