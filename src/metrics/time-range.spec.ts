import { combineParts, Part } from './query/combine';
import { ceilTo, floorTo, uncoveredRanges } from './time-range';

const d = (s: string) => new Date(s);

describe('time ranges', () => {
  it('floors and ceils to UTC hours and days', () => {
    expect(floorTo(d('2026-02-28T23:59:59.999Z'), 'hour')).toEqual(d('2026-02-28T23:00:00Z'));
    expect(floorTo(d('2026-02-28T23:59:59.999Z'), 'day')).toEqual(d('2026-02-28T00:00:00Z'));
    expect(ceilTo(d('2026-12-31T23:00:01Z'), 'hour')).toEqual(d('2027-01-01T00:00:00Z'));
    expect(ceilTo(d('2028-02-28T01:00:00Z'), 'day')).toEqual(d('2028-02-29T00:00:00Z'));
    expect(ceilTo(d('2026-01-01T05:00:00Z'), 'hour')).toEqual(d('2026-01-01T05:00:00Z'));
  });

  it('uncovered ranges are the range minus the covered hours, merged', () => {
    const covered = [d('2026-01-01T07:00:00Z'), d('2026-01-01T08:00:00Z'), d('2026-01-01T10:00:00Z'), d('2026-01-01T08:00:00Z')];
    expect(uncoveredRanges(d('2026-01-01T06:30:00Z'), d('2026-01-01T11:15:00Z'), covered)).toEqual([
      [d('2026-01-01T06:30:00Z'), d('2026-01-01T07:00:00Z')],
      [d('2026-01-01T09:00:00Z'), d('2026-01-01T10:00:00Z')],
      [d('2026-01-01T11:00:00Z'), d('2026-01-01T11:15:00Z')],
    ]);
    expect(uncoveredRanges(d('2026-01-01T07:00:00Z'), d('2026-01-01T09:00:00Z'), covered)).toEqual([]);
    expect(uncoveredRanges(d('2026-01-01T00:00:00Z'), d('2026-01-01T01:00:00Z'), [])).toEqual([
      [d('2026-01-01T00:00:00Z'), d('2026-01-01T01:00:00Z')],
    ]);
  });

  it('combines parts exactly (counts, min/max, re-weighted average) and says where they came from', () => {
    const part = (kind: Part['kind'], count: number, failures: number, min: number | null, max: number | null, sum: number): Part => ({
      kind,
      count,
      failures,
      min,
      max,
      sum,
      percentiles: [min, max, max, max],
      exact: kind !== 'daily',
      sketch: null,
    });
    const one = combineParts([part('hourly', 2, 1, 0.1, 0.5, 0.6), part('raw', 0, 0, null, null, 0)]);
    expect(one).toMatchObject({ count: 2, source: 'hourly', exact: true, error_bound: 0, percentiles: [0.1, 0.5, 0.5, 0.5] });
    expect(combineParts([part('daily', 2, 1, 0.1, 0.5, 0.6), part('raw', 2, 0, 0.05, 0.3, 0.4)])).toMatchObject({
      count: 4,
      failures: 1,
      failure_rate: 0.25,
      min: 0.05,
      max: 0.5,
      avg: 0.25,
      source: 'mixed',
      exact: false,
      error_bound: 0.01,
      // Without sketches (rows rolled up before them) several parts have no percentile.
      percentiles: [null, null, null, null],
    });
    expect(combineParts([])).toMatchObject({ count: 0, failure_rate: 0, min: null, max: null, avg: null, source: 'raw' });
  });
});
