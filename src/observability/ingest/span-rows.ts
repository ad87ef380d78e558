import { nameUuid } from '../../common/ids';
import { isoString, JsonText } from '../../writer/copy-encoding';
import { EventRecord, LinkRecord, SpanRecord } from '../otlp/otlp-request';
import { operationName, spanResource } from './span-derivations';

/** Rows of observability_spans and observability_events, keyed by column, for the writer. */
export interface TraceRows {
  spans: Record<string, unknown>[];
  events: Record<string, unknown>[];
}

const NS_PER_US = 1000n;

/**
 * A timestamptz literal with microseconds (PostgreSQL's precision), so sub-millisecond spans
 * keep their order and a resent span has exactly the same primary key.
 */
export function timestampOf(nanos: bigint): string {
  // One BigInt division; microseconds since 1970 are exact as a double until the year 2255.
  const micros = Number(nanos / NS_PER_US);
  const ms = Math.floor(micros / 1000);
  const extra = micros - ms * 1000;
  const iso = isoString(ms); // …SS.mmmZ
  return `${iso.slice(0, -1)}${extra < 10 ? '00' : extra < 100 ? '0' : ''}${extra}Z`;
}

/** Nanoseconds between two instants, in milliseconds (fractional). */
export const durationMs = (start: bigint, end: bigint): number => Number(end - start) / 1e6;

const GEN_AI_MODEL = ['gen_ai.request.model', 'gen_ai.response.model'];
const GEN_AI_INPUT = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'];
const GEN_AI_OUTPUT = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'];

function first(attributes: Record<string, unknown>, keys: string[]): unknown {
  for (const key of keys) if (attributes[key] !== undefined && attributes[key] !== null) return attributes[key];
  return undefined;
}

/** A token count: a non-negative integer (sent as an int, or as a decimal string). */
function tokens(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** The OpenTelemetry GenAI semantic conventions: model and token usage of a span. */
export function genAiUsage(attributes: Record<string, unknown>): { model: string | null; input: number | null; output: number | null } {
  const model = first(attributes, GEN_AI_MODEL);
  return {
    model: typeof model === 'string' && model !== '' ? model.slice(0, 255) : null,
    input: tokens(first(attributes, GEN_AI_INPUT)),
    output: tokens(first(attributes, GEN_AI_OUTPUT)),
  };
}

/** A stable UUID for the `index`-th event of a span: resends map to the same row. */
export const eventId = (traceId: string, spanId: string, index: number, event: EventRecord): string =>
  nameUuid(traceId, spanId, index, event.timeNanos, event.name);

const text = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;

function eventRow(span: SpanRecord, event: EventRecord, index: number): Record<string, unknown> {
  const exception = event.name === 'exception';
  const a = event.attributes;
  return {
    id: eventId(span.traceId, span.spanId, index, event),
    timestamp: timestampOf(event.timeNanos),
    trace_id: span.traceId,
    span_id: span.spanId,
    name: event.name,
    attributes: a,
    severity: exception ? 'error' : null,
    message: text(a['message'] ?? a['log.message'] ?? null),
    exception_type: exception ? (text(a['exception.type'])?.slice(0, 255) ?? null) : null,
    exception_message: exception ? text(a['exception.message']) : null,
    exception_stacktrace: exception ? text(a['exception.stacktrace']) : null,
  };
}

/** A link as stored in observability_spans.links (snake_case, as the rows' columns). */
function linkValue(link: LinkRecord): Record<string, unknown> {
  return {
    trace_id: link.traceId,
    span_id: link.spanId,
    trace_state: link.traceState,
    flags: link.flags,
    attributes: link.attributes,
    dropped_attributes_count: link.droppedAttributesCount,
  };
}

/** The rows of a batch of spans: one per span, one per span event. */
export function traceRows(spans: readonly SpanRecord[]): TraceRows {
  const rows: TraceRows = { spans: [], events: [] };
  // The spans of one resource share its attributes (one object): encoded once, not once per span.
  let shared: Record<string, unknown> | undefined;
  let sharedJson: unknown;
  for (const span of spans) {
    if (span.resourceAttributes !== shared) {
      shared = span.resourceAttributes;
      sharedJson = JsonText.of(shared);
    }
    const usage = genAiUsage(span.attributes);
    const resource = spanResource(span.attributes);
    rows.spans.push({
      trace_id: span.traceId,
      span_id: span.spanId,
      start_time: timestampOf(span.startNanos),
      parent_span_id: span.parentSpanId,
      name: span.name,
      kind: span.kind,
      end_time: timestampOf(span.endNanos),
      duration_ms: durationMs(span.startNanos, span.endNanos),
      status: span.status,
      status_message: span.statusMessage,
      service: span.service,
      scope_name: span.scopeName,
      attributes: span.attributes,
      resource_attributes: sharedJson,
      model: usage.model,
      input_tokens: usage.input,
      output_tokens: usage.output,
      trace_state: span.traceState,
      flags: span.flags,
      scope_version: span.scopeVersion,
      schema_url: span.schemaUrl,
      links: span.links.length ? span.links.map(linkValue) : null,
      dropped_attributes_count: span.dropped.attributes,
      dropped_events_count: span.dropped.events,
      dropped_links_count: span.dropped.links,
      operation: operationName(span.name, span.attributes),
      resource_type: resource.type,
      resource_name: resource.name,
      resource_id: resource.id,
    });
    for (let i = 0; i < span.events.length; i++) rows.events.push(eventRow(span, span.events[i], i));
  }
  return rows;
}
