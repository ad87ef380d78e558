import { isoMicros, TraceDetail, TraceSpan } from '../query/trace-detail';

/**
 * fourfold's traces in Jaeger's JSON model (the query API's `/api/*` answers, as the Jaeger
 * UI and Grafana's Jaeger data source read them). Pure mapping from the native trace detail.
 */

export interface JaegerTag {
  key: string;
  type: 'string' | 'bool' | 'int64' | 'float64';
  value: string | number | boolean;
}
export interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  flags: number;
  operationName: string;
  references: JaegerReference[];
  startTime: number;
  duration: number;
  tags: JaegerTag[];
  logs: Array<{ timestamp: number; fields: JaegerTag[] }>;
  processID: string;
  warnings: string[] | null;
}
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: JaegerTag[] }>;
  warnings: string[] | null;
}

/** Jaeger's answer envelope. */
export interface JaegerResponse<T> {
  data: T;
  total: number;
  limit: number;
  offset: number;
  errors: Array<{ code: number; msg: string }> | null;
}

export function envelope<T>(data: T[]): JaegerResponse<T[]> {
  return { data, total: data.length, limit: 0, offset: 0, errors: null };
}

/** An error as Jaeger answers it (`{ code, msg }` per error); the fields fourfold's own errors carry are kept beside. */
export function jaegerError(
  code: number,
  msg: string,
  fields: Array<{ field: string; reason: string }> = [],
): JaegerResponse<null> & { statusCode: number; message: string } {
  const errors = fields.length ? fields.map((f) => ({ code, msg: `${f.field}: ${f.reason}`, ...f })) : [{ code, msg }];
  return { data: null, total: 0, limit: 0, offset: 0, errors, statusCode: code, message: msg };
}

/** An attribute value as a typed Jaeger tag; lists and maps become their JSON text, as Jaeger's OTLP translator does. */
export function jaegerTag(key: string, value: unknown): JaegerTag {
  if (typeof value === 'boolean') return { key, type: 'bool', value };
  if (typeof value === 'number') return Number.isInteger(value) ? { key, type: 'int64', value } : { key, type: 'float64', value };
  if (typeof value === 'string') return { key, type: 'string', value };
  return { key, type: 'string', value: JSON.stringify(value) ?? 'null' };
}

const tagsOf = (attributes: Record<string, unknown>, skip?: string): JaegerTag[] =>
  Object.entries(attributes)
    .filter(([k]) => k !== skip)
    .map(([k, v]) => jaegerTag(k, v));

/** The OpenTelemetry fields Jaeger shows as tags (span kind, status, scope), as its OTLP translator names them. */
function otelTags(span: TraceSpan): JaegerTag[] {
  const tags: JaegerTag[] = [];
  if (span.kind && span.kind !== 'unspecified') tags.push(jaegerTag('span.kind', span.kind));
  if (span.scope_name) tags.push(jaegerTag('otel.scope.name', span.scope_name));
  if (span.scope_version) tags.push(jaegerTag('otel.scope.version', span.scope_version));
  if (span.status === 'ok') tags.push(jaegerTag('otel.status_code', 'OK'));
  if (span.status === 'error') tags.push(jaegerTag('otel.status_code', 'ERROR'), jaegerTag('error', true));
  if (span.status_message) tags.push(jaegerTag('otel.status_description', span.status_message));
  if (span.trace_state) tags.push(jaegerTag('w3c.tracestate', span.trace_state));
  return tags;
}

export function toJaegerTrace(trace: TraceDetail): JaegerTrace {
  const processes: JaegerTrace['processes'] = {};
  const processIds = new Map<string, string>();
  const inTrace = new Set(trace.spans.map((s) => s.span_id));
  const spans = trace.spans.map((span): JaegerSpan => {
    const processKey = JSON.stringify([span.service, span.resource_attributes]);
    let processID = processIds.get(processKey);
    if (!processID) {
      processID = `p${processIds.size + 1}`;
      processIds.set(processKey, processID);
      processes[processID] = { serviceName: span.service ?? 'unknown_service', tags: tagsOf(span.resource_attributes, 'service.name') };
    }
    const references: JaegerReference[] = [];
    const warnings: string[] = [];
    if (span.parent_span_id) {
      references.push({ refType: 'CHILD_OF', traceID: trace.trace_id, spanID: span.parent_span_id });
      if (!inTrace.has(span.parent_span_id)) warnings.push(`parent span ${span.parent_span_id} is not stored (a remote or lost parent)`);
    }
    for (const link of span.links)
      references.push({ refType: 'FOLLOWS_FROM', traceID: link.trace_id, spanID: link.span_id });
    const flags = span.flags;
    const start = isoMicros(span.start_time);
    return {
      traceID: trace.trace_id,
      spanID: span.span_id,
      flags: typeof flags === 'number' ? flags & 0xff : 1,
      operationName: span.name,
      references,
      startTime: start,
      duration: Math.max(0, isoMicros(span.end_time) - start),
      tags: [...tagsOf(span.attributes), ...otelTags(span)],
      logs: span.events.map((e) => ({
        timestamp: isoMicros(e.timestamp),
        fields: [jaegerTag('event', e.name), ...tagsOf(e.attributes)],
      })),
      processID,
      warnings: warnings.length ? warnings : null,
    };
  });
  return { traceID: trace.trace_id, spans, processes, warnings: null };
}

/** Jaeger's span kinds, by fourfold's (unspecified is the empty kind). */
export const jaegerSpanKind = (kind: string): string => (kind === 'unspecified' ? '' : kind);
/** fourfold's span kind for Jaeger's `spanKind` parameter; null when none is asked. */
export function spanKindOf(text: unknown): string | null | undefined {
  if (text === undefined || text === '') return null;
  if (typeof text !== 'string') return undefined;
  return ['server', 'client', 'producer', 'consumer', 'internal'].includes(text)
    ? text
    : text === 'unspecified'
      ? 'unspecified'
      : undefined;
}
