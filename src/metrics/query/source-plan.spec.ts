import { weekStart } from '../time-range';
import {
  closedDaySpan,
  closedHourSpans,
  closedWeekSpan,
  minus,
  outsideDays,
  rawRanges,
  sameRanges,
  unitRanges,
  usualRawRanges,
} from './source-plan';

const at = (iso: string) => new Date(`2031-03-${iso}Z`);

describe('source plan', () => {
  const now = at('10T15:20:00');

  it('daily rows only for whole days that are over', () => {
    expect(closedDaySpan(at('01T06:00:00'), at('10T18:00:00'), now)).toEqual([at('02T00:00:00'), at('10T00:00:00')]);
    expect(closedDaySpan(at('09T06:00:00'), at('10T18:00:00'), now)).toBeNull();
  });

  it('hourly rows for the closed whole hours left, raw rows for edges, pending hours and the open hour', () => {
    const from = at('08T22:30:00');
    const remainder = outsideDays(from, now, closedDaySpan(from, now, now));
    expect(remainder).toEqual([
      [from, at('09T00:00:00')],
      [at('10T00:00:00'), now],
    ]);
    const spans = closedHourSpans(remainder, now);
    expect(spans).toEqual([
      [at('08T23:00:00'), at('09T00:00:00')],
      [at('10T00:00:00'), at('10T15:00:00')],
    ]);
    expect(rawRanges(remainder, spans, [at('10T03:00:00').getTime()])).toEqual([
      [from, at('08T23:00:00')],
      [at('10T03:00:00'), at('10T04:00:00')],
      [at('10T15:00:00'), now],
    ]);
  });

  it('gives a stale day back to hourly and raw rows', () => {
    const from = at('01T00:00:00');
    expect(outsideDays(from, now, closedDaySpan(from, now, now), [at('05T00:00:00').getTime()])).toEqual([
      [at('05T00:00:00'), at('06T00:00:00')],
      [at('10T00:00:00'), now],
    ]);
  });

  it('merges and subtracts ranges', () => {
    const h = (n: number) => at('01T00:00:00').getTime() + n * 3_600_000;
    expect(unitRanges([h(3), h(1), h(2), h(1)], 3_600_000)).toEqual([[new Date(h(1)), new Date(h(4))]]);
    const r = (a: number, b: number): [Date, Date] => [new Date(h(a)), new Date(h(b))];
    expect(minus([r(0, 10), r(12, 20)], [r(2, 3), r(9, 13), r(19, 25)])).toEqual([r(0, 2), r(3, 9), r(13, 19)]);
    expect(minus([r(0, 10)], [])).toEqual([r(0, 10)]);
    expect(minus([r(0, 10)], [r(0, 10)])).toEqual([]);
  });

  it('costs the ranges, not the width: a window from year 1, hour buckets, answers in a handful of ranges', () => {
    const from = new Date('0001-01-01T00:00:00Z');
    const remainder = outsideDays(from, now, null);
    const spans = closedHourSpans(remainder, now);
    const raw = rawRanges(remainder, spans, [at('10T03:00:00').getTime()]);
    expect(raw).toEqual([
      [at('10T03:00:00'), at('10T04:00:00')],
      [at('10T15:00:00'), now],
    ]);
  });

  it('whole weeks, Monday to Monday UTC, inside the closed days', () => {
    // 2031-03-10 is a Monday.
    expect(weekStart(at('12T15:00:00'))).toEqual(at('10T00:00:00'));
    expect(weekStart(at('12T15:00:00'), true)).toEqual(at('17T00:00:00'));
    expect(weekStart(at('10T00:00:00'), true)).toEqual(at('10T00:00:00'));
    expect(closedWeekSpan([new Date('2031-02-25T00:00:00Z'), at('20T00:00:00')])).toEqual([
      new Date('2031-03-03T00:00:00Z'),
      at('17T00:00:00'),
    ]);
    expect(closedWeekSpan([at('11T00:00:00'), at('17T00:00:00')])).toBeNull();
    expect(closedWeekSpan(null)).toBeNull();
  });

  it('the usual raw ranges are known before any rollup row is read: the edges and the open hour', () => {
    const from = at('08T22:30:00');
    const usual = usualRawRanges(from, now, now, true);
    expect(usual).toEqual([
      [from, at('08T23:00:00')],
      [at('10T15:00:00'), now],
    ]);
    const remainder = outsideDays(from, now, closedDaySpan(from, now, now));
    expect(sameRanges(usual, rawRanges(remainder, closedHourSpans(remainder, now), []))).toBe(true);
    expect(sameRanges(usual, rawRanges(remainder, closedHourSpans(remainder, now), [at('10T03:00:00').getTime()]))).toBe(false);
  });
});
