import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, ReadableSpan, SimpleSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** An exporter that remembers the result of every export it forwards. */
export class RecordingExporter implements SpanExporter {
  readonly results: ExportResult[] = [];
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      this.results.push(result);
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  failures(): ExportResult[] {
    return this.results.filter((r) => r.code !== ExportResultCode.SUCCESS);
  }
}

/** How the official exporter is set up: explicitly (url and token), or from OTEL_EXPORTER_OTLP_* alone (url null). */
export type ExportFormat = 'protobuf' | 'json' | 'grpc';

/**
 * A tracer provider exporting with the official OTLP exporter (HTTP protobuf, HTTP JSON or
 * gRPC) to a running fourfold. With a url, the exporter gets it (HTTP: url + /v1/traces) and
 * the token; without, the exporter is built with no options, as an application's SDK is, and
 * reads the OTEL_EXPORTER_OTLP_* variables of its process.
 */
export function otlpProvider(baseUrl: string | null, token: string, format: ExportFormat, service: string) {
  const exporter = new RecordingExporter(officialExporter(baseUrl, token, format));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { provider, exporter, tracer: provider.getTracer('fourfold-e2e', '1.0.0') };
}

function officialExporter(baseUrl: string | null, token: string, format: ExportFormat): SpanExporter {
  if (format === 'grpc') {
    // Loaded here only: Jest specs import this module for its helpers, never for gRPC.
    const { OTLPTraceExporter } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc');
    if (baseUrl === null) return new OTLPTraceExporter();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Metadata } = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    return new OTLPTraceExporter({ url: baseUrl, metadata });
  }
  const Exporter = format === 'protobuf' ? ProtoExporter : JsonExporter;
  if (baseUrl === null) return new Exporter();
  return new Exporter({ url: `${baseUrl}/v1/traces`, headers: { authorization: `Bearer ${token}` } });
}

export const hexId = (bytes: 16 | 8) => randomBytes(bytes).toString('hex');

/** Unix nanoseconds of an instant, as OTLP/JSON writes them (decimal string). */
export const nanos = (ms: number, extraNs = 0) => (BigInt(Math.round(ms)) * 1_000_000n + BigInt(extraNs)).toString();

export interface JsonSpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  durationMs: number;
  status?: 0 | 1 | 2;
  attributes?: Record<string, string | number | boolean>;
  kind?: number;
}

const anyValue = (v: string | number | boolean) =>
  typeof v === 'string'
    ? { stringValue: v }
    : typeof v === 'boolean'
      ? { boolValue: v }
      : Number.isInteger(v)
        ? { intValue: String(v) }
        : { doubleValue: v };

export function jsonSpan(s: JsonSpanSpec): Record<string, unknown> {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    kind: s.kind ?? 1,
    startTimeUnixNano: nanos(s.startMs),
    endTimeUnixNano: nanos(s.startMs + s.durationMs),
    attributes: Object.entries(s.attributes ?? {}).map(([key, value]) => ({ key, value: anyValue(value) })),
    status: { code: s.status ?? 0 },
  };
}

/** An OTLP/JSON ExportTraceServiceRequest of one resource (service) and one scope. */
export function jsonRequest(service: string, spans: Array<Record<string, unknown>>): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 'e2e' }, spans }],
      },
    ],
  };
}

export interface ExportedTrace {
  traceId: string;
  rootSpanId: string;
  exports: number;
  failures: string[];
}

/** What else the exported trace carries (see otlp-export-process.ts). */
export interface TraceShape {
  remoteParent?: { traceId: string; spanId: string; traceState: string };
  rootName?: string;
  link?: { traceId: string; spanId: string };
}

/** Runs otlp-export-process.ts: the official SDK and exporter send one trace to `baseUrl`. */
export function exportWithOfficialSdk(
  baseUrl: string,
  token: string,
  format: ExportFormat,
  service: string,
  shape: TraceShape = {},
): Promise<ExportedTrace> {
  return runExportProcess('otlp-export-process.ts', { url: baseUrl, token, format, service, ...shape });
}

/** The OTEL_EXPORTER_OTLP_PROTOCOL value of each format. */
const PROTOCOLS: Record<ExportFormat, string> = { grpc: 'grpc', protobuf: 'http/protobuf', json: 'http/json' };

/**
 * As an application configures its SDK: OTEL_EXPORTER_OTLP_ENDPOINT set to a base URL
 * (`http://host:4317`, `http://host:4318`), the token in OTEL_EXPORTER_OTLP_HEADERS
 * (URL-encoded, `Authorization=Bearer%20<token>`), nothing else.
 */
export function exportWithSdkDefaults(endpoint: string, token: string, format: ExportFormat, service: string): Promise<ExportedTrace> {
  return runExportProcess(
    'otlp-export-process.ts',
    { url: null, token: '', format, service },
    {
      OTEL_EXPORTER_OTLP_PROTOCOL: PROTOCOLS[format],
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${token}`,
    },
  );
}

export interface SignalExport {
  url: string;
  token: string;
  format: ExportFormat;
  /** For grpc: the receiver's `http://host:port`. */
  grpcUrl?: string;
  signal: 'logs' | 'metrics';
  service: string;
  traceId?: string;
  spanId?: string;
  temporality?: 'cumulative' | 'delta';
}

/** Runs otlp-signals-process.ts: the official SDK and exporters send logs or metrics. */
export function exportSignalWithOfficialSdk(args: SignalExport): Promise<{ exports: number; failures: string[] }> {
  return runExportProcess('otlp-signals-process.ts', { traceId: hexId(16), spanId: hexId(8), temporality: 'cumulative', ...args });
}

function runExportProcess<T>(script: string, args: object, env: Record<string, string> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, script), JSON.stringify(args)], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const result = JSON.parse(out.trim().split('\n').pop() || '{}') as T & { error?: string };
      if (code !== 0 || result.error) reject(new Error(`exporter process failed (${code}): ${result.error ?? out}`));
      else resolve(result);
    });
  });
}
