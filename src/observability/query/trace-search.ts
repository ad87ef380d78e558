import { decodeCursor, encodeCursor } from '../../common/cursor';
import { parseIsoDateTime } from '../../common/time';
import { attributeCandidates, TraceFilter, windowOf } from './trace-filter';
import { hiddenSpanCondition, TraceScope } from './trace-visibility';

/**
 * SQL for a trace search over the summary table, built from a parsed filter: every value is
 * a bound parameter, never text in the statement. Pure, so the shape of the query is tested
 * without a database.
 */

/** Where a page ended: the sort key and trace id of its last item. */
export interface SearchCursor {
  sort: TraceFilter['sort'];
  /** ISO time (sort=start) or a number as text (duration, tokens). */
  key: string;
  traceId: string;
}

export function encodeSearchCursor(cursor: SearchCursor): string {
  return encodeCursor([cursor.sort, cursor.key, cursor.traceId]);
}

/** Each sort key as its column holds it: a time through the one date parser, a finite double, a bigint. */
const KEY_CHECK: Record<TraceFilter['sort'], (key: string) => boolean> = {
  start: (key) => parseIsoDateTime(key) !== null,
  duration: (key) => /^-?\d{1,16}(\.\d{1,17})?(e[-+]?\d{1,3})?$/i.test(key) && Number.isFinite(Number(key)),
  tokens: (key) => /^-?\d{1,18}$/.test(key),
};

/** The cursor, or null when it is not one of ours or belongs to another sort order. */
export function decodeSearchCursor(text: string, sort: TraceFilter['sort']): SearchCursor | null {
  return decodeCursor(text, (values) => {
    if (values.length !== 3 || values[0] !== sort) return null;
    const [, key, traceId] = values;
    if (typeof key !== 'string' || typeof traceId !== 'string' || !/^[0-9a-f]{32}$/.test(traceId)) return null;
    return KEY_CHECK[sort](key) ? { sort, key, traceId } : null;
  });
}

const SORT_COLUMN: Record<TraceFilter['sort'], { column: string; cast: string }> = {
  start: { column: 't.start_time', cast: 'timestamptz' },
  duration: { column: 't.duration_ms', cast: 'double precision' },
  tokens: { column: 't.total_tokens', cast: 'bigint' },
};

/** The merged attributes of a span, exactly as the GIN index is declared, so the index serves it. */
export const SPAN_ATTRIBUTES_EXPR = `(coalesce(s.resource_attributes, '{}') || coalesce(s.attributes, '{}'))`;

/** The words of a span (alias s), exactly as the full text index is declared (migration 1796100000001), so the index serves it. */
export const SPAN_TEXT_EXPR = `(to_tsvector('simple'::regconfig, s.name) || jsonb_to_tsvector('simple'::regconfig, coalesce(s.attributes, '{}'::jsonb), '["string", "numeric"]'::jsonb))`;

/** Attributes naming the tool a span called (ContextForge, MCP semantic conventions). */
const TOOL_ATTRIBUTES = ['tool.id', 'tool.name', 'gen_ai.tool.name'];

/** Spans of a trace start at or after it and within this long after the window (for partition pruning). */
const SPAN_SLACK = `interval '1 day'`;

/** A timestamptz as ISO 8601 text with microseconds (a JS Date would keep only milliseconds). */
export const isoText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A span or trace named so: as sent, or by its templated operation (POST /servers/{id}/mcp). */
const named = (alias: 's' | 't', param: string) => `(${alias}.name = ${param} OR ${alias}.operation = ${param})`;

export const SUMMARY_COLUMNS = `t.trace_id, t.name AS root_name, t.root_service, ${isoText('t.start_time')} AS start_time,
  ${isoText('t.end_time')} AS end_time, t.duration_ms, t.span_count, t.error_count, t.status, t.services, t.models,
  t.input_tokens, t.output_tokens, t.total_tokens`;

/** Spans of trace `t` within its time and the searched window (so partitions prune). */
const traceSpans = (from: string, to: string) => `observability_spans s
       WHERE s.trace_id = t.trace_id AND s.start_time >= t.start_time AND s.start_time <= t.end_time
         AND s.start_time >= ${from} AND s.start_time < ${to}::timestamptz + ${SPAN_SLACK}`;

/** `scope`: the caller's visible entities (trace-visibility.ts); null: every trace. */
export function searchQuery(
  filter: TraceFilter,
  cursor: SearchCursor | null,
  now = new Date(),
  scope: TraceScope = null,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (value: unknown) => `$${params.push(value)}`;
  const { from, to } = windowOf(filter, now);
  const where = [`t.start_time >= ${p(from.toISOString())}`, `t.start_time < ${p(to.toISOString())}`];
  if (filter.service) where.push(`t.services @> ARRAY[${p(filter.service)}::text]`);
  if (filter.name) where.push(named('t', p(filter.name)));
  if (filter.operation) {
    const service = filter.service ? ` AND s.service = ${p(filter.service)}` : '';
    where.push(
      `EXISTS (SELECT 1 FROM ${traceSpans(p(from.toISOString()), p(to.toISOString()))} AND ${named('s', p(filter.operation))}${service})`,
    );
  }
  if (filter.status) where.push(`t.status = ${p(filter.status)}`);
  if (filter.minDurationMs !== undefined) where.push(`t.duration_ms >= ${p(filter.minDurationMs)}`);
  if (filter.maxDurationMs !== undefined) where.push(`t.duration_ms <= ${p(filter.maxDurationMs)}`);
  if (filter.model) where.push(`t.models @> ARRAY[${p(filter.model)}::text]`);
  if (filter.minTokens !== undefined) where.push(`t.total_tokens >= ${p(filter.minTokens)}`);
  if (filter.httpStatus !== undefined) where.push(`t.http_status_code = ${p(filter.httpStatus)}`);
  if (filter.httpMethod) where.push(`t.http_method = ${p(filter.httpMethod)}`);
  if (filter.user) where.push(`t.user_email = ${p(filter.user)}`);
  if (filter.text) {
    // A semi-join from the index's matches (a bitmap scan of the window's spans), not a test of every span of every trace.
    where.push(`t.trace_id IN (SELECT s.trace_id FROM observability_spans s
         WHERE s.start_time >= ${p(from.toISOString())} AND s.start_time < ${p(to.toISOString())}::timestamptz + ${SPAN_SLACK}
           AND ${SPAN_TEXT_EXPR} @@ websearch_to_tsquery('simple'::regconfig, ${p(filter.text)}))`);
  }
  if (filter.tool) {
    const tool = p(filter.tool);
    where.push(`EXISTS (SELECT 1 FROM ${traceSpans(p(from.toISOString()), p(to.toISOString()))}
         AND (${TOOL_ATTRIBUTES.map((k) => `${SPAN_ATTRIBUTES_EXPR} @> jsonb_build_object('${k}', ${tool}::text)`).join(' OR ')}))`);
  }
  if (filter.attributes.length) {
    const matches = filter.attributes.map(
      (a) =>
        `(${attributeCandidates(a.key, a.value)
          .map((c) => `${SPAN_ATTRIBUTES_EXPR} @> ${p(JSON.stringify(c))}::jsonb`)
          .join(' OR ')})`,
    );
    // Every attribute on one span of the trace (like Jaeger's tags).
    where.push(`EXISTS (SELECT 1 FROM ${traceSpans(p(from.toISOString()), p(to.toISOString()))}
         AND ${matches.join(' AND ')})`);
  }
  if (scope)
    where.push(
      `NOT EXISTS (SELECT 1 FROM ${traceSpans(p(from.toISOString()), p(to.toISOString()))} AND (${hiddenSpanCondition(scope, p)}))`,
    );
  const { column, cast } = SORT_COLUMN[filter.sort];
  if (cursor) where.push(`(${column}, t.trace_id) < (${p(cursor.key)}::${cast}, ${p(cursor.traceId)})`);
  const sql = `SELECT ${SUMMARY_COLUMNS}
    FROM observability_traces t
   WHERE ${where.join('\n     AND ')}
   ORDER BY ${column} DESC, t.trace_id DESC
   LIMIT ${p(filter.limit + 1)}`;
  return { sql, params };
}

/** The cursor that continues after `row` (the last item of a page). */
export function cursorAfter(
  filter: TraceFilter,
  row: { trace_id: string; start_time: string; duration_ms: number; total_tokens: string },
): string {
  const key = filter.sort === 'start' ? row.start_time : filter.sort === 'duration' ? String(row.duration_ms) : String(row.total_tokens);
  return encodeSearchCursor({ sort: filter.sort, key, traceId: row.trace_id });
}
