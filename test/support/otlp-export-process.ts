/**
 * Exports a small trace with the official OpenTelemetry SDK and OTLP exporter, in a process
 * of its own: the exporters load node:http with a dynamic import(), which Jest's VM context
 * refuses. Argument: JSON `{ url, token, format, service }` (url null: the exporter reads
 * OTEL_EXPORTER_OTLP_* from the environment); optionally `remoteParent` (the root continues a
 * remote caller's context, with its tracestate, as a gateway called with `traceparent` does),
 * `rootName` (a path name; its path goes to http.route) and `link` (the tool call links to that
 * span, with attributes). Prints one JSON line:
 * `{ traceId, rootSpanId, exports, failures }`.
 */
import { context, createTraceState, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { ExportFormat, otlpProvider } from './otlp';

async function main(): Promise<void> {
  const { url, token, format, service, remoteParent, rootName, link } = JSON.parse(process.argv[2]) as {
    url: string | null;
    token: string;
    format: ExportFormat;
    service: string;
    remoteParent?: { traceId: string; spanId: string; traceState: string };
    rootName?: string;
    link?: { traceId: string; spanId: string };
  };
  const { provider, exporter, tracer } = otlpProvider(url, token, format, service);
  const caller = remoteParent
    ? trace.setSpanContext(context.active(), {
        traceId: remoteParent.traceId,
        spanId: remoteParent.spanId,
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
        traceState: createTraceState(remoteParent.traceState),
      })
    : context.active();
  const name = rootName ?? 'POST /rpc';
  const root = tracer.startSpan(
    name,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'POST',
        'http.response.status_code': 200,
        ...(rootName ? { 'http.route': rootName.split(' ')[1] } : {}),
      },
    },
    caller,
  );
  const inRoot = trace.setSpan(context.active(), root);
  const call = tracer.startSpan(
    'tools/call weather',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'mcp.tool': 'weather', retries: 2, ratio: 0.5, cached: false, tags: ['a', 'b'], 'tool.name': 'weather' },
      links: link
        ? [{ context: { traceId: link.traceId, spanId: link.spanId, traceFlags: TraceFlags.SAMPLED }, attributes: { 'link.reason': 'batch' } }]
        : [],
    },
    inRoot,
  );
  call.addEvent('cache.miss', { key: 'weather:paris' });
  call.setStatus({ code: SpanStatusCode.OK });
  call.end();
  const llm = tracer.startSpan(
    'chat gpt-x',
    { attributes: { 'gen_ai.request.model': 'gpt-x', 'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 30 } },
    inRoot,
  );
  llm.recordException(new TypeError('upstream refused'));
  llm.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream refused' });
  llm.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  const { traceId, spanId } = root.spanContext();
  process.stdout.write(
    `${JSON.stringify({ traceId, rootSpanId: spanId, exports: exporter.results.length, failures: exporter.failures().map((f) => String(f.error)) })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
  process.exit(1);
});
