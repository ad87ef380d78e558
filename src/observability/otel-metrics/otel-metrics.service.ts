import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OBSERVABILITY_DB } from '../../database/roles';
import { attributeCandidates, FilterError, parseTraceFilter, windowOf } from '../query/trace-filter';
import { aggregateSeries, PointRow } from './series-aggregate';

/** Points one series query may read; a wider window or broader filter is refused (400). */
export const MAX_SERIES_POINTS = 200_000;
export const MAX_BUCKETS = 1440;
const BUCKET_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const NAME = /^[\x21-\x7e]{1,255}$/;

export interface MetricQuery {
  from: Date;
  to: Date;
  service?: string;
  attributes: Array<{ key: string; value: string }>;
  name?: string;
  bucketMs: number;
}

const bad = (errors: Array<{ field: string; reason: string }>) =>
  new BadRequestException({ statusCode: 400, message: `invalid query: ${errors.map((e) => `${e.field} ${e.reason}`).join('; ')}`, errors });

/**
 * Parses the query parameters: the window, service and attr.* as the trace search does
 * (trace-filter.ts: bounded to 31 days), `name` and `bucket` here. 400 naming every bad field.
 */
export function parseMetricQuery(input: Record<string, unknown>, { needsName }: { needsName: boolean }, now = new Date()): MetricQuery {
  const errors: Array<{ field: string; reason: string }> = [];
  const shared: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (['from', 'to', 'lookback', 'service'].includes(key) || key.startsWith('attr.')) shared[key] = value;
    else if (key !== 'name' && key !== 'bucket') errors.push({ field: key, reason: 'is not a parameter of this query' });
  }
  let window: { from: Date; to: Date } | null = null;
  let filter: ReturnType<typeof parseTraceFilter> | null = null;
  try {
    filter = parseTraceFilter(shared, now);
    window = windowOf(filter, now);
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    errors.push(...error.errors);
  }
  const name = input.name;
  if (needsName && (typeof name !== 'string' || !NAME.test(name)))
    errors.push({ field: 'name', reason: 'is required: a metric name (1 to 255 printable characters)' });
  let bucketMs = 0;
  const bucket = input.bucket;
  if (bucket !== undefined) {
    const m = typeof bucket === 'string' ? /^(\d{1,6})([smhd])$/.exec(bucket) : null;
    bucketMs = m ? Number(m[1]) * BUCKET_UNITS[m[2]] : 0;
    if (bucketMs <= 0) errors.push({ field: 'bucket', reason: 'must be like 30s, 5m, 1h or 1d' });
  }
  if (window && errors.length === 0) {
    const span = window.to.getTime() - window.from.getTime();
    if (bucketMs === 0) bucketMs = Math.max(1000, Math.ceil(span / 60 / 1000) * 1000);
    if (span / bucketMs > MAX_BUCKETS) errors.push({ field: 'bucket', reason: `gives more than ${MAX_BUCKETS} buckets over the window` });
  }
  if (errors.length || !window || !filter) throw bad(errors);
  return { ...window, service: filter.service, attributes: filter.attributes, name: name as string | undefined, bucketMs };
}

/**
 * Reads OTLP metrics from the observability database: what metrics exist in a window, and one
 * metric's series folded into buckets (series-aggregate.ts), with the exemplars that link to traces.
 */
@Injectable()
export class OtelMetricsService {
  constructor(@InjectDataSource(OBSERVABILITY_DB) private readonly db: DataSource) {}

  async names(q: MetricQuery) {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT name, metric_type AS type, max(unit) AS unit, max(description) AS description, max(temporality) AS temporality,
              bool_or(is_monotonic) AS monotonic, count(DISTINCT series_id)::int AS series, count(*)::int AS points,
              to_char(max(timestamp) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS last_seen
         FROM observability_metrics
        WHERE timestamp >= $1 AND timestamp < $2 AND ($3::text IS NULL OR service = $3)
        GROUP BY name, metric_type ORDER BY name, metric_type LIMIT 1000`,
      [q.from, q.to, q.service ?? null],
    );
    return { from: q.from.toISOString(), to: q.to.toISOString(), metrics: rows };
  }

  async series(q: MetricQuery) {
    const params: unknown[] = [q.name, q.from, q.to, q.service ?? null];
    const p = (v: unknown) => `$${params.push(v)}`;
    const matches = q.attributes.map(
      (a) =>
        `(${attributeCandidates(a.key, a.value)
          .map((c) => `attributes @> ${p(JSON.stringify(c))}::jsonb`)
          .join(' OR ')})`,
    );
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT series_id, metric_type, temporality, is_monotonic, unit, service, attributes, exemplars,
              extract(epoch FROM timestamp) * 1000 AS t, extract(epoch FROM start_timestamp) * 1000 AS start,
              value, count::float8 AS count, sum, min, max, distribution
         FROM observability_metrics
        WHERE name = $1 AND timestamp >= $2 AND timestamp < $3 AND ($4::text IS NULL OR service = $4)
              ${matches.map((m) => `AND ${m}`).join(' ')}
        ORDER BY series_id, timestamp LIMIT ${MAX_SERIES_POINTS + 1}`,
      params,
    );
    if (rows.length > MAX_SERIES_POINTS)
      throw bad([
        {
          field: 'from',
          reason: `the window holds more than ${MAX_SERIES_POINTS} points of this metric: narrow it or filter by attributes`,
        },
      ]);
    const bySeries = new Map<string, Array<Record<string, unknown>>>();
    for (const r of rows) {
      const key = String(r.series_id);
      let list = bySeries.get(key);
      if (!list) bySeries.set(key, (list = []));
      list.push(r);
    }
    const window = { from: q.from.getTime(), bucketMs: q.bucketMs };
    const series = [...bySeries.entries()].map(([seriesId, list]) => {
      const head = list[0];
      const shape = {
        type: head.metric_type as string,
        temporality: head.temporality as 'delta' | 'cumulative' | null,
        monotonic: head.is_monotonic as boolean | null,
      };
      const points: PointRow[] = list.map((r) => ({
        t: Number(r.t),
        start: r.start === null ? null : Number(r.start),
        value: r.value as number | null,
        count: r.count as number | null,
        sum: r.sum as number | null,
        min: r.min as number | null,
        max: r.max as number | null,
        distribution: r.distribution as Record<string, unknown> | null,
      }));
      return {
        series_id: seriesId,
        ...shape,
        unit: head.unit,
        service: head.service,
        attributes: head.attributes ?? {},
        buckets: aggregateSeries(shape, points, window),
      };
    });
    return {
      name: q.name,
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      bucket_seconds: q.bucketMs / 1000,
      series,
      exemplars: exemplarsOf(rows),
    };
  }
}

/** The newest exemplars that name a trace (at most 100), each with the path of its trace. */
function exemplarsOf(rows: Array<Record<string, unknown>>) {
  const out: Array<Record<string, unknown>> = [];
  for (const r of rows)
    for (const e of (r.exemplars as Array<Record<string, unknown>> | null) ?? [])
      if (typeof e.trace_id === 'string') out.push({ series_id: r.series_id, ...e, trace: `/api/v1/traces/${e.trace_id}` });
  return out.sort((a, b) => String(b.time).localeCompare(String(a.time))).slice(0, 100);
}
