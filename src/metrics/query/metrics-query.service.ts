import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { METRICS_DB } from '../../database/roles';
import { EntityType, METRIC_TABLES, MetricTable } from '../metric-tables';
import { Bucket, ceilTo, closedHours, combineSummary, floorTo, SummaryPart, uncoveredRanges } from '../time-range';

export type TopBy = 'count' | 'p99' | 'failure_rate';
export type Source = 'raw' | 'rollup' | 'mixed';

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const iso = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);

/**
 * Reads of execution metrics. Only the metrics database is read (names were captured
 * at write time): never a join to core.
 */
@Injectable()
export class MetricsQueryService {
  constructor(@InjectDataSource(METRICS_DB) private readonly metrics: DataSource) {}

  /**
   * Totals over [from, to): closed hours that have a rollup row come from the rollups,
   * everything else (the open hour, partial edge hours, hours not rolled up yet) from raw
   * rows. Totals stay exact once raw partitions of rolled-up hours expire.
   */
  async summary(t: MetricTable, id: string, from: Date, to: Date, now = new Date()) {
    const closed = closedHours(from, to, now);
    const rollups: Array<Record<string, unknown>> = closed
      ? await this.metrics.query(
          `SELECT hour_start, sum(total_count)::bigint AS total, sum(failure_count)::bigint AS failures,
                  min(min_response_time) AS min, max(max_response_time) AS max, sum(avg_response_time * total_count) AS sum,
                  (array_agg(${t.nameColumn} ORDER BY updated_at DESC))[1] AS name
             FROM "${t.hourly}" WHERE ${t.idColumn} = $1 AND hour_start >= $2 AND hour_start < $3
            GROUP BY hour_start ORDER BY hour_start`,
          [id, closed.start, closed.end],
        )
      : [];
    const gaps = uncoveredRanges(
      from,
      to,
      rollups.map((r) => new Date(r.hour_start as string)),
    );
    const [raw] = gaps.length
      ? await this.metrics.query(
          `SELECT count(*)::bigint AS total, count(*) FILTER (WHERE NOT is_success)::bigint AS failures,
                  min(response_time) AS min, max(response_time) AS max, coalesce(sum(response_time), 0) AS sum
             FROM unnest($2::timestamptz[], $3::timestamptz[]) AS g(s, e)
             JOIN "${t.raw}" r ON r.${t.idColumn} = $1 AND r."timestamp" >= g.s AND r."timestamp" < g.e`,
          [id, gaps.map((g) => g[0]), gaps.map((g) => g[1])],
        )
      : [{ total: 0, failures: 0, min: null, max: null, sum: 0 }];
    const [last] = await this.metrics.query(
      `SELECT "timestamp", ${t.nameColumn} AS name FROM "${t.raw}"
        WHERE ${t.idColumn} = $1 AND "timestamp" >= $2 AND "timestamp" < $3 ORDER BY "timestamp" DESC LIMIT 1`,
      [id, from, to],
    );
    const parts: SummaryPart[] = [
      ...rollups.map((r) => ({
        total: Number(r.total),
        failures: Number(r.failures),
        min: num(r.min),
        max: num(r.max),
        sum: Number(r.sum ?? 0),
      })),
      { total: Number(raw.total), failures: Number(raw.failures), min: num(raw.min), max: num(raw.max), sum: Number(raw.sum) },
    ];
    const totals = combineSummary(parts);
    const lastRollup = rollups[rollups.length - 1];
    return {
      entity_type: t.entityType,
      entity_id: id,
      name: (last?.name as string | undefined) ?? (lastRollup?.name as string | undefined) ?? null,
      from: from.toISOString(),
      to: to.toISOString(),
      total_executions: totals.total,
      successful_executions: totals.total - totals.failures,
      failed_executions: totals.failures,
      failure_rate: totals.failure_rate,
      min_response_time: totals.min,
      max_response_time: totals.max,
      avg_response_time: totals.avg,
      last_execution: iso(last?.timestamp),
      /** When raw rows are gone: the start of the last hour with executions, from the rollups. */
      last_active_hour: last ? null : iso(lastRollup?.hour_start),
      sources: { rollup_hours: rollups.length, raw_ranges: gaps.length },
    };
  }

  /**
   * Where raw rows are complete: null when no raw rows have expired (raw covers all time),
   * else the first hour from which they certainly have not. Rows expired when rollups
   * exist for hours before the earliest raw row.
   */
  private async rawCompleteFrom(t: MetricTable): Promise<Date | null> {
    const [{ floor }] = await this.metrics.query(`SELECT min("timestamp") AS floor FROM "${t.raw}"`);
    const floorHour = floor ? floorTo(new Date(floor), 'hour') : null;
    const [{ older }] = await this.metrics.query(
      `SELECT EXISTS (SELECT 1 FROM "${t.hourly}" WHERE $1::timestamptz IS NULL OR hour_start < $1) AS older`,
      [floorHour],
    );
    if (!older) return null;
    return floor ? ceilTo(new Date(floor), 'hour') : new Date(8.64e15);
  }

  /**
   * Per bucket: count, failure rate, p50/p90/p95/p99. While raw rows cover a bucket it is
   * computed exactly from them (source raw). Buckets from before raw rows expired come
   * from the hourly rollups (source rollup), with raw rows standing in for any hour not
   * rolled up: an hour bucket is exact, a day bucket's percentiles are the count-weighted
   * mean of its hours' percentiles. Each bucket and the answer say which.
   */
  async timeseries(t: MetricTable, id: string, from: Date, to: Date, bucket: Bucket) {
    const complete = await this.rawCompleteFrom(t);
    const rawStart = complete ? new Date(Math.min(to.getTime(), Math.max(from.getTime(), ceilTo(complete, bucket).getTime()))) : from;
    const fromRaw =
      rawStart < to
        ? ((await this.metrics.query(
            `SELECT date_trunc('${bucket}', "timestamp", 'UTC') AS bucket, count(*)::bigint AS count,
                    count(*) FILTER (WHERE NOT is_success)::bigint AS failures,
                    percentile_cont(ARRAY[0.5, 0.9, 0.95, 0.99]::float8[]) WITHIN GROUP (ORDER BY response_time) AS p
               FROM "${t.raw}" WHERE ${t.idColumn} = $1 AND "timestamp" >= $2 AND "timestamp" < $3
              GROUP BY 1 ORDER BY 1`,
            [id, rawStart, to],
          )) as Array<Record<string, unknown>>)
        : [];
    const fromRollup =
      from < rawStart
        ? ((await this.metrics.query(
            `WITH rolled AS (
               SELECT hour_start AS h, sum(total_count) AS c, sum(failure_count) AS f, count(*) AS n,
                      ARRAY[sum(p50_response_time * total_count), sum(p90_response_time * total_count),
                            sum(p95_response_time * total_count), sum(p99_response_time * total_count)] AS w
                 FROM "${t.hourly}" WHERE ${t.idColumn} = $1 AND hour_start >= $2 AND hour_start < $3 GROUP BY 1
             ), unrolled AS (
               SELECT date_trunc('hour', "timestamp", 'UTC') AS h, count(*) AS c, count(*) FILTER (WHERE NOT is_success) AS f, 1 AS n,
                      ARRAY(SELECT unnest(percentile_cont(ARRAY[0.5, 0.9, 0.95, 0.99]::float8[]) WITHIN GROUP (ORDER BY response_time)) * count(*)) AS w
                 FROM "${t.raw}" WHERE ${t.idColumn} = $1 AND "timestamp" >= $2 AND "timestamp" < $3
                  AND date_trunc('hour', "timestamp", 'UTC') NOT IN (SELECT h FROM rolled)
                GROUP BY 1
             ), hours AS (SELECT * FROM rolled UNION ALL SELECT * FROM unrolled)
             SELECT date_trunc('${bucket}', h, 'UTC') AS bucket, sum(c)::bigint AS count, sum(f)::bigint AS failures, sum(n)::int AS hours,
                    ARRAY[sum(w[1]), sum(w[2]), sum(w[3]), sum(w[4])] AS weighted
               FROM hours GROUP BY 1 ORDER BY 1`,
            [id, floorTo(from, 'hour'), rawStart],
          )) as Array<Record<string, unknown>>)
        : [];
    const point = (r: Record<string, unknown>, source: 'raw' | 'rollup', p: Array<number | null>) => {
      const count = Number(r.count);
      return {
        bucket_start: new Date(r.bucket as string).toISOString(),
        source,
        count,
        failure_rate: count ? Number(r.failures) / count : 0,
        p50: p[0],
        p90: p[1],
        p95: p[2],
        p99: p[3],
      };
    };
    const points = [
      ...fromRollup.map((r) => {
        const count = Number(r.count);
        const weighted = (r.weighted as Array<number | null>).map((w) => (w === null || !count ? null : Number(w) / count));
        return { ...point(r, 'rollup', weighted), exact: bucket === 'hour' && Number(r.hours) === 1 };
      }),
      ...fromRaw.map((r) => ({ ...point(r, 'raw', (r.p as Array<number | null>).map(num)), exact: true })),
    ];
    const source: Source = fromRollup.length && fromRaw.length ? 'mixed' : fromRollup.length ? 'rollup' : 'raw';
    return {
      entity_type: t.entityType,
      entity_id: id,
      from: from.toISOString(),
      to: to.toISOString(),
      bucket,
      source,
      /** Raw rows are complete from here on (null: nothing has expired); earlier buckets come from rollups. */
      raw_complete_from: complete ? complete.toISOString() : null,
      exact: points.every((p) => p.exact),
      points,
    };
  }

  /**
   * Entities of one type ranked by count, p99 or failure rate: exact from raw rows while they cover the range, else from rollups.
   * `visibleIds` (from core): only these entities; null: all.
   */
  async top(type: EntityType, by: TopBy, from: Date, to: Date, limit: number, visibleIds: string[] | null = null) {
    const t = METRIC_TABLES[type];
    const complete = await this.rawCompleteFrom(t);
    const useRaw = !complete || complete <= from;
    const order = by === 'count' ? 'total DESC' : by === 'p99' ? 'p99 DESC NULLS LAST' : 'failure_rate DESC';
    const rows: Array<Record<string, unknown>> = useRaw
      ? await this.metrics.query(
          `SELECT ${t.idColumn} AS id, (array_agg(${t.nameColumn} ORDER BY "timestamp" DESC))[1] AS name, count(*)::bigint AS total,
                  (count(*) FILTER (WHERE NOT is_success))::float8 / count(*) AS failure_rate,
                  percentile_cont(0.99) WITHIN GROUP (ORDER BY response_time) AS p99
             FROM "${t.raw}" WHERE "timestamp" >= $1 AND "timestamp" < $2
              AND ($4::varchar[] IS NULL OR ${t.idColumn} = ANY($4::varchar[]))
            GROUP BY 1 ORDER BY ${order}, id LIMIT $3`,
          [from, to, limit, visibleIds],
        )
      : await this.metrics.query(
          `SELECT ${t.idColumn} AS id, (array_agg(${t.nameColumn} ORDER BY hour_start DESC))[1] AS name, sum(total_count)::bigint AS total,
                  sum(failure_count)::float8 / nullif(sum(total_count), 0) AS failure_rate,
                  sum(p99_response_time * total_count) / nullif(sum(total_count), 0) AS p99
             FROM "${t.hourly}" WHERE hour_start >= $1 AND hour_start < $2
              AND ($4::varchar[] IS NULL OR ${t.idColumn} = ANY($4::varchar[]))
            GROUP BY 1 ORDER BY ${order}, id LIMIT $3`,
          [floorTo(from, 'hour'), to, limit, visibleIds],
        );
    return {
      entity_type: type,
      by,
      from: from.toISOString(),
      to: to.toISOString(),
      source: useRaw ? 'raw' : 'rollup',
      /** From rollups, p99 is a count-weighted mean of hourly p99s. */
      exact: useRaw || by !== 'p99',
      items: rows.map((r) => ({
        id: r.id,
        name: r.name,
        count: Number(r.total),
        failure_rate: Number(r.failure_rate ?? 0),
        p99: num(r.p99),
      })),
    };
  }
}
