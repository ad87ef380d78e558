/**
 * Which rows answer which part of a time range, pure. Closed days whose daily row is up to
 * date come from daily rows; the rest of the closed, whole hours whose hourly row is up to
 * date (or that have none: no executions) from hourly rows; everything else — the open
 * hour, partial hours at the edges, hours with raw rows newer than their rollup — from raw
 * rows. Half-open UTC ranges throughout. Every function costs what its lists of ranges
 * hold (rows found stale or pending), never the width of the window: a window from year 1
 * is a handful of ranges, not 17 million hours.
 */
import { DAY_MS, HOUR_MS } from '../../common/time';
import { ceilTo, floorTo, weekStart } from '../time-range';

export type Range = [Date, Date];

/** Whole days inside [from, to) that are over at `now` (their last hour is closed), or null. */
export function closedDaySpan(from: Date, to: Date, now: Date): Range | null {
  const start = ceilTo(from, 'day');
  const end = new Date(Math.min(floorTo(to, 'day').getTime(), floorTo(floorTo(now, 'hour'), 'day').getTime()));
  return start < end ? [start, end] : null;
}

/** The whole weeks (Monday to Monday, UTC) inside a span of closed days, or null. */
export function closedWeekSpan(days: Range | null): Range | null {
  if (!days) return null;
  const start = weekStart(days[0], true);
  const end = weekStart(days[1]);
  return start < end ? [start, end] : null;
}

/** Ranges of one bucket length starting at the given times (in any order, repeats allowed), sorted and merged. */
export function unitRanges(starts: Iterable<number>, unitMs: number): Range[] {
  const sorted = [...new Set(starts)].sort((a, b) => a - b);
  const out: Range[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && last[1].getTime() >= s) last[1] = new Date(Math.max(last[1].getTime(), s + unitMs));
    else out.push([new Date(s), new Date(s + unitMs)]);
  }
  return out;
}

/** `ranges` minus `cut`, both sorted and disjoint: one merge pass. */
export function minus(ranges: readonly Range[], cut: readonly Range[]): Range[] {
  const out: Range[] = [];
  let j = 0;
  for (const [from, to] of ranges) {
    let start = from.getTime();
    const end = to.getTime();
    while (j < cut.length && cut[j][1].getTime() <= start) j++;
    for (let k = j; k < cut.length && cut[k][0].getTime() < end; k++) {
      const [cs, ce] = [cut[k][0].getTime(), cut[k][1].getTime()];
      if (cs > start) out.push([new Date(start), new Date(cs)]);
      start = Math.max(start, ce);
    }
    if (start < end) out.push([new Date(start), new Date(end)]);
  }
  return out;
}

/** [from, to) without the whole days of `span` whose daily row answers (all but `staleDays`). */
export function outsideDays(from: Date, to: Date, span: Range | null, staleDays: Iterable<number> = []): Range[] {
  return minus([[from, to]], span ? minus([span], unitRanges(staleDays, DAY_MS)) : []);
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

/** What raw rows must answer: each range minus its closed hours, except the pending ones (hour starts). */
export function rawRanges(ranges: readonly Range[], spans: readonly Range[], pendingHours: Iterable<number>): Range[] {
  return minus(ranges, minus(spans, unitRanges(pendingHours, HOUR_MS)));
}

/**
 * What raw rows answer when every daily and hourly row is up to date (the usual case): known
 * before any rollup row is read, so that the raw read can run beside the rollup reads. When the
 * rollups show stale days or pending hours, the raw ranges are a superset of these.
 */
export function usualRawRanges(from: Date, to: Date, now: Date, daily: boolean): Range[] {
  const remainder = outsideDays(from, to, daily ? closedDaySpan(from, to, now) : null);
  return rawRanges(remainder, closedHourSpans(remainder, now), []);
}

/** Whether two lists of ranges are the same. */
export const sameRanges = (a: readonly Range[], b: readonly Range[]) =>
  a.length === b.length && a.every((r, i) => r[0].getTime() === b[i][0].getTime() && r[1].getTime() === b[i][1].getTime());
