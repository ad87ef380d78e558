import { Client } from 'pg';
import { METRIC_TABLES } from '../src/metrics/metric-tables';
import { combineParts, Part, rawPart, rollupPart } from '../src/metrics/query/combine';
import { dayAndWeekRowsSql, rawAggregateSql, rollupRowsSql } from '../src/metrics/query/query-sql';
import { closedDaySpan, closedHourSpans, closedWeekSpan, outsideDays, Range, rawRanges } from '../src/metrics/query/source-plan';
import { p, timed } from './support';

/**
 * Where the time of the API's top-N by p99 goes (bench:dashboards): each statement the service
 * sends for it, with the service's own SQL builders and the same ranges, and the merge of the
 * sketches in Node, each timed alone (p50 of `runs`). The service sends the three statements at
 * once; here they run one after the other.
 */
export async function topBreakdown(db: Client, from: Date, to: Date, now: Date, runs: number): Promise<Array<[string, number, string]>> {
  const t = METRIC_TABLES.tool;
  const bounds = (ranges: readonly Range[]) => [ranges.map((r) => r[0]), ranges.map((r) => r[1])];
  const daySpan = closedDaySpan(from, to, now)!;
  const remainder = outsideDays(from, to, daySpan);
  const spans = closedHourSpans(remainder, now);
  const raw = rawRanges(remainder, spans, []);
  const q = (sql: string, params: unknown[]) => db.query(sql, params).then((r) => r.rows as Array<Record<string, unknown>>);
  const weekSpan = closedWeekSpan(daySpan)!;
  const daySql = dayAndWeekRowsSql(t, { entity: false, sketch: true });
  const dayArgs = [...daySpan, ...weekSpan];
  const hourSql = rollupRowsSql(t, { entity: false, sketch: true, period: 'hour' });
  const rawSql = rawAggregateSql(t, { entity: false, group: 'entity', percentiles: true, sketch: true });
  const [days, hours, edges] = [await q(daySql, dayArgs), await q(hourSql, bounds(spans)), await q(rawSql, bounds(raw))];
  const merge = () => {
    const parts = new Map<string, Part[]>();
    const add = (id: unknown, part: Part) => {
      const list = parts.get(String(id)) ?? [];
      list.push(part);
      parts.set(String(id), list);
    };
    for (const r of days) add(r.id, rollupPart('daily', r));
    for (const r of hours) add(r.id, rollupPart('hourly', r));
    for (const r of edges) add(r.grp, rawPart(r));
    return [...parts.values()].map(combineParts);
  };
  const bytes = [...days, ...hours].reduce((n, r) => n + ((r.response_time_sketch as Buffer | null)?.length ?? 0), 0);
  const ms = async (fn: () => Promise<unknown> | unknown) => p(await timed(runs, async () => fn()), 0.5);
  return [
    [
      `weekly + daily rows with sketches (${days.filter((r) => r.period === 'week').length} + ${days.filter((r) => r.period === 'day').length})`,
      await ms(() => q(daySql, dayArgs)),
      `${Math.round(bytes / 1024)} KB of sketches in all`,
    ],
    [`hourly rows with sketches (${hours.length})`, await ms(() => q(hourSql, bounds(spans))), `${spans.length} spans of hours`],
    [`raw edges, sorted + sketched (${edges.length} groups)`, await ms(() => q(rawSql, bounds(raw))), `${raw.length} ranges`],
    ['merge of the sketches in Node', await ms(merge), `${days.length + hours.length + edges.length} parts`],
  ];
}
