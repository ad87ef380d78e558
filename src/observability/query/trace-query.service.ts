import { badField } from '../../common/field-errors';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HOUR_MS } from '../../common/time';
import { OBSERVABILITY_DB } from '../../database/roles';
import { LogsQueryService } from '../../logs/logs-query.service';
import { FilterError, parseTraceFilter, TraceFilter, windowOf } from './trace-filter';
import { cursorAfter, decodeSearchCursor, isoText, searchQuery } from './trace-search';

export interface TraceSummaryItem {
  trace_id: string;
  root_name: string | null;
  root_service: string | null;
  start_time: string;
  end_time: string | null;
  duration_ms: number | null;
  span_count: number;
  error_count: number;
  status: string;
  services: string[];
  models: string[];
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

interface SummaryRow extends Omit<TraceSummaryItem, 'input_tokens' | 'output_tokens' | 'total_tokens'> {
  input_tokens: string;
  output_tokens: string;
  total_tokens: string;
}

const TRACE_ID = /^[0-9a-fA-F]{32}$/;
const STAT_BUCKETS = { minute: 'minute', hour: 'hour', day: 'day' } as const;
export type StatBucket = keyof typeof STAT_BUCKETS;

export const badFilter = (error: FilterError) => new BadRequestException({ statusCode: 400, message: error.message, errors: error.errors });

/** Parses a filter from query parameters or a saved query: 400 listing every bad field. */
export function filterOrBadRequest(input: Record<string, unknown>): TraceFilter {
  try {
    return parseTraceFilter(input);
  } catch (error) {
    if (error instanceof FilterError) throw badFilter(error);
    throw error;
  }
}

const toItem = (r: SummaryRow): TraceSummaryItem => ({
  ...r,
  input_tokens: Number(r.input_tokens),
  output_tokens: Number(r.output_tokens),
  total_tokens: Number(r.total_tokens),
});

/**
 * Reads traces from the observability database alone: a whole trace by id, searches over
 * the per-trace summaries, what services and operations exist, and per-operation statistics.
 */
@Injectable()
export class TraceQueryService {
  constructor(
    @InjectDataSource(OBSERVABILITY_DB) private readonly db: DataSource,
    private readonly logs: LogsQueryService,
  ) {}

  /** The whole trace, spans ordered by start, each with its events; 404 when no span of it is stored. */
  async trace(traceId: string) {
    if (!TRACE_ID.test(traceId)) throw badField('traceId', 'trace id must be 32 hexadecimal characters');
    const id = traceId.toLowerCase();
    const [summary]: SummaryRow[] = await this.db.query(
      `SELECT t.trace_id, t.name AS root_name, t.root_service, t.start_time AS start_at, t.end_time AS end_at, t.duration_ms,
              t.span_count, t.error_count, t.status, t.services, t.models, t.input_tokens, t.output_tokens, t.total_tokens
         FROM observability_traces t WHERE t.trace_id = $1 LIMIT 1`,
      [id],
    );
    const bounds = summary as unknown as { start_at: Date; end_at: Date | null } | undefined;
    // With the summary's span of time, only the partitions that can hold the trace are read.
    const range = bounds ? ` AND s.start_time >= $2 AND s.start_time <= $3` : '';
    const rangeParams = bounds ? [bounds.start_at, bounds.end_at ?? bounds.start_at] : [];
    const spans: Array<Record<string, unknown>> = await this.db.query(
      `SELECT s.span_id, s.parent_span_id, s.name, s.kind, s.service, ${isoText('s.start_time')} AS start_time,
              ${isoText('s.end_time')} AS end_time, s.duration_ms, s.status, s.status_message, s.attributes,
              s.resource_attributes, s.scope_name, s.model, s.input_tokens, s.output_tokens
         FROM observability_spans s WHERE s.trace_id = $1${range}
        ORDER BY s.start_time, s.parent_span_id IS NOT NULL, s.span_id`,
      [id, ...rangeParams],
    );
    if (spans.length === 0) throw new NotFoundException(`no trace ${id}`);
    const eventRange = bounds
      ? ` AND e.timestamp >= $2::timestamptz - interval '1 hour' AND e.timestamp <= $3::timestamptz + interval '1 hour'`
      : '';
    const events: Array<{ span_id: string; name: string; timestamp: string; attributes: unknown }> = await this.db.query(
      `SELECT e.span_id, e.name, ${isoText('e.timestamp')} AS timestamp, e.attributes
         FROM observability_events e WHERE e.trace_id = $1${eventRange} ORDER BY e.timestamp, e.id`,
      [id, ...rangeParams],
    );
    const bySpan = new Map<string, Array<{ name: string; timestamp: string; attributes: unknown }>>();
    for (const e of events) {
      let list = bySpan.get(e.span_id);
      if (!list) bySpan.set(e.span_id, (list = []));
      list.push({ name: e.name, timestamp: e.timestamp, attributes: e.attributes ?? {} });
    }
    // µs-precision ISO strings of one format compare like the instants they spell.
    let start = spans[0].start_time as string;
    let end = spans[0].end_time as string;
    for (const s of spans) {
      if ((s.start_time as string) < start) start = s.start_time as string;
      if ((s.end_time as string) > end) end = s.end_time as string;
    }
    return {
      trace_id: id,
      root_name: summary?.root_name ?? null,
      root_service: summary?.root_service ?? null,
      start_time: start,
      end_time: end,
      duration_ms: (micros(end) - micros(start)) / 1000,
      span_count: spans.length,
      error_count: spans.filter((s) => s.status === 'error').length,
      status: summary?.status ?? null,
      input_tokens: Number(summary?.input_tokens ?? 0),
      output_tokens: Number(summary?.output_tokens ?? 0),
      spans: spans.map((s) => ({
        ...s,
        input_tokens: s.input_tokens === null ? null : Number(s.input_tokens),
        output_tokens: s.output_tokens === null ? null : Number(s.output_tokens),
        attributes: s.attributes ?? {},
        resource_attributes: s.resource_attributes ?? {},
        events: bySpan.get(s.span_id as string) ?? [],
      })),
    };
  }

  /**
   * The trace and its log records: the trace from the observability database, the records from
   * the logs database (never a join across roles), over the trace's time with an hour each side.
   */
  async traceWithLogs(traceId: string) {
    const trace = await this.trace(traceId);
    const from = new Date(Date.parse(trace.start_time) - HOUR_MS);
    const to = new Date(Date.parse(trace.end_time) + HOUR_MS);
    return { ...trace, logs: await this.logs.logsOfTrace(trace.trace_id, from, to) };
  }

  /** Traces matching the filter, newest first (or longest, or most tokens), a page at a time. */
  async search(filter: TraceFilter, cursorText?: string): Promise<{ items: TraceSummaryItem[]; next_cursor: string | null }> {
    const cursor = cursorText ? decodeSearchCursor(cursorText, filter.sort) : null;
    if (cursorText && !cursor) throw badField('cursor', 'cursor is not a next_cursor of this search (sort order included)');
    const { sql, params } = searchQuery(filter, cursor);
    const rows: SummaryRow[] = await this.db.query(sql, params);
    const page = rows.slice(0, filter.limit);
    const next = rows.length > filter.limit ? cursorAfter(filter, page[page.length - 1] as never) : null;
    return { items: page.map(toItem), next_cursor: next };
  }

  /** Services seen in the window (any span of a trace that started in it). */
  async services(filter: TraceFilter): Promise<{ from: string; to: string; services: string[] }> {
    const { from, to } = windowOf(filter);
    const rows: Array<{ service: string }> = await this.db.query(
      `SELECT DISTINCT unnest(services) AS service FROM observability_traces
        WHERE start_time >= $1 AND start_time < $2 ORDER BY 1 LIMIT 1000`,
      [from, to],
    );
    return { from: from.toISOString(), to: to.toISOString(), services: rows.map((r) => r.service) };
  }

  /** Root operations (root span names) in the window, of traces whose root ran in `service` when given. */
  async operations(filter: TraceFilter) {
    const { from, to } = windowOf(filter);
    const rows: Array<{ service: string | null; name: string; traces: number }> = await this.db.query(
      `SELECT root_service AS service, name, count(*)::int AS traces FROM observability_traces
        WHERE start_time >= $1 AND start_time < $2 AND name IS NOT NULL AND ($3::text IS NULL OR root_service = $3)
        GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 1000`,
      [from, to, filter.service ?? null],
    );
    return { from: from.toISOString(), to: to.toISOString(), operations: rows };
  }

  /** Per operation (span name, per service): count, error rate and duration percentiles, over the window or per bucket. */
  async stats(filter: TraceFilter, bucket: StatBucket | undefined) {
    const { from, to } = windowOf(filter);
    const bucketSql = bucket ? `date_trunc('${STAT_BUCKETS[bucket]}', s.start_time, 'UTC')` : 'NULL::timestamptz';
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT s.service, s.name AS operation, ${bucket ? isoText(bucketSql) : 'NULL'} AS bucket_start,
              count(*)::int AS count, (count(*) FILTER (WHERE s.status = 'error'))::int AS error_count,
              percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY s.duration_ms) AS pct
         FROM observability_spans s
        WHERE s.start_time >= $1 AND s.start_time < $2 AND ($3::text IS NULL OR s.service = $3)
        GROUP BY s.service, s.name, ${bucketSql}
        ORDER BY s.service, s.name, ${bucketSql} LIMIT 10000`,
      [from, to, filter.service ?? null],
    );
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      bucket: bucket ?? null,
      items: rows.map(({ pct, ...r }) => {
        const [p50, p95, p99] = (pct as number[] | null) ?? [null, null, null];
        return { ...r, error_rate: (r.error_count as number) / (r.count as number), p50_ms: p50, p95_ms: p95, p99_ms: p99 };
      }),
    };
  }
}

/** Microseconds since the epoch of an ISO string `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
function micros(iso: string): number {
  return Date.parse(`${iso.slice(0, 23)}Z`) * 1000 + Number(iso.slice(23, 26));
}
