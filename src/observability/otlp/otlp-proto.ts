/**
 * The OTLP messages of the three signals, decoded and encoded by protobufjs over the official
 * opentelemetry-proto definitions. The code is the one generated (pbjs static) and published
 * by the OpenTelemetry JS project in @opentelemetry/otlp-transformer; its last release that
 * ships it for all three signals (0.214; from 0.215 on the logs messages are gone) is installed
 * under the alias `otlp-proto-definitions` (see package.json). Only the trace shapes are
 * typed here (metrics and logs are read field by field); protobufjs leaves absent fields null.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
import root = require('otlp-proto-definitions/build/src/generated/root');

/** A fixed64/int64 as protobufjs decodes it (a long.js Long), or a plain number. */
export interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}
export type Int64 = LongLike | number;

export interface PbAnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64 | null;
  doubleValue?: number | null;
  arrayValue?: { values?: PbAnyValue[] | null } | null;
  kvlistValue?: { values?: PbKeyValue[] | null } | null;
  bytesValue?: Uint8Array | null;
}

export interface PbKeyValue {
  key?: string | null;
  value?: PbAnyValue | null;
}

export interface PbEvent {
  timeUnixNano?: Int64 | null;
  name?: string | null;
  attributes?: PbKeyValue[] | null;
}

export interface PbLink {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  traceState?: string | null;
  attributes?: PbKeyValue[] | null;
  droppedAttributesCount?: number | null;
  flags?: number | null;
}

export interface PbSpan {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  traceState?: string | null;
  parentSpanId?: Uint8Array | null;
  flags?: number | null;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: Int64 | null;
  endTimeUnixNano?: Int64 | null;
  attributes?: PbKeyValue[] | null;
  droppedAttributesCount?: number | null;
  events?: PbEvent[] | null;
  droppedEventsCount?: number | null;
  links?: PbLink[] | null;
  droppedLinksCount?: number | null;
  status?: { code?: number | null; message?: string | null } | null;
}

export interface PbExportTraceServiceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: PbKeyValue[] | null } | null;
    scopeSpans?: Array<{
      scope?: { name?: string | null; version?: string | null } | null;
      spans?: PbSpan[] | null;
      schemaUrl?: string | null;
    }> | null;
    schemaUrl?: string | null;
  }> | null;
}

interface MessageType<T> {
  decode(reader: Uint8Array): T;
  encode(message: unknown): { finish(): Uint8Array };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the generated root is typed as a bare protobufjs Root
const v1 = (root as any).opentelemetry.proto.collector.trace.v1;
const RequestType = v1.ExportTraceServiceRequest as MessageType<PbExportTraceServiceRequest>;
const ResponseType = v1.ExportTraceServiceResponse as MessageType<unknown>;

/** Decodes an ExportTraceServiceResponse (tests). */
export function decodeTraceResponse(body: Uint8Array): {
  partialSuccess?: { rejectedSpans?: Int64 | null; errorMessage?: string | null } | null;
} {
  return ResponseType.decode(body) as never;
}

/** Decodes an ExportTraceServiceRequest; throws protobufjs's error when the bytes are not one. */
export function decodeTraceRequest(body: Uint8Array): PbExportTraceServiceRequest {
  return RequestType.decode(body);
}

/** Encodes an ExportTraceServiceRequest (benchmarks and tests build protobuf bodies with it). */
export function encodeTraceRequest(message: PbExportTraceServiceRequest): Buffer {
  return Buffer.from(RequestType.encode(message).finish());
}

/** An ExportTraceServiceResponse, with partial_success only when spans were rejected. */
export function encodeTraceResponse(rejectedSpans: number, errorMessage: string): Buffer {
  const message = rejectedSpans > 0 ? { partialSuccess: { rejectedSpans, errorMessage } } : {};
  return Buffer.from(ResponseType.encode(message).finish());
}

/** The JSON form of the same response (OTLP/JSON: int64 as a decimal string). */
export function jsonTraceResponse(rejectedSpans: number, errorMessage: string): object {
  return rejectedSpans > 0 ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } } : {};
}

/**
 * The three OTLP signals, by name: each collector service's request and response messages and
 * the partial_success field that counts what was rejected. One table, so that every receiver
 * and transport decodes and answers each signal the same way.
 */
export type OtlpSignalName = 'traces' | 'metrics' | 'logs';

interface SignalMessages {
  request: MessageType<unknown>;
  response: MessageType<unknown>;
  /** ExportXServiceRequest, for error messages. */
  requestName: string;
  /** The partial_success counter of the response. */
  rejectedField: 'rejectedSpans' | 'rejectedDataPoints' | 'rejectedLogRecords';
  /** The collector service over gRPC (its one method: Export). */
  grpcService: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
const collector = (root as any).opentelemetry.proto.collector;
const SIGNALS: Record<OtlpSignalName, SignalMessages> = {
  traces: {
    request: RequestType,
    response: ResponseType,
    requestName: 'ExportTraceServiceRequest',
    rejectedField: 'rejectedSpans',
    grpcService: 'opentelemetry.proto.collector.trace.v1.TraceService',
  },
  metrics: {
    request: collector.metrics.v1.ExportMetricsServiceRequest,
    response: collector.metrics.v1.ExportMetricsServiceResponse,
    requestName: 'ExportMetricsServiceRequest',
    rejectedField: 'rejectedDataPoints',
    grpcService: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  },
  logs: {
    request: collector.logs.v1.ExportLogsServiceRequest,
    response: collector.logs.v1.ExportLogsServiceResponse,
    requestName: 'ExportLogsServiceRequest',
    rejectedField: 'rejectedLogRecords',
    grpcService: 'opentelemetry.proto.collector.logs.v1.LogsService',
  },
};

export const requestNameOf = (signal: OtlpSignalName): string => SIGNALS[signal].requestName;
export const grpcServiceOf = (signal: OtlpSignalName): string => SIGNALS[signal].grpcService;

/** Decodes a signal's export request; throws protobufjs's error when the bytes are not one. */
export function decodeSignalRequest(signal: OtlpSignalName, body: Uint8Array): unknown {
  return SIGNALS[signal].request.decode(body);
}

/** Encodes a signal's export request (benchmarks and tests). */
export function encodeSignalRequest(signal: OtlpSignalName, message: unknown): Buffer {
  return Buffer.from(SIGNALS[signal].request.encode(message).finish());
}

/** A signal's export response, with partial_success only when something was rejected. */
export function encodeSignalResponse(signal: OtlpSignalName, rejected: number, errorMessage: string): Buffer {
  const message = rejected > 0 ? { partialSuccess: { [SIGNALS[signal].rejectedField]: rejected, errorMessage } } : {};
  return Buffer.from(SIGNALS[signal].response.encode(message).finish());
}

/** The JSON form of the same response. */
export function jsonSignalResponse(signal: OtlpSignalName, rejected: number, errorMessage: string): object {
  return rejected > 0 ? { partialSuccess: { [SIGNALS[signal].rejectedField]: String(rejected), errorMessage } } : {};
}

/** Decodes a signal's export response (tests). */
export function decodeSignalResponse(signal: OtlpSignalName, body: Uint8Array): { partialSuccess?: Record<string, unknown> | null } {
  return SIGNALS[signal].response.decode(body) as never;
}
