import { closedDaySpan, closedHourSpans, coveredHours, rawRanges, withoutDays } from './source-plan';

const at = (iso: string) => new Date(`2031-03-${iso}Z`);

describe('source plan', () => {
  const now = at('10T15:20:00');

  it('daily rows only for whole days that are over', () => {
    expect(closedDaySpan(at('01T06:00:00'), at('10T18:00:00'), now)).toEqual([at('02T00:00:00'), at('10T00:00:00')]);
    expect(closedDaySpan(at('09T06:00:00'), at('10T18:00:00'), now)).toBeNull();
  });

  it('hourly rows for the closed whole hours left, raw rows for edges, pending hours and the open hour', () => {
    const from = at('08T22:30:00');
    const remainder = withoutDays(from, now, [at('09T00:00:00')]);
    expect(remainder).toEqual([
      [from, at('09T00:00:00')],
      [at('10T00:00:00'), now],
    ]);
    const spans = closedHourSpans(remainder, now);
    expect(spans).toEqual([
      [at('08T23:00:00'), at('09T00:00:00')],
      [at('10T00:00:00'), at('10T15:00:00')],
    ]);
    const covered = coveredHours(spans, new Set([at('10T03:00:00').getTime()]));
    expect(covered).toHaveLength(1 + 14);
    expect(rawRanges(remainder, covered)).toEqual([
      [from, at('08T23:00:00')],
      [at('10T03:00:00'), at('10T04:00:00')],
      [at('10T15:00:00'), now],
    ]);
  });
});
