import { startApp, TestApp } from './support/app';
import { exportWithOfficialSdk, hexId, jsonSpan } from './support/otlp';
import { createDatabase, dropDatabase } from './support/postgres';
import { flushWriter, member, Member, team } from './support/registry';

/**
 * The Jaeger query API read by exactly the requests Grafana's Jaeger data source and the Jaeger
 * UI send (grafana public/app/plugins/datasource/jaeger/datasource.ts, jaeger-ui src/api/jaeger.js),
 * over traces stored through OTLP.
 */
describe('Jaeger query API', () => {
  let url: string;
  let app: TestApp;
  let devA: Member;
  let devB: Member;
  let viewer: Member;
  let hiddenTool: string;
  const traceId = hexId(16);
  const hiddenTrace = hexId(16);
  const [rootId, callId, toolId] = [hexId(8), hexId(8), hexId(8)];
  const t0 = Date.now() - 10 * 60_000;

  /** An OTLP/JSON request of several resources (services). */
  const request = (resources: Array<{ service: string; spans: Array<Record<string, unknown>> }>) => ({
    resourceSpans: resources.map((r) => ({
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: r.service } },
          { key: 'host.name', value: { stringValue: `${r.service}-host` } },
        ],
      },
      scopeSpans: [{ scope: { name: 'gateway-scope' }, spans: r.spans }],
    })),
  });

  beforeAll(async () => {
    url = await createDatabase('jaeger');
    app = await startApp({ DATABASE_URL: url, WRITER_FLUSH_MS: '20' });
    const [teamA, teamB] = [await team(app, 'jaeger-a'), await team(app, 'jaeger-b')];
    devA = await member(app, 'dev-a@jaeger.test', 'developer', [teamA]);
    devB = await member(app, 'dev-b@jaeger.test', 'developer', [teamB]);
    viewer = await member(app, 'viewer@jaeger.test', 'viewer');
    const tool = await app.request('POST', '/api/v1/tools', {
      token: devB.token,
      body: { name: 'jaeger-secret', team_id: teamB, visibility: 'private' },
    });
    hiddenTool = tool.body.id;
    const root = jsonSpan({
      traceId,
      spanId: rootId,
      name: 'POST /mcp',
      startMs: t0,
      durationMs: 1500,
      kind: 2,
      attributes: { 'http.status_code': 200 },
    });
    const call = {
      ...jsonSpan({
        traceId,
        spanId: callId,
        parentSpanId: rootId,
        name: 'tools/call',
        startMs: t0 + 10,
        durationMs: 1200,
        kind: 3,
        status: 2,
        attributes: { 'gen_ai.tool.name': 'search', retries: 2, cached: false, ratio: 0.25 },
      }),
      events: [
        {
          timeUnixNano: String(BigInt(t0 + 20) * 1_000_000n),
          name: 'exception',
          attributes: [{ key: 'exception.type', value: { stringValue: 'Timeout' } }],
        },
      ],
    };
    const tool2 = jsonSpan({ traceId, spanId: toolId, parentSpanId: callId, name: 'search', startMs: t0 + 30, durationMs: 1000, kind: 2 });
    const hidden = jsonSpan({
      traceId: hiddenTrace,
      spanId: hexId(8),
      name: 'tools/call',
      startMs: t0 + 100,
      durationMs: 1500,
      kind: 2,
      attributes: { 'tool.id': hiddenTool },
    });
    const sent = await app.request('POST', '/v1/traces', {
      token: devA.token,
      body: request([
        { service: 'jaeger-gw', spans: [root, call, hidden] },
        { service: 'jaeger-tools', spans: [tool2] },
      ]),
    });
    expect(sent.status).toBe(200);
    await flushWriter(app);
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  const jaeger = (path: string, m: Member = viewer) => app.get(`/jaeger/api${path}`, m.token);
  const µs = (ms: number) => String(ms * 1000);

  it('lists services and operations as Grafana and the Jaeger UI ask for them', async () => {
    const services = await jaeger('/services');
    expect(services.status).toBe(200);
    expect(services.body).toMatchObject({ total: expect.any(Number), limit: 0, offset: 0, errors: null });
    expect(services.body.data).toEqual(expect.arrayContaining(['jaeger-gw', 'jaeger-tools']));
    const ops = await jaeger(`/services/${encodeURIComponent('jaeger-gw')}/operations`);
    expect(ops.body.data.sort()).toEqual(['POST /mcp', 'tools/call']);
    const server = await jaeger('/operations?service=jaeger-gw&spanKind=server');
    expect(server.body.data).toEqual([
      { name: 'POST /mcp', spanKind: 'server' },
      { name: 'tools/call', spanKind: 'server' },
    ]);
    expect((await jaeger('/operations?service=jaeger-gw&spanKind=client')).body.data).toEqual([{ name: 'tools/call', spanKind: 'client' }]);
    expect((await jaeger('/operations?spanKind=server')).status).toBe(400);
  });

  it('searches with Grafana’s exact query (tags as JSON, durations, µs window, lookback=custom) and answers whole traces', async () => {
    const query = new URLSearchParams({
      service: 'jaeger-gw',
      operation: 'tools/call',
      tags: JSON.stringify({ 'gen_ai.tool.name': 'search' }),
      minDuration: '1.2s',
      maxDuration: '5s',
      limit: '20',
      start: µs(t0 - 60_000),
      end: µs(Date.now()),
      lookback: 'custom',
    });
    const res = await jaeger(`/traces?${query}`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((t: { traceID: string }) => t.traceID)).toEqual([traceId]);
    const [trace] = res.body.data;
    expect(trace.spans).toHaveLength(3);
    const byId = Object.fromEntries(trace.spans.map((s: { spanID: string }) => [s.spanID, s]));
    expect(byId[callId].references).toEqual([{ refType: 'CHILD_OF', traceID: traceId, spanID: rootId }]);
    expect(byId[toolId].references).toEqual([{ refType: 'CHILD_OF', traceID: traceId, spanID: callId }]);
    expect(byId[rootId].references).toEqual([]);
    expect(byId[callId].tags).toEqual(
      expect.arrayContaining([
        { key: 'retries', type: 'int64', value: 2 },
        { key: 'cached', type: 'bool', value: false },
        { key: 'ratio', type: 'float64', value: 0.25 },
        { key: 'error', type: 'bool', value: true },
        { key: 'span.kind', type: 'string', value: 'client' },
      ]),
    );
    expect(byId[callId].logs).toEqual([
      {
        timestamp: (t0 + 20) * 1000,
        fields: [
          { key: 'event', type: 'string', value: 'exception' },
          { key: 'exception.type', type: 'string', value: 'Timeout' },
        ],
      },
    ]);
    expect(byId[rootId]).toMatchObject({ startTime: t0 * 1000, duration: 1_500_000 });
    expect(trace.processes[byId[toolId].processID]).toEqual({
      serviceName: 'jaeger-tools',
      tags: [{ key: 'host.name', type: 'string', value: 'jaeger-tools-host' }],
    });
    expect(trace.processes[byId[rootId].processID].serviceName).toBe('jaeger-gw');

    // logfmt tags, as older Grafana sent them; the error tag is the span status
    expect((await jaeger(`/traces?service=jaeger-gw&tags=${encodeURIComponent('error=true')}&lookback=1h`)).body.data).toHaveLength(1);
    expect((await jaeger(`/traces?service=jaeger-gw&minDuration=2s&lookback=1h`)).body.data).toEqual([]);
    expect((await jaeger(`/traces?service=jaeger-tools&operation=tools/call&lookback=1h`)).body.data).toEqual([]);
  });

  it('answers a trace by id, an unknown one as Jaeger does, and bad input as 400 in Jaeger’s shape', async () => {
    const res = await jaeger(`/traces/${traceId.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1, errors: null, data: [{ traceID: traceId }] });
    const missing = await jaeger(`/traces/${hexId(16)}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ data: null, errors: [{ code: 404, msg: 'trace not found' }] });
    const bad = await jaeger('/traces?service=jaeger-gw&minDuration=fast&limit=x');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['limit', 'minDuration']);
    expect(bad.body.errors[0]).toMatchObject({ code: 400, msg: expect.any(String) });
    expect((await jaeger('/traces/not-hex')).status).toBe(400);
    expect((await app.get('/jaeger/api/services', null)).body).toMatchObject({ data: null, errors: [{ code: 401 }] });
  });

  it('draws the service graph from parent-child spans that cross services', async () => {
    const res = await jaeger(`/dependencies?endTs=${Date.now()}&lookback=${3_600_000}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([{ parent: 'jaeger-gw', child: 'jaeger-tools', callCount: 1 }]);
    expect((await jaeger(`/dependencies?endTs=${t0 - 3_600_000}&lookback=60000`)).body.data).toEqual([]);
  });

  it('keeps a hidden entity’s traces hidden, as missing ones, on both APIs', async () => {
    const search = (m: Member) => jaeger(`/traces?service=jaeger-gw&operation=tools/call&lookback=1h`, m);
    expect((await search(devA)).body.data.map((t: { traceID: string }) => t.traceID)).toEqual([traceId]);
    expect((await search(devB)).body.data.map((t: { traceID: string }) => t.traceID).sort()).toEqual([traceId, hiddenTrace].sort());
    const asA = await jaeger(`/traces/${hiddenTrace}`, devA);
    expect(asA.status).toBe(404);
    expect(asA.body).toEqual((await jaeger(`/traces/${hexId(16)}`, devA)).body);
    expect((await jaeger(`/traces?traceID=${hiddenTrace}`, devA)).body.data).toEqual([]);
    expect((await app.get(`/api/v1/traces/${hiddenTrace}`, devA.token)).status).toBe(404);
    expect((await app.get(`/api/v1/traces/${hiddenTrace}`, devB.token)).status).toBe(200);
    const native = await app.get('/api/v1/traces?service=jaeger-gw&lookback=1h', devA.token);
    expect(native.body.items.map((i: { trace_id: string }) => i.trace_id)).toEqual([traceId]);
  });

  it('reads a trace sent by the official OpenTelemetry SDK and exporter', async () => {
    const sent = await exportWithOfficialSdk(app.baseUrl, devA.token, 'protobuf', 'jaeger-sdk');
    await flushWriter(app);
    const res = await jaeger(`/traces/${sent.traceId}`);
    expect(res.status).toBe(200);
    const [trace] = res.body.data;
    expect(Object.values(trace.processes)).toEqual([expect.objectContaining({ serviceName: 'jaeger-sdk' })]);
    const root = trace.spans.find((s: { spanID: string }) => s.spanID === sent.rootSpanId);
    expect(root.references).toEqual([]);
    expect(trace.spans.filter((s: { references: unknown[] }) => s.references.length).length).toBe(trace.spans.length - 1);
    expect(root.tags).toEqual(expect.arrayContaining([{ key: 'otel.scope.name', type: 'string', value: 'fourfold-e2e' }]));
  });
});
