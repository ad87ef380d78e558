/**
 * Exports logs or metrics with the official OpenTelemetry SDKs and OTLP exporters, in a process
 * of its own (as otlp-export-process.ts does for traces: the exporters load node:http with a
 * dynamic import(), which Jest's VM context refuses). Argument: JSON
 * `{ url, token, format, signal, service, traceId, spanId, temporality }`.
 * Prints one JSON line: `{ exports, failures }`.
 */
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { AggregationTemporalityPreference, OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

interface Args {
  url: string;
  token: string;
  format: 'protobuf' | 'json';
  signal: 'logs' | 'metrics';
  service: string;
  traceId: string;
  spanId: string;
  temporality: 'cumulative' | 'delta';
}

const results: ExportResult[] = [];
/** Wraps an exporter's export() so that every result is remembered. */
function recording<T extends { export(items: never, done: (r: ExportResult) => void): void }>(exporter: T): T {
  const inner = exporter.export.bind(exporter);
  exporter.export = ((items: never, done: (r: ExportResult) => void) =>
    inner(items, (r) => {
      results.push(r);
      done(r);
    })) as T['export'];
  return exporter;
}

async function logs(a: Args): Promise<void> {
  const options = { url: `${a.url}/v1/logs`, headers: { authorization: `Bearer ${a.token}` } };
  const exporter = recording(a.format === 'protobuf' ? new ProtoLogExporter(options) : new JsonLogExporter(options));
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': a.service, 'service.version': '1.2.3', 'host.name': 'gw-1' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('gateway.tools', '2.0.0');
  const inSpan = trace.setSpanContext(context.active(), { traceId: a.traceId, spanId: a.spanId, traceFlags: TraceFlags.SAMPLED });
  logger.emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: 'tool weather called',
    attributes: { 'tool.name': 'weather', 'http.request.method': 'POST', retries: 2 },
    context: inSpan,
  });
  logger.emit({ severityNumber: SeverityNumber.WARN2, body: { quota: 'tokens', used: 95, limits: [100, 200] }, context: inSpan });
  logger.emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: 'upstream refused',
    attributes: { 'exception.type': 'TypeError', 'exception.message': 'refused' },
    context: inSpan,
  });
  logger.emit({ severityText: 'fatal', body: 42 });
  await provider.forceFlush();
  await provider.shutdown();
}

async function metrics(a: Args): Promise<void> {
  const options = {
    url: `${a.url}/v1/metrics`,
    headers: { authorization: `Bearer ${a.token}` },
    temporalityPreference: a.temporality === 'delta' ? AggregationTemporalityPreference.DELTA : AggregationTemporalityPreference.CUMULATIVE,
  };
  const exporter = recording(a.format === 'protobuf' ? new ProtoMetricExporter(options) : new JsonMetricExporter(options));
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': a.service }),
    readers: [reader],
    views: [{ instrumentName: 'gen_ai.tokens', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('gateway.metrics', '1.0.0');
  const calls = meter.createCounter('tool.calls', { unit: '{call}', description: 'Tool invocations' });
  const sessions = meter.createUpDownCounter('sessions.active', { unit: '{session}' });
  const duration = meter.createHistogram('tool.duration', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 50, 100, 500] } });
  const tokens = meter.createHistogram('gen_ai.tokens', { unit: '{token}' });
  const queue = meter.createGauge('queue.depth');
  // Two collections a little apart: a cumulative counter has two points to take a rate from.
  for (let round = 0; round < 2; round++) {
    calls.add(10, { tool: 'weather' });
    calls.add(5, { tool: 'search' });
    sessions.add(round === 0 ? 3 : -1);
    for (const ms of [5, 20, 20, 70, 300]) duration.record(ms, { tool: 'weather' });
    for (const n of [100, 200, 400, 800]) tokens.record(n);
    queue.record(round === 0 ? 7 : 4);
    await reader.forceFlush();
    if (round === 0) await new Promise((r) => setTimeout(r, 1100));
  }
  await provider.shutdown();
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as Args;
  await (args.signal === 'logs' ? logs(args) : metrics(args));
  const failures = results.filter((r) => r.code !== ExportResultCode.SUCCESS).map((r) => String(r.error));
  process.stdout.write(`${JSON.stringify({ exports: results.length, failures })}\n`);
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
  process.exit(1);
});
