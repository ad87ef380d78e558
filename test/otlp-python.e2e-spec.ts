import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, freePort } from './support/postgres';
import { pythonOtel, runPythonExport } from './support/python-otel';
import { flushWriter, member, Member } from './support/registry';

// The official OpenTelemetry Python SDK and exporters come from the package index through pip:
// scripts/ensure-python-otel.sh installs them into .cache/python-otel/ (once; later runs reuse it).
// Where Python or the packages cannot be had, this spec is skipped, and says why.
const found = pythonOtel();
const python = 'python' in found ? found.python : null;
const describeWithPython = python ? describe : describe.skip;
if (!python)
  console.warn(
    `the OpenTelemetry Python SDK cannot be installed here: Python exporter spec skipped (${'missing' in found ? found.missing : ''})`,
  );

type Bucket = { increase: number; count: number; sum: number };
const total = (buckets: Bucket[], key: keyof Bucket) => buckets.reduce((s, b) => s + b[key], 0);

describeWithPython('the official OpenTelemetry Python exporters (gRPC and HTTP) with their defaults', () => {
  let app: TestApp;
  let url: string;
  let developer: Member;
  let viewer: Member;
  const endpoints: Record<'grpc' | 'http', string> = { grpc: '', http: '' };

  beforeAll(async () => {
    url = await createDatabase('otlppy');
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    endpoints.grpc = `http://127.0.0.1:${grpcPort}`;
    endpoints.http = `http://127.0.0.1:${httpPort}`;
    app = await startApp({ DATABASE_URL: url, WRITER_FLUSH_MS: '20', OTLP_GRPC_PORT: String(grpcPort), OTLP_HTTP_PORT: String(httpPort) });
    developer = await member(app, 'dev@otlppy.test', 'developer');
    viewer = await member(app, 'viewer@otlppy.test', 'viewer');
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase(url);
  });

  it.each(['grpc', 'http'] as const)(
    'over %s, with only OTEL_EXPORTER_OTLP_ENDPOINT and the token, stores a trace, a counter, a histogram and a log record, read back through the query APIs',
    async (transport) => {
      const service = `py-gw-${transport}`;
      const sent = await runPythonExport(python!, transport, endpoints[transport], developer.token, service);
      expect(sent.failures).toEqual([]);
      expect(sent.exports).toEqual({ traces: 3, metrics: 3, logs: 1 }); // spans one by one; metrics at each of two flushes and at shutdown
      await flushWriter(app);

      // The trace: parent and child, the child's event, link, status and resource fields.
      const trace = await app.get(`/api/v1/traces/${sent.traceId}?include=logs`, viewer.token);
      expect(trace.status).toBe(200);
      expect(trace.body).toMatchObject({ root_name: 'POST /servers/{id}/mcp', root_service: service, span_count: 2, error_count: 1 });
      const byName = Object.fromEntries(trace.body.spans.map((s: { name: string }) => [s.name, s]));
      const root = byName['POST /servers/{id}/mcp'];
      expect(root).toMatchObject({ kind: 'server', parent_span_id: null, scope_name: 'gateway.python', scope_version: '0.9.0' });
      expect(root.resource_attributes).toMatchObject({
        'service.name': service,
        'service.version': '3.1.4',
        'telemetry.sdk.language': 'python',
      });
      expect(byName['tools/call weather']).toMatchObject({
        span_id: sent.spanId,
        parent_span_id: root.span_id,
        kind: 'internal',
        status: 'error',
        status_message: 'upstream timeout',
        resource_type: 'tool',
        resource_name: 'weather',
        flags: 0x100, // the parent is known to be local (the Python SDK sends no W3C trace flags in span.flags)
        events: [expect.objectContaining({ name: 'cache miss', attributes: { 'cache.key': 'weather:paris', attempt: 2 } })],
        links: [
          expect.objectContaining({ trace_id: sent.linkedTraceId, span_id: sent.linkedSpanId, attributes: { 'link.reason': 'warmed by' } }),
        ],
      });
      const search = await app.get(`/api/v1/traces?service=${service}`, viewer.token);
      expect(search.status).toBe(200);
      expect(search.body.items.map((t: { trace_id: string }) => t.trace_id).sort()).toEqual([sent.traceId, sent.linkedTraceId].sort());

      // The log record, correlated with the span it was emitted in: by trace id and with the trace.
      const logs = await app.request('POST', '/api/v1/logs/search', { token: app.adminToken, body: { trace_id: sent.traceId } });
      expect(logs.status).toBe(200);
      expect(logs.body.items).toEqual([
        expect.objectContaining({
          message: 'weather upstream slow',
          level: 'warning',
          severity_number: 13,
          severity_text: 'WARN',
          component: service,
          logger: 'gateway.python.tools',
          trace_id: sent.traceId,
          span_id: sent.spanId,
          attributes: { 'tool.name': 'weather', elapsed_ms: 70 },
        }),
      ]);
      expect(trace.body.logs.map((l: { message: string; span_id: string }) => [l.message, l.span_id])).toEqual([
        ['weather upstream slow', sent.spanId],
      ]);

      // The metrics: names with their types, a counter's increase and rate, a histogram's count, sum and quantiles.
      const names = await app.get(`/api/v1/otel-metrics?service=${service}`, viewer.token);
      expect(names.status).toBe(200);
      const metric = Object.fromEntries(names.body.metrics.map((m: { name: string }) => [m.name, m]));
      expect(metric['py.tool.calls']).toMatchObject({
        type: 'sum',
        unit: '{call}',
        description: 'Tool invocations',
        monotonic: true,
        temporality: 'cumulative',
        series: 2,
      });
      expect(metric['py.tool.duration']).toMatchObject({ type: 'histogram', unit: 'ms', temporality: 'cumulative', series: 1 });
      const series = async (params: string) => {
        const res = await app.get(`/api/v1/otel-metrics/series?service=${service}&bucket=1h&${params}`, viewer.token);
        expect(res.status).toBe(200);
        return res.body.series as Array<{
          attributes: Record<string, string>;
          buckets: Array<Bucket & { rate: number; p50: number; p99: number }>;
        }>;
      };
      const calls = await series('name=py.tool.calls&attr.tool=weather');
      expect(calls).toHaveLength(1);
      expect(calls[0].attributes).toEqual({ tool: 'weather' });
      expect(total(calls[0].buckets, 'increase')).toBe(6); // 3 at each of two collections, sent as a running total
      expect(calls[0].buckets[0].rate).toBeCloseTo(calls[0].buckets[0].increase / 3600);
      expect(total((await series('name=py.tool.calls&attr.tool=search'))[0].buckets, 'increase')).toBe(2);
      const duration = await series('name=py.tool.duration');
      expect([total(duration[0].buckets, 'count'), total(duration[0].buckets, 'sum')]).toEqual([6, 190]);
      const last = duration[0].buckets.at(-1)!;
      expect(last.p50).toBeGreaterThan(5);
      expect(last.p50).toBeLessThanOrEqual(25);
      expect(last.p99).toBeLessThanOrEqual(70); // clamped to the observed max
    },
  );
});
