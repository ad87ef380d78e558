import { randomUUID } from 'node:crypto';
import { startApp, TestApp } from './support/app';
import { exportWithOfficialSdk, ExportFormat, hexId, jsonRequest, jsonSpan } from './support/otlp';
import { freePort, createDatabase, dropDatabase } from './support/postgres';
import { flushWriter, member, Member } from './support/registry';

const MINUTE = 60_000;

describe('traces: what OTLP says of a span is kept, and derived names stay bounded', () => {
  let app: TestApp;
  let url: string;
  let grpcPort: number;
  let developer: Member;
  let viewer: Member;

  beforeAll(async () => {
    url = await createDatabase('tracefid');
    grpcPort = await freePort();
    app = await startApp({ DATABASE_URL: url, WRITER_FLUSH_MS: '20', OTLP_GRPC_PORT: String(grpcPort) });
    developer = await member(app, 'dev@fidelity.test', 'developer');
    viewer = await member(app, 'viewer@fidelity.test', 'viewer');
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase(url);
  });

  const postJson = (body: unknown) => app.request('POST', '/v1/traces', { token: developer.token, body });

  it.each([
    ['grpc', () => `http://127.0.0.1:${grpcPort}`],
    ['protobuf', () => app.baseUrl],
    ['json', () => app.baseUrl],
  ] as Array<[ExportFormat, () => string]>)(
    'over %s: scope version, flags, tracestate and links come back; a remote-parent root is the trace root, searchable by its name',
    async (format, base) => {
      const remoteParent = { traceId: hexId(16), spanId: hexId(8), traceState: 'vendor=abc,other=1' };
      const link = { traceId: hexId(16), spanId: hexId(8) };
      const server = randomUUID();
      const rootName = `POST /servers/${server}/mcp`;
      const service = `fidelity-${format}`;
      const exported = await exportWithOfficialSdk(base(), developer.token, format, service, { remoteParent, rootName, link });
      expect(exported.failures).toEqual([]);
      expect(exported.traceId).toBe(remoteParent.traceId);
      await flushWriter(app);

      const res = await app.get(`/api/v1/traces/${exported.traceId}`, viewer.token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ root_name: rootName, root_service: service });
      const byName = Object.fromEntries(res.body.spans.map((s: { name: string }) => [s.name, s]));
      expect(byName[rootName]).toMatchObject({
        parent_span_id: remoteParent.spanId,
        flags: 0x301,
        trace_state: 'vendor=abc,other=1',
        scope_name: 'fourfold-e2e',
        scope_version: '1.0.0',
        operation: 'POST /servers/{id}/mcp',
        dropped_attributes_count: 0,
      });
      expect(byName['tools/call weather']).toMatchObject({
        flags: 0x101,
        links: [{ trace_id: link.traceId, span_id: link.spanId, flags: 0x101, attributes: { 'link.reason': 'batch' }, dropped_attributes_count: 0 }],
        resource_type: 'tool',
        resource_name: 'weather',
      });

      const byRoot = await app.get(`/api/v1/traces?service=${service}&name=${encodeURIComponent(rootName)}`, viewer.token);
      expect(byRoot.body.items.map((t: { trace_id: string }) => t.trace_id)).toEqual([exported.traceId]);
      const byOperation = await app.get(`/api/v1/traces?service=${service}&name=${encodeURIComponent('POST /servers/{id}/mcp')}`, viewer.token);
      expect(byOperation.body.items.map((t: { trace_id: string }) => t.trace_id)).toEqual([exported.traceId]);
      const ops = await app.get(`/api/v1/traces/operations?service=${service}`, viewer.token);
      expect(ops.body.operations).toEqual([{ service, name: 'POST /servers/{id}/mcp', traces: 1 }]);
    },
  );

  it('keeps schema URLs and dropped counts; spans of 100 servers make one operation in /operations and /stats', async () => {
    const start = Date.now() - MINUTE;
    const service = 'hundred-servers';
    const traces = Array.from({ length: 100 }, (_, i) => {
      const traceId = hexId(16);
      const server = i % 2 ? randomUUID() : randomUUID().replace(/-/g, '');
      const path = `/servers/${server}/mcp`;
      const span = jsonSpan({
        traceId,
        spanId: hexId(8),
        name: `POST ${path}`,
        startMs: start + i,
        durationMs: 10,
        kind: 2,
        attributes: { 'http.route': path, 'http.request.method': 'POST', 'tool.id': hexId(16), 'tool.name': `tool-${i % 3}` },
      });
      return { ...span, droppedAttributesCount: i, droppedEventsCount: 1, droppedLinksCount: 2 } as Record<string, unknown>;
    });
    const body = jsonRequest(service, traces);
    const resourceSpans = body.resourceSpans as Array<Record<string, unknown>>;
    resourceSpans[0].schemaUrl = 'https://opentelemetry.io/schemas/1.11.0';
    expect((await postJson(body)).status).toBe(200);
    await flushWriter(app);

    const ops = await app.get(`/api/v1/traces/operations?service=${service}`, viewer.token);
    expect(ops.body.operations).toEqual([{ service, name: 'POST /servers/{id}/mcp', traces: 100 }]);
    const stats = await app.get(`/api/v1/traces/stats?service=${service}`, viewer.token);
    expect(stats.body.items).toEqual([expect.objectContaining({ service, operation: 'POST /servers/{id}/mcp', count: 100 })]);

    // The admin: the tool ids name no registry entity, which hides the trace from others.
    const one = await app.get(`/api/v1/traces/${String(traces[8].traceId)}`, app.adminToken);
    expect(one.body.spans[0]).toMatchObject({
      name: expect.stringMatching(/^POST \/servers\/[0-9a-f]{32}\/mcp$/),
      schema_url: 'https://opentelemetry.io/schemas/1.11.0',
      dropped_attributes_count: 8,
      dropped_events_count: 1,
      dropped_links_count: 2,
      resource_type: 'tool',
      resource_name: 'tool-2',
      resource_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it('refuses malformed fidelity fields naming them', async () => {
    const span = jsonSpan({ traceId: hexId(16), spanId: hexId(8), name: 'x', startMs: Date.now() - MINUTE, durationMs: 1 });
    const bad = await postJson(jsonRequest('bad', [{ ...span, flags: 'remote' }]));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('resourceSpans[0].scopeSpans[0].spans[0].flags');
    const badLink = await postJson(jsonRequest('bad', [{ ...span, links: [{ traceId: 'abc', spanId: hexId(8) }] }]));
    expect(badLink.status).toBe(400);
    expect(badLink.body.errors[0].field).toBe('resourceSpans[0].scopeSpans[0].spans[0].links[0].traceId');
  });
});
