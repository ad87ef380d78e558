import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DAY_MS, HOUR_MS } from '../../common/time';
import { METRICS_DB } from '../../database/roles';
import { EntityType, METRIC_TABLES, MetricTable } from '../metric-tables';
import { Bucket, WEEK_MS } from '../time-range';
import { combineParts, Combined, overall, Part, rawPart, rollupPart, SourceKind } from './combine';
import { exactSeriesSql, lastExecutionSql, rawFloorSql } from './query-sql';
import { Plan, PlanReader, Row } from './plan-reader';

export type TopBy = 'count' | 'p99' | 'failure_rate';

const iso = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);
const ms = (v: unknown) => new Date(v as string).getTime();

/**
 * Reads of execution metrics, from the metrics database only (names were captured at write
 * time: never a join to core). Rollups answer wherever they cover: closed days from daily
 * rows, closed hours from hourly rows, raw rows only for the open tail, partial edge hours
 * and hours with raw rows newer than their rollup (pending). `exact=true` reads raw rows
 * only. Every answer says which rows it used and the error bound of its percentiles.
 */
@Injectable()
export class MetricsQueryService {
  private readonly reader: PlanReader;

  constructor(@InjectDataSource(METRICS_DB) private readonly metrics: DataSource) {
    this.reader = new PlanReader(metrics);
  }

  /** Totals over [from, to): counts, failures, min/max/avg, last execution. Exact from any source. */
  async summary(t: MetricTable, id: string, from: Date, to: Date, options: { exact?: boolean } = {}, now = new Date()) {
    const [{ plan, raw }, [last]] = await Promise.all([
      this.reader.planned(t, [id], from, to, now, { daily: true, sketch: false, exact: options.exact }, 'none', {
        percentiles: false,
        sketch: false,
      }),
      this.metrics.query(lastExecutionSql(t), [id, from, to]) as Promise<Row[]>,
    ]);
    const totals = combineParts([
      ...plan.days.map((r) => rollupPart('daily', r)),
      ...plan.hours.map((r) => rollupPart('hourly', r)),
      ...raw.map(rawPart),
    ]);
    const latestRollup = [...plan.hours, ...plan.days].sort((a, b) => ms(b.hour_start) - ms(a.hour_start))[0];
    return {
      entity_type: t.entityType,
      entity_id: id,
      name: (last?.name as string | undefined) ?? (latestRollup?.name as string | undefined) ?? null,
      from: from.toISOString(),
      to: to.toISOString(),
      total_executions: totals.count,
      successful_executions: totals.count - totals.failures,
      failed_executions: totals.failures,
      failure_rate: totals.failure_rate,
      min_response_time: totals.min,
      max_response_time: totals.max,
      avg_response_time: totals.avg,
      last_execution: iso(last?.timestamp),
      /** When raw rows are gone: the start of the latest hour (or day) with executions, from the rollups. */
      last_active_hour: last ? null : iso(latestRollup?.hour_start),
      source: totals.source,
      sources: PlanReader.sources(plan),
    };
  }

  /** Where raw rows are complete: the oldest raw row's hour (older partitions expired), null when there are none. */
  private async rawCompleteFrom(t: MetricTable): Promise<string | null> {
    const [{ floor }] = await this.metrics.query(rawFloorSql(t));
    return iso(floor);
  }

  /**
   * Per bucket: count, failure rate, p50/p90/p95/p99, with the source of each bucket and
   * whether its percentiles are exact. An hour from its hourly row is exact (percentile_cont
   * of the hour, computed at rollup); a closed day from its daily row, and any bucket that
   * combines several rows, come from merged sketches (error_bound). Raw-only buckets are exact.
   */
  async timeseries(t: MetricTable, id: string, from: Date, to: Date, bucket: Bucket, options: { exact?: boolean } = {}, now = new Date()) {
    if (options.exact) return this.exactTimeseries(t, id, from, to, bucket);
    // Hour buckets never merge (one hourly row, or raw rows), except A2A agents' interaction types.
    const { plan, buckets } = await this.bucketParts(t, id, from, to, bucket, { sketch: bucket === 'day' || t.hasInteractionType }, now);
    const points = [...buckets]
      .sort((a, b) => a[0] - b[0])
      .map(([start, parts]) => {
        const c = combineParts(parts);
        return {
          bucket_start: new Date(start).toISOString(),
          source: c.source,
          exact: c.exact,
          count: c.count,
          failure_rate: c.failure_rate,
          p50: c.percentiles[0],
          p90: c.percentiles[1],
          p95: c.percentiles[2],
          p99: c.percentiles[3],
        };
      })
      .filter((p) => p.count > 0);
    return {
      entity_type: t.entityType,
      entity_id: id,
      from: from.toISOString(),
      to: to.toISOString(),
      bucket,
      ...overall(points),
      sources: PlanReader.sources(plan),
      points,
    };
  }

  /**
   * The parts (rollup rows and raw aggregates) of one entity over [from, to), per hour or day
   * bucket (keyed by its start, Unix ms), with their sketches when asked: what the series and
   * the latency heatmap are built from.
   */
  async bucketParts(t: MetricTable, id: string, from: Date, to: Date, bucket: Bucket, o: { sketch: boolean }, now = new Date()) {
    const daily = bucket === 'day';
    const { plan, raw } = await this.reader.planned(t, [id], from, to, now, { daily, sketch: o.sketch }, bucket, {
      percentiles: true,
      sketch: o.sketch,
    });
    const size = daily ? DAY_MS : HOUR_MS;
    const buckets = new Map<number, Part[]>();
    const add = (at: unknown, part: Part) => {
      const key = Math.floor(ms(at) / size) * size;
      const list = buckets.get(key);
      if (list) list.push(part);
      else buckets.set(key, [part]);
    };
    for (const r of plan.days) add(r.hour_start, rollupPart('daily', r));
    for (const r of plan.hours) add(r.hour_start, rollupPart('hourly', r));
    for (const r of raw) add(r.grp, rawPart(r));
    return { plan, buckets, sources: PlanReader.sources(plan) };
  }

  /** One entity over [from, to), every part combined (sketches merged for percentiles). */
  async window(t: MetricTable, id: string, from: Date, to: Date, now = new Date()) {
    const o = { daily: true, weekly: true, sketch: true };
    const { plan, raw } = await this.reader.planned(t, [id], from, to, now, o, 'none', { percentiles: true, sketch: true });
    const parts = [...plan.days.map((r) => rollupPart('daily', r)), ...plan.hours.map((r) => rollupPart('hourly', r)), ...raw.map(rawPart)];
    return { combined: combineParts(parts), sources: PlanReader.sources(plan) };
  }

  /** exact=true: every bucket from raw rows with percentile_cont; rows older than raw_complete_from have expired. */
  private async exactTimeseries(t: MetricTable, id: string, from: Date, to: Date, bucket: Bucket) {
    const [rows, rawFrom] = await Promise.all([
      this.metrics.query(exactSeriesSql(t, bucket), [id, from, to]) as Promise<Row[]>,
      this.rawCompleteFrom(t),
    ]);
    const points = rows.map((r) => {
      const count = Number(r.n);
      const p = (r.p as Array<number | null>).map((v) => (v === null ? null : Number(v)));
      return {
        bucket_start: iso(r.grp)!,
        source: 'raw' as SourceKind,
        exact: true,
        count,
        failure_rate: count ? Number(r.failures) / count : 0,
        p50: p[0],
        p90: p[1],
        p95: p[2],
        p99: p[3],
      };
    });
    return {
      entity_type: t.entityType,
      entity_id: id,
      from: from.toISOString(),
      to: to.toISOString(),
      bucket,
      source: 'raw' as const,
      exact: true,
      error_bound: 0,
      /** Raw rows start here: buckets before it are missing (their partitions expired). */
      raw_complete_from: rawFrom,
      sources: { daily_rows: 0, hourly_rows: 0, raw_ranges: 1 },
      points,
    };
  }

  /**
   * Entities of one type ranked by count, p99 or failure rate, from rollups where they cover
   * (raw rows only with exact). Ranking by count or failure rate needs no sketch: the p99 of
   * the winners alone is merged afterwards. `visible` (ids from core): only these entities; null: all.
   */
  async top(
    type: EntityType,
    by: TopBy,
    from: Date,
    to: Date,
    limit: number,
    options: { exact?: boolean; visible?: string[] | null } = {},
    now = new Date(),
  ) {
    const t = METRIC_TABLES[type];
    const p99 = by === 'p99';
    const gather = async (ids: string[] | null, sketch: boolean) => {
      const { plan, raw } = await this.reader.planned(
        t,
        ids,
        from,
        to,
        now,
        { daily: true, weekly: true, sketch, exact: options.exact },
        'entity',
        {
          percentiles: sketch || !!options.exact,
          sketch: sketch && !options.exact,
        },
      );
      return { plan, entities: MetricsQueryService.byEntity(plan, raw) };
    };
    const { plan, entities } = await gather(options.visible ?? null, p99);
    const score = (e: Combined) => (by === 'count' ? e.count : by === 'p99' ? (e.percentiles[3] ?? -1) : e.failure_rate);
    let items = [...entities]
      .map(([id, e]) => ({ id, name: e.name, c: combineParts(e.parts) }))
      .filter((e) => e.c.count > 0)
      .sort((a, b) => score(b.c) - score(a.c) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit);
    if (!p99 && !options.exact && items.length) {
      const winners = (
        await gather(
          items.map((i) => i.id),
          true,
        )
      ).entities;
      items = items.map((i) => ({ ...i, c: combineParts(winners.get(i.id)?.parts ?? []) }));
    }
    return {
      entity_type: type,
      by,
      from: from.toISOString(),
      to: to.toISOString(),
      // Counts and failure rates are exact from any source; `exact` and the bound are about p99.
      ...overall(items.map((i) => i.c)),
      sources: PlanReader.sources(plan),
      items: items.map((i) => ({
        id: i.id,
        name: i.name,
        count: i.c.count,
        failure_rate: i.c.failure_rate,
        p99: i.c.percentiles[3],
        source: i.c.source,
      })),
    };
  }

  /** Parts per entity, with the name on its latest row. */
  private static byEntity(plan: Plan, raw: Row[]) {
    const entities = new Map<string, { parts: Part[]; name: string; at: number }>();
    const add = (id: unknown, part: Part, name: unknown, at: number) => {
      const key = String(id);
      let e = entities.get(key);
      if (!e) entities.set(key, (e = { parts: [], name: String(name), at }));
      e.parts.push(part);
      if (at > e.at) Object.assign(e, { name: String(name), at });
    };
    for (const r of plan.days) add(r.id, rollupPart('daily', r), r.name, ms(r.hour_start) + (r.period === 'week' ? WEEK_MS : DAY_MS));
    for (const r of plan.hours) add(r.id, rollupPart('hourly', r), r.name, ms(r.hour_start) + HOUR_MS);
    for (const r of raw) add(r.grp, rawPart(r), r.name, ms(r.last_at) + HOUR_MS);
    return entities;
  }
}
