import { badField } from '../../common/field-errors';
import { CURSOR_RULE } from '../../common/cursor';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HOUR_MS } from '../../common/time';
import { OBSERVABILITY_DB } from '../../database/roles';
import { Principal } from '../../auth/principal';
import { resourceByPath } from '../../registry/registry-resource';
import { RegistryService } from '../../registry/registry.service';
import { assembleTraces, EventRow, SpanRow, TraceDetail, TraceSummaryRow } from './trace-detail';
import { LogsQueryService } from '../../logs/logs-query.service';
import { FilterError, parseTraceFilter, TraceFilter, windowOf } from './trace-filter';
import { cursorAfter, decodeSearchCursor, isoText, searchQuery } from './trace-search';
import { ENTITY_ID_ATTRIBUTES, hidesTrace, traceScope, TraceScope } from './trace-visibility';

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

export const TRACE_ID = /^[0-9a-fA-F]{32}$/;
/** Traces per page of an export (one page in memory at a time). */
export const EXPORT_PAGE_SIZE = 1000;
const STAT_BUCKETS = { minute: 'minute', hour: 'hour', day: 'day' } as const;
export type StatBucket = keyof typeof STAT_BUCKETS;

/**
 * Distinct services of spans in the window by a loose index scan of (service, start_time): one
 * index probe per service, however many spans each has.
 */
const SERVICES_SQL = `WITH RECURSIVE found(service) AS (
    (SELECT service FROM observability_spans WHERE service IS NOT NULL AND start_time >= $1 AND start_time < $2 ORDER BY service LIMIT 1)
    UNION ALL
    SELECT (SELECT s.service FROM observability_spans s
             WHERE s.service > found.service AND s.start_time >= $1 AND s.start_time < $2 ORDER BY s.service LIMIT 1)
      FROM found WHERE found.service IS NOT NULL)
  SELECT service FROM found WHERE service IS NOT NULL LIMIT 1000`;

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
 * The one query layer under the native trace API and the Jaeger API (jaeger/), which only maps;
 * what the Jaeger API reads over a day of every service's spans (its service graph, a service's
 * span operations) comes from the hourly folds (folds/hourly-folds.service.ts).
 * Whom a trace is hidden from is asked of core (trace-visibility.ts), never joined.
 */
@Injectable()
export class TraceQueryService {
  constructor(
    @InjectDataSource(OBSERVABILITY_DB) private readonly db: DataSource,
    private readonly registry: RegistryService,
    private readonly logs: LogsQueryService,
  ) {}

  /** The entities the caller may see, per span attribute naming one; null for admins. */
  async scopeOf(principal: Principal): Promise<TraceScope> {
    if (principal.unrestricted) return null;
    const visible = new Map<string, string[] | null>();
    for (const { path } of ENTITY_ID_ATTRIBUTES) visible.set(path, await this.registry.visibleIds(resourceByPath(path), principal));
    return traceScope(visible);
  }

  /** The whole trace, spans ordered by start, each with its events; 404 when no span of it is stored or it is hidden. */
  async trace(traceId: string, principal: Principal): Promise<TraceDetail> {
    if (!TRACE_ID.test(traceId)) throw badField('traceId', 'trace id must be 32 hexadecimal characters');
    const id = traceId.toLowerCase();
    const [summary]: Array<TraceSummaryRow & { start_at: Date; end_at: Date | null }> = await this.db.query(
      `SELECT trace_id, name AS root_name, root_service, status, input_tokens, output_tokens, start_time AS start_at, end_time AS end_at
         FROM observability_traces WHERE trace_id = $1 LIMIT 1`,
      [id],
    );
    const [trace] = await this.details(
      [id],
      summary ? [summary] : [],
      summary ? { from: summary.start_at, to: summary.end_at ?? summary.start_at } : null,
    );
    if (!trace || hidesTrace(await this.scopeOf(principal), trace.spans)) throw new NotFoundException(`no trace ${id}`);
    return trace;
  }

  /**
   * The trace and its log records: the trace from the observability database, the records from
   * the logs database (never a join across roles), over the trace's time with an hour each side.
   */
  async traceWithLogs(traceId: string, principal: Principal) {
    const trace = await this.trace(traceId, principal);
    const from = new Date(Date.parse(trace.start_time) - HOUR_MS);
    const to = new Date(Date.parse(trace.end_time) + HOUR_MS);
    return { ...trace, logs: await this.logs.logsOfTrace(trace.trace_id, from, to) };
  }

  /** Traces matching the filter, newest first (or longest, or most tokens), a page at a time. */
  async search(
    filter: TraceFilter,
    principal: Principal,
    cursorText?: string,
  ): Promise<{ items: TraceSummaryItem[]; next_cursor: string | null }> {
    const cursor = cursorText ? decodeSearchCursor(cursorText, filter.sort) : null;
    if (cursorText && !cursor) throw badField('cursor', `cursor ${CURSOR_RULE} (sort order included)`);
    const { sql, params } = searchQuery(filter, cursor, new Date(), await this.scopeOf(principal));
    const rows: SummaryRow[] = await this.db.query(sql, params);
    const page = rows.slice(0, filter.limit);
    const next = rows.length > filter.limit ? cursorAfter(filter, page[page.length - 1] as never) : null;
    return { items: page.map(toItem), next_cursor: next };
  }

  /**
   * Every trace of the search (its `limit` aside), a page at a time: cursor paging over one
   * fixed window, so an export of any size holds one page in memory.
   */
  async *exportPages(filter: TraceFilter, principal: Principal, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<TraceSummaryItem[]> {
    const scope = await this.scopeOf(principal);
    const { from, to } = windowOf(filter);
    const paged: TraceFilter = { ...filter, from, to, limit: pageSize };
    let cursor: ReturnType<typeof decodeSearchCursor> = null;
    for (;;) {
      const { sql, params } = searchQuery(paged, cursor, to, scope);
      const rows: SummaryRow[] = await this.db.query(sql, params);
      const page = rows.slice(0, pageSize);
      if (page.length) yield page.map(toItem);
      if (rows.length <= pageSize) return;
      cursor = decodeSearchCursor(cursorAfter(paged, page[page.length - 1] as never), paged.sort);
    }
  }

  /** The first page of a search, each trace whole (the Jaeger search answers with traces, not summaries). */
  async searchTraces(filter: TraceFilter, principal: Principal): Promise<TraceDetail[]> {
    const { items } = await this.search(filter, principal);
    if (!items.length) return [];
    const from = items.reduce((m, i) => (i.start_time < m ? i.start_time : m), items[0].start_time);
    const to = items.reduce((m, i) => ((i.end_time ?? i.start_time) > m ? (i.end_time ?? i.start_time) : m), from);
    const summaries = items.map((i) => ({ ...i, input_tokens: i.input_tokens, output_tokens: i.output_tokens }));
    return this.details(
      items.map((i) => i.trace_id),
      summaries,
      { from: new Date(from), to: new Date(to) },
    );
  }

  /**
   * Spans and events of the given traces, read once for all of them. `range`: the traces' span
   * of time from their summaries, so only the partitions that can hold them are read.
   */
  private async details(ids: string[], summaries: TraceSummaryRow[], range: { from: Date; to: Date } | null): Promise<TraceDetail[]> {
    const within = range ? ` AND s.start_time >= $2 AND s.start_time <= $3::timestamptz + interval '1 millisecond'` : '';
    const rangeParams = range ? [range.from, range.to] : [];
    const spans: SpanRow[] = await this.db.query(
      `SELECT s.trace_id, s.span_id, s.parent_span_id, s.name, s.kind, s.service, ${isoText('s.start_time')} AS start_time,
              ${isoText('s.end_time')} AS end_time, s.duration_ms, s.status, s.status_message, s.attributes,
              s.resource_attributes, s.scope_name, s.scope_version, s.schema_url, s.trace_state, s.flags, s.links,
              s.dropped_attributes_count, s.dropped_events_count, s.dropped_links_count, s.operation,
              s.resource_type, s.resource_name, s.resource_id, s.model, s.input_tokens, s.output_tokens
         FROM observability_spans s WHERE s.trace_id = ANY($1)${within}
        ORDER BY s.trace_id, s.start_time, s.parent_span_id IS NOT NULL, s.span_id`,
      [ids, ...rangeParams],
    );
    if (spans.length === 0) return [];
    const eventRange = range
      ? ` AND e.timestamp >= $2::timestamptz - interval '1 hour' AND e.timestamp <= $3::timestamptz + interval '1 hour'`
      : '';
    const events: EventRow[] = await this.db.query(
      `SELECT e.trace_id, e.span_id, e.name, ${isoText('e.timestamp')} AS timestamp, e.attributes
         FROM observability_events e WHERE e.trace_id = ANY($1)${eventRange} ORDER BY e.timestamp, e.id`,
      [ids, ...rangeParams],
    );
    return assembleTraces(ids, summaries, spans, events);
  }

  /** Services with a span that started in the window. */
  async services(filter: TraceFilter): Promise<{ from: string; to: string; services: string[] }> {
    const { from, to } = windowOf(filter);
    const rows: Array<{ service: string }> = await this.db.query(SERVICES_SQL, [from, to]);
    return { from: from.toISOString(), to: to.toISOString(), services: rows.map((r) => r.service) };
  }

  /** Root operations (the root spans' templated names) in the window, of traces whose root ran in `service` when given. */
  async operations(filter: TraceFilter) {
    const { from, to } = windowOf(filter);
    const rows: Array<{ service: string | null; name: string; traces: number }> = await this.db.query(
      `SELECT root_service AS service, coalesce(operation, name) AS name, count(*)::int AS traces FROM observability_traces
        WHERE start_time >= $1 AND start_time < $2 AND name IS NOT NULL AND ($3::text IS NULL OR root_service = $3)
        GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 1000`,
      [from, to, filter.service ?? null],
    );
    return { from: from.toISOString(), to: to.toISOString(), operations: rows };
  }

  /** Per operation (templated span name, per service): count, error rate and duration percentiles, over the window or per bucket. */
  async stats(filter: TraceFilter, bucket: StatBucket | undefined) {
    const { from, to } = windowOf(filter);
    const bucketSql = bucket ? `date_trunc('${STAT_BUCKETS[bucket]}', s.start_time, 'UTC')` : 'NULL::timestamptz';
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT s.service, coalesce(s.operation, s.name) AS operation, ${bucket ? isoText(bucketSql) : 'NULL'} AS bucket_start,
              count(*)::int AS count, (count(*) FILTER (WHERE s.status = 'error'))::int AS error_count,
              percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY s.duration_ms) AS pct
         FROM observability_spans s
        WHERE s.start_time >= $1 AND s.start_time < $2 AND ($3::text IS NULL OR s.service = $3)
        GROUP BY 1, 2, ${bucketSql}
        ORDER BY 1, 2, ${bucketSql} LIMIT 10000`,
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
