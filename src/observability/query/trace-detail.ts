/**
 * A whole trace as the trace API answers it, assembled from its stored span and event rows.
 * Pure: the service reads the rows, this groups and totals them (one trace or a page of them).
 */

export interface SpanEvent {
  name: string;
  timestamp: string;
  attributes: Record<string, unknown>;
}

export interface TraceSpan {
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  service: string | null;
  start_time: string;
  end_time: string;
  duration_ms: number | null;
  status: string;
  status_message: string | null;
  attributes: Record<string, unknown>;
  resource_attributes: Record<string, unknown>;
  scope_name: string | null;
  scope_version: string | null;
  schema_url: string | null;
  /** W3C tracestate of the span's context. */
  trace_state: string | null;
  /** OTLP span flags: W3C trace flags, 0x100 parent remoteness known, 0x200 parent remote. */
  flags: number | null;
  links: SpanLink[];
  dropped_attributes_count: number | null;
  dropped_events_count: number | null;
  dropped_links_count: number | null;
  /** The operation it counts under in /operations and /stats (templated; `name` is as sent). */
  operation: string | null;
  resource_type: string | null;
  resource_name: string | null;
  resource_id: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  events: SpanEvent[];
}

export interface SpanLink {
  trace_id: string;
  span_id: string;
  trace_state: string | null;
  flags: number;
  attributes: Record<string, unknown>;
  dropped_attributes_count: number;
}

export interface TraceDetail {
  trace_id: string;
  root_name: string | null;
  root_service: string | null;
  start_time: string;
  end_time: string;
  duration_ms: number;
  span_count: number;
  error_count: number;
  status: string | null;
  input_tokens: number;
  output_tokens: number;
  spans: TraceSpan[];
}

/** What the per-trace summary knows (absent while the summary has not caught up). */
export interface TraceSummaryRow {
  trace_id: string;
  root_name: string | null;
  root_service: string | null;
  status: string | null;
  input_tokens: string | number | null;
  output_tokens: string | number | null;
}

export type SpanRow = Omit<TraceSpan, 'events' | 'attributes' | 'resource_attributes' | 'input_tokens' | 'output_tokens' | 'links' | 'flags'> & {
  trace_id: string;
  links: SpanLink[] | null;
  flags: string | number | null;
  attributes: Record<string, unknown> | null;
  resource_attributes: Record<string, unknown> | null;
  input_tokens: string | number | null;
  output_tokens: string | number | null;
};

export interface EventRow {
  trace_id: string;
  span_id: string;
  name: string;
  timestamp: string;
  attributes: Record<string, unknown> | null;
}

/** Microseconds since the epoch of an ISO string `YYYY-MM-DDTHH:MM:SS.ffffffZ` (as the queries format them). */
export function isoMicros(iso: string): number {
  return Date.parse(`${iso.slice(0, 23)}Z`) * 1000 + Number(iso.slice(23, 26) || 0);
}

const count = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/** Traces in the order of `ids` (those with no stored span left out), spans by start, events by time. */
export function assembleTraces(
  ids: readonly string[],
  summaries: readonly TraceSummaryRow[],
  spans: readonly SpanRow[],
  events: readonly EventRow[],
): TraceDetail[] {
  const eventsBySpan = new Map<string, SpanEvent[]>();
  for (const e of events) {
    const key = `${e.trace_id}/${e.span_id}`;
    let list = eventsBySpan.get(key);
    if (!list) eventsBySpan.set(key, (list = []));
    list.push({ name: e.name, timestamp: e.timestamp, attributes: e.attributes ?? {} });
  }
  const spansByTrace = new Map<string, TraceSpan[]>();
  for (const { trace_id, ...s } of spans) {
    let list = spansByTrace.get(trace_id);
    if (!list) spansByTrace.set(trace_id, (list = []));
    list.push({
      ...s,
      attributes: s.attributes ?? {},
      resource_attributes: s.resource_attributes ?? {},
      links: s.links ?? [],
      flags: count(s.flags),
      input_tokens: count(s.input_tokens),
      output_tokens: count(s.output_tokens),
      events: eventsBySpan.get(`${trace_id}/${s.span_id}`) ?? [],
    });
  }
  const summaryOf = new Map(summaries.map((s) => [s.trace_id, s]));
  const out: TraceDetail[] = [];
  for (const id of ids) {
    const list = spansByTrace.get(id);
    if (!list?.length) continue;
    // µs-precision ISO strings of one format compare like the instants they spell.
    let start = list[0].start_time;
    let end = list[0].end_time;
    for (const s of list) {
      if (s.start_time < start) start = s.start_time;
      if (s.end_time > end) end = s.end_time;
    }
    const summary = summaryOf.get(id);
    out.push({
      trace_id: id,
      root_name: summary?.root_name ?? null,
      root_service: summary?.root_service ?? null,
      start_time: start,
      end_time: end,
      duration_ms: (isoMicros(end) - isoMicros(start)) / 1000,
      span_count: list.length,
      error_count: list.filter((s) => s.status === 'error').length,
      status: summary?.status ?? null,
      input_tokens: Number(summary?.input_tokens ?? 0),
      output_tokens: Number(summary?.output_tokens ?? 0),
      spans: list,
    });
  }
  return out;
}
