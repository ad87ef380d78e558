import { TestApp } from './app';
import { hexId, jsonRequest, jsonSpan, nanos } from './otlp';
import { query } from './postgres';
import { flushWriter } from './registry';

const MINUTE = 60_000;

/** A trace the spec writes to: its ids, where it starts, and a counter for its children's names. */
export interface LoadTrace {
  traceId: string;
  rootId: string;
  startMs: number;
  service: string;
  children: number;
}

export const newTrace = (startMs: number, service: string): LoadTrace => ({
  traceId: hexId(16),
  rootId: hexId(8),
  startMs,
  service,
  children: 0,
});

/** The root span (GET /…, 90 minutes, an HTTP method and status). */
export const rootSpan = (t: LoadTrace) =>
  jsonSpan({
    traceId: t.traceId,
    spanId: t.rootId,
    name: `GET /trace/${t.traceId.slice(0, 6)}`,
    startMs: t.startMs,
    durationMs: 90 * MINUTE,
    status: 1,
    kind: 2,
    attributes: { 'http.method': 'GET', 'http.status_code': 200 },
  });

/**
 * A child of the root starting at `startMs`: every third one fails, every other one used a model
 * and tokens, every fourth one carries two events (an exception for the failing ones).
 */
export function childSpan(t: LoadTrace, startMs: number): Record<string, unknown> {
  const k = ++t.children;
  const span = jsonSpan({
    traceId: t.traceId,
    spanId: hexId(8),
    parentSpanId: t.rootId,
    name: `op ${k % 5}`,
    startMs,
    durationMs: 1 + (k % 7) * 13,
    status: k % 3 === 0 ? 2 : 0,
    kind: 3,
    attributes:
      k % 2 === 0
        ? { 'gen_ai.request.model': `model-${k % 3}`, 'gen_ai.usage.input_tokens': 10 + k, 'gen_ai.usage.output_tokens': k % 11 }
        : { 'mcp.tool': `tool-${k % 4}` },
  });
  if (k % 4 !== 0) return span;
  const event = (name: string, offset: number, attributes: Array<Record<string, unknown>>) => ({
    timeUnixNano: nanos(startMs + offset),
    name,
    attributes,
  });
  return {
    ...span,
    events: [
      event('cache.miss', 0, [{ key: 'key', value: { stringValue: `k${k}` } }]),
      k % 3 === 0
        ? event('exception', 1, [
            { key: 'exception.type', value: { stringValue: 'TypeError' } },
            { key: 'exception.message', value: { stringValue: `failure ${k}` } },
          ])
        : event('retry', 1, [{ key: 'attempt', value: { intValue: String(k % 3) } }]),
    ],
  };
}

/**
 * Sends one OTLP/JSON request to the app under test and, once it accepted it, the same request
 * to the reference app (whose database received every span directly and never moved).
 */
export async function send(app: TestApp, reference: TestApp, service: string, spans: Array<Record<string, unknown>>): Promise<boolean> {
  const body = jsonRequest(service, spans);
  const res = await app.post('/v1/traces', body).catch(() => null);
  if (res?.status !== 200 || res.body?.partialSuccess) return false;
  const ref = await reference.post('/v1/traces', body);
  if (ref.status !== 200 || ref.body?.partialSuccess) throw new Error(`reference refused: ${ref.status} ${ref.text}`);
  return true;
}

/** What the trace API answers: every given trace whole, and one search over the whole window. */
export async function traceAnswers(app: TestApp, traceIds: string[], window: { from: string; to: string }) {
  await flushWriter(app);
  const traces: Record<string, unknown> = {};
  for (const id of traceIds) {
    const res = await app.get(`/api/v1/traces/${id}`);
    traces[id] = { status: res.status, body: res.body };
  }
  const search = await app.get(`/api/v1/traces?from=${window.from}&to=${window.to}&limit=1000`);
  const errors = await app.get(`/api/v1/traces?from=${window.from}&to=${window.to}&limit=1000&status=error&sort=duration`);
  const tool = await app.get(`/api/v1/traces?from=${window.from}&to=${window.to}&limit=1000&attr.mcp.tool=tool-1&sort=tokens`);
  return { traces, search: search.body, errors: errors.body, tool: tool.body };
}

/**
 * Summary rows that are not what their trace's spans give, computed here independently of
 * the database's functions (a trace without a row, a row without spans, or two rows of a
 * trace all show up).
 */
export function summaryMismatches(url: string): Promise<unknown[]> {
  return query(
    url,
    `WITH agg AS (
       SELECT trace_id, min(start_time) AS start_time, max(coalesce(end_time, start_time)) AS end_time, count(*)::int AS span_count,
              (count(*) FILTER (WHERE status = 'error'))::int AS error_count,
              coalesce(array_agg(DISTINCT service::text ORDER BY service::text) FILTER (WHERE service IS NOT NULL), '{}') AS services,
              coalesce(array_agg(DISTINCT model::text ORDER BY model::text) FILTER (WHERE model IS NOT NULL), '{}') AS models,
              coalesce(sum(input_tokens), 0)::bigint AS input_tokens, coalesce(sum(output_tokens), 0)::bigint AS output_tokens
         FROM observability_spans GROUP BY trace_id),
     roots AS (
       SELECT DISTINCT ON (trace_id) trace_id, span_id::text AS root_span_id, name::text AS name, service::text AS root_service,
              status::text AS root_status
         FROM observability_spans WHERE parent_span_id IS NULL ORDER BY trace_id, span_id),
     expected AS (
       SELECT a.trace_id::text AS trace_id, a.start_time, a.end_time, a.span_count, a.error_count, a.services, a.models,
              a.input_tokens, a.output_tokens, r.root_span_id, r.name, r.root_service,
              CASE WHEN a.error_count > 0 THEN 'error' ELSE coalesce(r.root_status, 'unset') END AS status
         FROM agg AS a LEFT JOIN roots AS r USING (trace_id)),
     stored AS (
       SELECT trace_id::text AS trace_id, start_time, end_time, span_count, error_count, services, models, input_tokens,
              output_tokens, root_span_id::text AS root_span_id, name::text AS name, root_service::text AS root_service, status::text AS status
         FROM observability_traces)
     SELECT coalesce(e.trace_id, s.trace_id) AS trace_id, row_to_json(e) AS expected, row_to_json(s) AS stored
       FROM expected AS e FULL JOIN stored AS s USING (trace_id)
      WHERE ROW(e.*) IS DISTINCT FROM ROW(s.*)`,
  );
}

/** Spans, distinct spans, summary rows, distinct traces with a summary, and the spans the summaries count. */
export async function traceCounts(url: string) {
  const [row] = await query<{ spans: number; distinct_spans: number; summaries: number; traces: number; counted: number }>(
    url,
    `SELECT (SELECT count(*) FROM observability_spans)::int AS spans,
            (SELECT count(DISTINCT (trace_id, span_id)) FROM observability_spans)::int AS distinct_spans,
            (SELECT count(*) FROM observability_traces)::int AS summaries,
            (SELECT count(DISTINCT trace_id) FROM observability_traces)::int AS traces,
            (SELECT coalesce(sum(span_count), 0) FROM observability_traces)::int AS counted`,
  );
  return row;
}
