import { ceilTo, closedHours, combineSummary, floorTo, uncoveredRanges } from './time-range';

const d = (s: string) => new Date(s);

describe('time ranges', () => {
  it('floors and ceils to UTC hours and days', () => {
    expect(floorTo(d('2026-02-28T23:59:59.999Z'), 'hour')).toEqual(d('2026-02-28T23:00:00Z'));
    expect(floorTo(d('2026-02-28T23:59:59.999Z'), 'day')).toEqual(d('2026-02-28T00:00:00Z'));
    expect(ceilTo(d('2026-12-31T23:00:01Z'), 'hour')).toEqual(d('2027-01-01T00:00:00Z'));
    expect(ceilTo(d('2028-02-28T01:00:00Z'), 'day')).toEqual(d('2028-02-29T00:00:00Z'));
    expect(ceilTo(d('2026-01-01T05:00:00Z'), 'hour')).toEqual(d('2026-01-01T05:00:00Z'));
  });

  it('closed hours are whole hours inside the range that have ended', () => {
    const now = d('2026-01-01T10:20:00Z');
    expect(closedHours(d('2026-01-01T06:30:00Z'), d('2026-01-01T12:00:00Z'), now)).toEqual({
      start: d('2026-01-01T07:00:00Z'),
      end: d('2026-01-01T10:00:00Z'),
    });
    expect(closedHours(d('2026-01-01T10:00:00Z'), d('2026-01-01T11:00:00Z'), now)).toBeNull();
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

  it('combines summary parts exactly', () => {
    expect(
      combineSummary([
        { total: 2, failures: 1, min: 0.1, max: 0.5, sum: 0.6 },
        { total: 0, failures: 0, min: null, max: null, sum: 0 },
        { total: 2, failures: 0, min: 0.05, max: 0.3, sum: 0.4 },
      ]),
    ).toEqual({ total: 4, failures: 1, failure_rate: 0.25, min: 0.05, max: 0.5, avg: 0.25 });
    expect(combineSummary([])).toEqual({ total: 0, failures: 0, failure_rate: 0, min: null, max: null, avg: null });
  });
});
