import { DataSource } from 'typeorm';
import { DAY_MS } from '../../common/time';
import { MetricTable } from '../metric-tables';
import { dayAndWeekRowsSql, rawAggregateSql, RawGroup, rollupRowsSql } from './query-sql';
import {
  closedDaySpan,
  closedHourSpans,
  closedWeekSpan,
  outsideDays,
  Range,
  rawRanges,
  sameRanges,
  unitRanges,
  usualRawRanges,
} from './source-plan';

export type Row = Record<string, unknown>;

const ms = (v: unknown) => new Date(v as string).getTime();
const bounds = (ranges: readonly Range[]) => [ranges.map((r) => r[0]), ranges.map((r) => r[1])];

/** Daily rows for closed days (not for hour buckets); weekly rows for the whole weeks among them (not for day buckets). */
export interface PlanOptions {
  daily: boolean;
  weekly?: boolean;
  sketch: boolean;
}

/** The rows that answer a range: up-to-date weekly, daily and hourly rollup rows (weekly ones among `days`), and the raw ranges for the rest. */
export interface Plan {
  days: Row[];
  hours: Row[];
  raw: Range[];
}

/**
 * Which rows answer a range (source-plan.ts decides, pure), read: the up-to-date weekly, daily
 * and hourly rollup rows of one entity or all, and the raw aggregates of the rest. The reads of
 * MetricsQueryService, apart from its answers.
 */
export class PlanReader {
  constructor(private readonly metrics: DataSource) {}

  /**
   * Which rollup rows are up to date over [from, to), of one entity or all (`id` null).
   * A day (or hour) is read from rollups only if none of its rows is pending.
   */
  private async plan(t: MetricTable, ids: string[] | null, from: Date, to: Date, now: Date, o: PlanOptions) {
    const args = (ranges: Range[]) => (ids === null ? bounds(ranges) : [ids, ...bounds(ranges)]);
    const entity = ids !== null;
    const hourRowsOf = (spans: Range[]): Promise<Row[]> =>
      spans.length ? this.metrics.query(rollupRowsSql(t, { entity, sketch: o.sketch, period: 'hour' }), args(spans)) : Promise.resolve([]);
    const daySpan = o.daily ? closedDaySpan(from, to, now) : null;
    const weekSpan = o.weekly ? closedWeekSpan(daySpan) : null;
    const dayRowsOf = (span: Range): Promise<Row[]> =>
      weekSpan
        ? this.metrics.query(dayAndWeekRowsSql(t, { entity, sketch: o.sketch }), [...(entity ? [ids] : []), ...span, ...weekSpan])
        : this.metrics.query(rollupRowsSql(t, { entity, sketch: o.sketch, period: 'day' }), args([span]));
    // All levels at once, on the usual premise that every whole closed day has an up-to-date daily (or weekly) row.
    const [dayRows, usualHours] = await Promise.all([
      daySpan ? dayRowsOf(daySpan) : [],
      hourRowsOf(closedHourSpans(outsideDays(from, to, daySpan), now)),
    ]);
    const stale = new Set(dayRows.filter((r) => Number(r.pending_changes) > 0).map((r) => ms(r.hour_start)));
    const days = dayRows.filter((r) => !stale.has(ms(r.hour_start)));
    const remainder = outsideDays(from, to, daySpan, stale);
    const spans = closedHourSpans(remainder, now);
    // Days whose daily row is stale: their hours too.
    const hourRows = [...usualHours, ...(await hourRowsOf(unitRanges(stale, DAY_MS)))];
    const pending = new Set(hourRows.filter((r) => Number(r.pending_changes) > 0).map((r) => ms(r.hour_start)));
    const hours = hourRows.filter((r) => !pending.has(ms(r.hour_start)));
    return { days, hours, raw: rawRanges(remainder, spans, pending) } satisfies Plan;
  }

  /**
   * The plan and the raw aggregates it needs. The raw read of the usual case (every rollup row
   * up to date: only the edges and the open hour are raw) runs beside the rollup reads; when
   * the plan finds stale days or pending hours, the raw rows of its whole plan are read again
   * (one statement, so that each group stays one part). `exact`: raw rows only.
   */
  async planned(
    t: MetricTable,
    ids: string[] | null,
    from: Date,
    to: Date,
    now: Date,
    o: PlanOptions & { exact?: boolean },
    group: RawGroup,
    rawOptions: { percentiles: boolean; sketch: boolean },
  ): Promise<{ plan: Plan; raw: Row[] }> {
    if (o.exact) {
      const plan: Plan = { days: [], hours: [], raw: [[from, to]] };
      return { plan, raw: await this.raw(t, ids, plan.raw, group, rawOptions) };
    }
    const usual = usualRawRanges(from, to, now, o.daily);
    const [plan, early] = await Promise.all([this.plan(t, ids, from, to, now, o), this.raw(t, ids, usual, group, rawOptions)]);
    return { plan, raw: sameRanges(plan.raw, usual) ? early : await this.raw(t, ids, plan.raw, group, rawOptions) };
  }

  async raw(t: MetricTable, ids: string[] | null, ranges: Range[], group: RawGroup, o: { percentiles: boolean; sketch: boolean }) {
    if (!ranges.length) return [] as Row[];
    const sql = rawAggregateSql(t, { entity: ids !== null, group, ...o });
    return (await this.metrics.query(sql, ids === null ? bounds(ranges) : [ids, ...bounds(ranges)])) as Row[];
  }

  static sources(plan: Plan) {
    const weekly = plan.days.filter((r) => r.period === 'week').length;
    return { weekly_rows: weekly, daily_rows: plan.days.length - weekly, hourly_rows: plan.hours.length, raw_ranges: plan.raw.length };
  }
}
