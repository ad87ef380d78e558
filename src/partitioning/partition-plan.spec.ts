import { DAY_MS } from '../common/time';
import fc from 'fast-check';
import { PARTITION_PERIODS } from '../config/configuration';
import { PartitionPeriod } from '../config/settings';
import { addPeriods, coveredUntil, partitionName, PartitionRange, periodStart, planPartitions } from './partition-plan';

const utc = (iso: string) => new Date(`${iso}Z`);
const period = fc.constantFrom(...PARTITION_PERIODS);
/** Any instant from 1990 to 2100. */
const instant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }).map((t) => new Date(t));

function apply(existing: PartitionRange[], plan: ReturnType<typeof planPartitions>): PartitionRange[] {
  const dropped = new Set(plan.drop.map((p) => p.name));
  return [...existing.filter((p) => !dropped.has(p.name)), ...plan.create].sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** No gap, no overlap, names unique and in the same order as the ranges; null when all holds. */
function continuityProblem(partitions: PartitionRange[]): string | null {
  for (let i = 0; i < partitions.length; i++) {
    const p = partitions[i];
    if (p.from.getTime() >= p.to.getTime()) return `${p.name} is empty`;
    if (i === 0) continue;
    const q = partitions[i - 1];
    if (p.from.getTime() !== q.to.getTime()) return `gap or overlap between ${q.name} and ${p.name}`;
    if (!(p.name > q.name)) return `${q.name} does not sort before ${p.name}`;
  }
  return null;
}

/** Every partition is exactly one period, named after its start. */
function alignmentProblem(partitions: PartitionRange[], p: PartitionPeriod): string | null {
  for (const x of partitions) {
    if (periodStart(x.from, p).getTime() !== x.from.getTime()) return `${x.name} starts off a period boundary`;
    if (addPeriods(x.from, p, 1).getTime() !== x.to.getTime()) return `${x.name} is not one ${p}`;
    if (x.name !== partitionName('t', x.from)) return `${x.name} is misnamed`;
  }
  return null;
}

const expectContinuous = (partitions: PartitionRange[]) => expect(continuityProblem(partitions)).toBeNull();

/** Runs the plan once a day for 1,000 days; the first broken promise, or null. */
function simulateDays(start: Date, p: PartitionPeriod, premake: number, retentionDays: number): string | null {
  // Plain checks, one expect per simulation: jest's matchers would dominate the run time.
  let existing: PartitionRange[] = [];
  for (let day = 0; day < 1000; day++) {
    const now = new Date(start.getTime() + day * DAY_MS);
    const at = `day ${day} (${now.toISOString()})`;
    const plan = planPartitions({ table: 't', period: p, now, premake, retentionDays, existing });
    const cutoff = now.getTime() - retentionDays * DAY_MS;
    // Exactly the expired partitions go, and never the current one.
    const expired = existing.filter((x) => x.to.getTime() <= cutoff).map((x) => x.name);
    if (plan.drop.map((x) => x.name).join() !== expired.join()) return `${at}: dropped ${plan.drop.length}, expired ${expired.length}`;
    if (plan.drop.some((x) => x.to.getTime() > plan.current.from.getTime())) return `${at}: drops the current period`;
    existing = apply(existing, plan);
    const problem = continuityProblem(existing) ?? alignmentProblem(existing, p);
    if (problem) return `${at}: ${problem}`;
    // Every instant from the current period to `premake` periods ahead is covered.
    if (existing[0].from.getTime() > plan.current.from.getTime()) return `${at}: the current period is not covered`;
    if (existing[existing.length - 1].to.getTime() !== addPeriods(now, p, premake + 1).getTime()) return `${at}: premake missed`;
    if (coveredUntil(existing, now)?.getTime() !== plan.premadeUntil.getTime()) return `${at}: coverage ends early`;
    // A second run at the same instant finds nothing to do.
    const again = planPartitions({ table: 't', period: p, now, premake, retentionDays, existing });
    if (again.create.length || again.drop.length) return `${at}: a second run is not a no-op`;
  }
  return null;
}

describe('periodStart / addPeriods', () => {
  it.each([
    ['day', '2024-02-29T23:59:59.999', '2024-02-29T00:00:00', '2024-03-01T00:00:00'],
    ['day', '2023-12-31T12:00:00', '2023-12-31T00:00:00', '2024-01-01T00:00:00'],
    ['week', '2024-01-01T00:00:00', '2024-01-01T00:00:00', '2024-01-08T00:00:00'], // a Monday
    ['week', '2023-12-31T23:00:00', '2023-12-25T00:00:00', '2024-01-01T00:00:00'], // a Sunday
    ['week', '2024-02-29T10:00:00', '2024-02-26T00:00:00', '2024-03-04T00:00:00'],
    ['month', '2024-02-29T10:00:00', '2024-02-01T00:00:00', '2024-03-01T00:00:00'],
    ['month', '2023-12-31T23:59:59', '2023-12-01T00:00:00', '2024-01-01T00:00:00'],
  ] as Array<[PartitionPeriod, string, string, string]>)('%s of %s starts %s, next %s', (p, at, start, next) => {
    expect(periodStart(utc(at), p)).toEqual(utc(start));
    expect(addPeriods(utc(at), p, 1)).toEqual(utc(next));
    expect(addPeriods(utc(next), p, -1)).toEqual(utc(start));
  });

  it('every instant lies in [start, next) of its period, and starts are aligned', () => {
    fc.assert(
      fc.property(instant, period, (t, p) => {
        const start = periodStart(t, p);
        const next = addPeriods(t, p, 1);
        expect(start.getTime()).toBeLessThanOrEqual(t.getTime());
        expect(t.getTime()).toBeLessThan(next.getTime());
        expect(periodStart(start, p)).toEqual(start);
        expect(periodStart(next, p)).toEqual(next);
        expect(start.getTime() % DAY_MS).toBe(0);
        if (p === 'week') expect(start.getUTCDay()).toBe(1);
        if (p === 'month') expect(start.getUTCDate()).toBe(1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('partitionName', () => {
  it('names the range start, zero-padded, so names sort like ranges', () => {
    expect(partitionName('tool_metrics', utc('2024-03-01T00:00:00'))).toBe('tool_metrics_p20240301');
    expect(partitionName('audit_trails', utc('0999-01-05T00:00:00'))).toBe('audit_trails_p09990105');
    expect(partitionName('t', utc('2024-03-01T12:30:00'))).toBe('t_p20240301_123000');
  });
});

describe('planPartitions', () => {
  const base = { table: 't', premake: 7, retentionDays: 90, existing: [] as PartitionRange[] };

  it('on an empty table: the previous period, the current one and `premake` ahead, nothing to drop', () => {
    const plan = planPartitions({ ...base, period: 'day', now: utc('2024-02-27T15:00:00') });
    expect(plan.create.map((r) => r.name)).toEqual([
      't_p20240226',
      't_p20240227',
      't_p20240228',
      't_p20240229',
      't_p20240301',
      't_p20240302',
      't_p20240303',
      't_p20240304',
      't_p20240305',
    ]);
    expect(plan.premadeUntil).toEqual(utc('2024-03-06T00:00:00'));
    expect(plan.current).toEqual({ from: utc('2024-02-27T00:00:00'), to: utc('2024-02-28T00:00:00') });
    expect(plan.drop).toEqual([]);
  });

  it('drops exactly the partitions that end at or before now - retention', () => {
    const now = utc('2024-03-10T06:00:00');
    const existing = planPartitions({ ...base, period: 'day', now: utc('2024-03-01T00:00:00'), retentionDays: 30 }).create;
    const plan = planPartitions({ ...base, period: 'day', now, retentionDays: 9, existing });
    // cutoff 2024-03-01T06:00: Feb 29 (ends Mar 1 00:00) goes, Mar 1 (ends Mar 2) stays.
    expect(plan.drop.map((p) => p.name)).toEqual(['t_p20240229']);
  });

  it('never drops the current period, whatever the retention', () => {
    const now = utc('2024-03-10T23:59:59');
    const existing = planPartitions({ ...base, period: 'month', now }).create;
    const plan = planPartitions({ ...base, period: 'month', now, retentionDays: 1, existing });
    expect(plan.drop.map((p) => p.name)).toEqual(['t_p20240201']);
  });

  it('gives rows of the DEFAULT partition a partition of their period, and purges expired ones', () => {
    const now = utc('2024-03-10T00:00:00');
    const existing = planPartitions({ ...base, period: 'day', now }).create;
    const plan = planPartitions({
      ...base,
      period: 'day',
      now,
      existing,
      defaultRows: [utc('2024-01-15T10:00:00'), utc('2025-07-01T00:00:00'), utc('2023-01-01T00:00:00')],
    });
    // Jan 15 gets its partition and the gap up to the existing ones (from Mar 9) is filled; the
    // future row gets its own partition; the 2023 row is expired.
    const names = plan.create.map((r) => r.name);
    expect(names[0]).toBe('t_p20240115');
    expect(names.slice(-2)).toEqual(['t_p20240308', 't_p20250701']);
    expect(names).toHaveLength(31 - 14 + 29 + 8 + 1);
    expectContinuous([...plan.create.slice(0, -1), ...existing]);
    expect(plan.purgeBefore).toEqual(utc('2023-12-11T00:00:00'));
  });

  it('cuts new ranges around partitions of another period (period changed by configuration)', () => {
    const now = utc('2024-03-13T00:00:00'); // a Wednesday
    const existing = planPartitions({ ...base, period: 'day', now, premake: 1 }).create; // Mar 12, 13, 14
    const plan = planPartitions({ ...base, period: 'week', now, premake: 1, existing });
    const all = apply(existing, plan);
    expectContinuous(all);
    expect(plan.create.map((r) => r.name)).toEqual(['t_p20240304', 't_p20240311', 't_p20240315', 't_p20240318']);
    expect(coveredUntil(all, now)).toEqual(utc('2024-03-25T00:00:00'));
  });

  it('over 1,000 consecutive days from any start: continuous coverage, exact retention, idempotent', () => {
    fc.assert(
      fc.property(instant, period, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 400 }), (start, p, premake, retentionDays) =>
        expect(simulateDays(start, p, premake, retentionDays)).toBeNull(),
      ),
      { numRuns: 30 },
    );
  });

  it('after an outage of any length, gaps back to the oldest retained partition are filled', () => {
    fc.assert(
      fc.property(
        instant,
        period,
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 5, maxLength: 40 }),
        fc.integer({ min: 1, max: 120 }),
        (start, p, steps, retentionDays) => {
          let existing: PartitionRange[] = [];
          let now = start;
          for (const step of steps) {
            now = new Date(now.getTime() + step * DAY_MS + 3_600_000);
            const plan = planPartitions({ table: 't', period: p, now, premake: 3, retentionDays, existing });
            existing = apply(existing, plan);
            expectContinuous(existing);
            expect(coveredUntil(existing, now)).toEqual(plan.premadeUntil);
            expect(existing.filter((x) => x.to.getTime() <= now.getTime() - retentionDays * DAY_MS)).toEqual([]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rows anywhere in the DEFAULT partition get a home, or are purged when expired', () => {
    fc.assert(
      fc.property(
        instant,
        period,
        fc.array(instant, { maxLength: 30 }),
        fc.integer({ min: 1, max: 400 }),
        (now, p, rows, retentionDays) => {
          const existing = planPartitions({ table: 't', period: p, now, premake: 2, retentionDays, existing: [] }).create;
          // Rows in the default never lie inside an existing partition.
          const defaultRows = rows.filter((r) => !existing.some((x) => x.from <= r && r < x.to));
          const plan = planPartitions({ table: 't', period: p, now, premake: 2, retentionDays, existing, defaultRows });
          const all = apply(existing, plan);
          for (let i = 1; i < all.length; i++) expect(all[i].from.getTime()).toBeGreaterThanOrEqual(all[i - 1].to.getTime());
          for (const r of defaultRows) {
            const home = all.find((x) => x.from <= r && r < x.to);
            if (r.getTime() >= plan.purgeBefore.getTime()) expect(home).toBeDefined();
            else expect(home).toBeUndefined();
          }
          expect(new Set(all.map((x) => x.name)).size).toBe(all.length);
        },
      ),
      { numRuns: 500 },
    );
  });
});
