import { keyValues, OtlpFormatError, otlpInt32, OtlpReader, OtlpTooManyItems } from './otlp-values';

/**
 * An ExportTraceServiceRequest (decoded protobuf or parsed OTLP/JSON) turned into spans.
 *
 * Two kinds of bad input:
 * - a malformed message (a field of the wrong type, an id of the wrong length, a key-value
 *   without a key…) throws OtlpFormatError: the request is refused whole (400), nothing is
 *   written;
 * - a well-formed span that cannot be stored (all-zero ids, no start time, an end before its
 *   start, a start outside what retention keeps) is rejected alone and reported through
 *   OTLP's partial_success; the other spans are stored.
 */

export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export const STATUS_CODES = ['unset', 'ok', 'error'] as const;
const KIND_ENUM = SPAN_KINDS.map((k) => `SPAN_KIND_${k.toUpperCase()}`);
const STATUS_ENUM = STATUS_CODES.map((s) => `STATUS_CODE_${s.toUpperCase()}`);

export interface EventRecord {
  name: string;
  timeNanos: bigint;
  attributes: Record<string, unknown>;
}

/** A link to a span of this or another trace (OTLP Span.Link). */
export interface LinkRecord {
  traceId: string;
  spanId: string;
  traceState: string | null;
  flags: number;
  attributes: Record<string, unknown>;
  droppedAttributesCount: number;
}

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  /** W3C tracestate of the span's context. */
  traceState: string | null;
  /** OTLP span flags: W3C trace flags (low byte), 0x100 "parent remoteness known", 0x200 "parent is remote". */
  flags: number;
  name: string;
  kind: (typeof SPAN_KINDS)[number];
  startNanos: bigint;
  endNanos: bigint;
  status: (typeof STATUS_CODES)[number];
  statusMessage: string | null;
  service: string | null;
  scopeName: string | null;
  scopeVersion: string | null;
  /** The scope's schema URL, else the resource's. */
  schemaUrl: string | null;
  attributes: Record<string, unknown>;
  /** Shared by every span of one resource. */
  resourceAttributes: Record<string, unknown>;
  events: EventRecord[];
  links: LinkRecord[];
  /** What the SDK dropped before sending (its limits): attributes, events, links. */
  dropped: { attributes: number; events: number; links: number };
}

/** A uint32 (flags, dropped counts); 0 when absent. */
const count = (value: unknown, path: string): number => otlpInt32(value, path) >>> 0;

/** The fidelity fields of a span that has none of them (spans built in code: benchmarks, specs). */
export const PLAIN_SPAN_FIELDS: Pick<SpanRecord, 'traceState' | 'flags' | 'scopeVersion' | 'schemaUrl' | 'links' | 'dropped'> = {
  traceState: null,
  flags: 0,
  scopeVersion: null,
  schemaUrl: null,
  links: [],
  dropped: { attributes: 0, events: 0, links: 0 },
};

export interface ReadOptions {
  /** Spans starting before this (Unix ms) are rejected: retention already dropped their partition. */
  oldestMs: number;
  /** Spans starting after this (Unix ms) are rejected: a clock that far ahead is wrong. */
  newestMs: number;
  /** More spans than this in one request: OtlpTooManyItems (413). */
  maxSpans: number;
}

export interface ReadResult {
  spans: SpanRecord[];
  rejected: number;
  /** The first few rejection reasons, for partial_success.error_message. */
  reasons: string[];
}

const MAX_REASONS = 5;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
const NS_PER_MS = 1_000_000n;

/** Reads every span of the request, in order; resent duplicates within it are kept once. */
export function readTraceRequest(reader: OtlpReader, body: unknown, options: ReadOptions): ReadResult {
  const request = reader.message(body, '(body)');
  if (!request) throw new OtlpFormatError('(body)', 'must be an ExportTraceServiceRequest object');
  const result: ReadResult = { spans: [], rejected: 0, reasons: [] };
  const seen = new Set<string>();
  let total = 0;
  const resourceSpans = reader.list(request.resourceSpans, 'resourceSpans');
  for (let r = 0; r < resourceSpans.length; r++) {
    const rPath = `resourceSpans[${r}]`;
    const rs = reader.message(resourceSpans[r], rPath);
    if (!rs) continue;
    const resource = reader.message(rs.resource, `${rPath}.resource`);
    const resourceAttributes = keyValues(reader, resource?.attributes, `${rPath}.resource.attributes`);
    const resourceSchema = reader.string(rs.schemaUrl, `${rPath}.schemaUrl`) || null;
    const serviceName = resourceAttributes['service.name'];
    const service = typeof serviceName === 'string' && serviceName !== '' ? serviceName.slice(0, 255) : null;
    const scopeSpans = reader.list(rs.scopeSpans, `${rPath}.scopeSpans`);
    for (let s = 0; s < scopeSpans.length; s++) {
      const sPath = `${rPath}.scopeSpans[${s}]`;
      const ss = reader.message(scopeSpans[s], sPath);
      if (!ss) continue;
      const scope = reader.message(ss.scope, `${sPath}.scope`);
      const scopeName = reader.string(scope?.name, `${sPath}.scope.name`)?.slice(0, 255) || null;
      const scopeVersion = reader.string(scope?.version, `${sPath}.scope.version`)?.slice(0, 255) || null;
      const schemaUrl = reader.string(ss.schemaUrl, `${sPath}.schemaUrl`) || resourceSchema;
      const spans = reader.list(ss.spans, `${sPath}.spans`);
      total += spans.length;
      if (total > options.maxSpans) throw new OtlpTooManyItems(options.maxSpans, 'spans', 'TRACES_MAX_SPANS_PER_REQUEST');
      for (let i = 0; i < spans.length; i++) {
        const path = `${sPath}.spans[${i}]`;
        const outcome = readSpan(reader, spans[i], path, { service, scopeName, scopeVersion, schemaUrl, resourceAttributes }, options);
        if (typeof outcome === 'string') {
          result.rejected++;
          if (result.reasons.length < MAX_REASONS) result.reasons.push(`${path}: ${outcome}`);
          continue;
        }
        const key = `${outcome.traceId}/${outcome.spanId}/${outcome.startNanos}`;
        if (seen.has(key)) continue;
        seen.add(key);
        result.spans.push(outcome);
      }
    }
  }
  return result;
}

interface SpanContext {
  service: string | null;
  scopeName: string | null;
  scopeVersion: string | null;
  schemaUrl: string | null;
  resourceAttributes: Record<string, unknown>;
}

/** One span, or the reason it is rejected. Throws OtlpFormatError when it is malformed. */
function readSpan(reader: OtlpReader, raw: unknown, path: string, ctx: SpanContext, options: ReadOptions): SpanRecord | string {
  const span = reader.message(raw, path);
  if (!span) return 'empty span';
  // Every field is read (and so type-checked) before deciding to reject the span.
  const traceId = reader.id(span.traceId, 16, `${path}.traceId`);
  const spanId = reader.id(span.spanId, 8, `${path}.spanId`);
  const parentSpanId = reader.id(span.parentSpanId, 8, `${path}.parentSpanId`);
  const traceState = reader.string(span.traceState, `${path}.traceState`) || null;
  const flags = count(span.flags, `${path}.flags`);
  const name = reader.string(span.name, `${path}.name`) ?? '';
  const kind = reader.enumValue(span.kind, KIND_ENUM, `${path}.kind`);
  const startNanos = reader.nanos(span.startTimeUnixNano, `${path}.startTimeUnixNano`);
  const endNanos = reader.nanos(span.endTimeUnixNano, `${path}.endTimeUnixNano`);
  const attributes = keyValues(reader, span.attributes, `${path}.attributes`);
  const status = reader.message(span.status, `${path}.status`);
  const statusCode = reader.enumValue(status?.code, STATUS_ENUM, `${path}.status.code`);
  const statusMessage = reader.string(status?.message, `${path}.status.message`) || null;
  const events = reader.list(span.events, `${path}.events`).map((raw, i) => {
    const ePath = `${path}.events[${i}]`;
    const event = reader.message(raw, ePath) ?? {};
    return {
      name: (reader.string(event.name, `${ePath}.name`) ?? '').slice(0, 255),
      timeNanos: reader.nanos(event.timeUnixNano, `${ePath}.timeUnixNano`) || startNanos,
      attributes: keyValues(reader, event.attributes, `${ePath}.attributes`),
    };
  });
  const links = readLinks(reader, span.links, `${path}.links`);
  const dropped = {
    attributes: count(span.droppedAttributesCount, `${path}.droppedAttributesCount`),
    events: count(span.droppedEventsCount, `${path}.droppedEventsCount`),
    links: count(span.droppedLinksCount, `${path}.droppedLinksCount`),
  };

  if (!traceId || traceId === ZERO_TRACE) return 'traceId is missing or all zeros';
  if (!spanId || spanId === ZERO_SPAN) return 'spanId is missing or all zeros';
  if (startNanos === 0n) return 'startTimeUnixNano is missing';
  if (endNanos !== 0n && endNanos < startNanos) return 'endTimeUnixNano is before startTimeUnixNano';
  const startMs = Number(startNanos / NS_PER_MS);
  if (startMs < options.oldestMs) return 'starts before the retention window (OBSERVABILITY_RETENTION_DAYS)';
  if (startMs > options.newestMs) return 'starts more than an hour in the future';
  return {
    traceId,
    spanId,
    parentSpanId: parentSpanId === ZERO_SPAN ? null : parentSpanId,
    traceState,
    flags,
    name: name.slice(0, 255),
    kind: SPAN_KINDS[kind] ?? 'unspecified',
    startNanos,
    endNanos: endNanos === 0n ? startNanos : endNanos,
    status: STATUS_CODES[statusCode] ?? 'unset',
    statusMessage,
    service: ctx.service,
    scopeName: ctx.scopeName,
    scopeVersion: ctx.scopeVersion,
    schemaUrl: ctx.schemaUrl,
    attributes,
    resourceAttributes: ctx.resourceAttributes,
    events,
    links,
    dropped,
  };
}

/** A span's links; one with no (or all-zero) ids links to nothing and is left out. */
function readLinks(reader: OtlpReader, raw: unknown, path: string): LinkRecord[] {
  const links: LinkRecord[] = [];
  const list = reader.list(raw, path);
  for (let i = 0; i < list.length; i++) {
    const lPath = `${path}[${i}]`;
    const link = reader.message(list[i], lPath) ?? {};
    const traceId = reader.id(link.traceId, 16, `${lPath}.traceId`);
    const spanId = reader.id(link.spanId, 8, `${lPath}.spanId`);
    const record = {
      traceState: reader.string(link.traceState, `${lPath}.traceState`) || null,
      flags: count(link.flags, `${lPath}.flags`),
      attributes: keyValues(reader, link.attributes, `${lPath}.attributes`),
      droppedAttributesCount: count(link.droppedAttributesCount, `${lPath}.droppedAttributesCount`),
    };
    if (!traceId || traceId === ZERO_TRACE || !spanId || spanId === ZERO_SPAN) continue;
    links.push({ traceId, spanId, ...record });
  }
  return links;
}
