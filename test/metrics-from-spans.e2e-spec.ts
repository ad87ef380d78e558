import { startApp, TestApp } from './support/app';
import { hexId, jsonSpan, JsonSpanSpec } from './support/otlp';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, member, Member, team } from './support/registry';

const HOUR = 3_600_000;

/** percentile_cont of sorted values. */
function percentile(sorted: number[], q: number): number {
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo] + (sorted[Math.ceil(rank)] - sorted[lo]) * (rank - lo);
}

/** One resource's spans as the ContextForge gateway exports them (scope mcp-gateway 1.0.8). */
function gatewayRequest(service: string, spans: Array<Record<string, unknown>>) {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: service } },
            { key: 'service.version', value: { stringValue: '1.0.8' } },
            { key: 'deployment.environment', value: { stringValue: 'test' } },
          ],
        },
        scopeSpans: [{ scope: { name: 'mcp-gateway', version: '1.0.8' }, schemaUrl: 'https://opentelemetry.io/schemas/1.11.0', spans }],
      },
    ],
  };
}

describe('execution metrics derived from the gateway’s spans', () => {
  let url: string;
  let offUrl: string;
  let app: TestApp;
  let off: TestApp;
  let devA: Member;
  let devB: Member;
  let tool: { id: string; name: string };
  let server: string;
  const traceId = hexId(16);
  const semconvTrace = hexId(16);
  const start = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR + 5 * 60_000; // a closed hour: one bucket, from raw rows
  const durations = [40, 55, 70, 90, 120, 150, 210, 300, 480, 900]; // ms
  let body: string;
  let semconvBody: string;
  let failingSpan: string;

  beforeAll(async () => {
    [url, offUrl] = await Promise.all([createDatabase('from_spans'), createDatabase('from_spans_off')]);
    [app, off] = await Promise.all([
      startApp({ DATABASE_URL: url, WRITER_FLUSH_MS: '20' }),
      startApp({ DATABASE_URL: offUrl, WRITER_FLUSH_MS: '20', METRICS_FROM_SPANS: 'off' }),
    ]);
    const [teamA, teamB] = [await team(app, 'team-a'), await team(app, 'team-b')];
    devA = await member(app, 'dev-a@spans.test', 'developer', [teamA]);
    devB = await member(app, 'dev-b@spans.test', 'developer', [teamB]);
    const created = await app.request('POST', '/api/v1/tools', {
      token: devB.token,
      body: { name: 'b-weather', team_id: teamB, visibility: 'private' },
    });
    tool = { id: created.body.id, name: created.body.name };
    server = (await app.request('POST', '/api/v1/servers', { body: { name: 'weather-server', visibility: 'public' } })).body.id;

    // A remote root: its parent is the client's span (traceparent), not in the export; flags 0x300.
    const root = hexId(8);
    const spans: Array<Record<string, unknown>> = [
      {
        ...jsonSpan({
          traceId,
          spanId: root,
          parentSpanId: hexId(8),
          name: `POST /servers/${server}/mcp`,
          kind: 2,
          startMs: start,
          durationMs: 3000,
          attributes: {
            'http.request.method': 'POST',
            'http.route': `/servers/${server}/mcp`,
            'http.response.status_code': 200,
            'url.path': `/servers/${server}/mcp`,
            'server.port': 4444,
            'client.port': 51234,
            success: true,
            correlation_id: 'c-1',
            'auth.method': 'jwt',
          },
        }),
        flags: 0x300,
      },
    ];
    const child = (s: Omit<JsonSpanSpec, 'traceId' | 'parentSpanId'>) => ({
      ...jsonSpan({ traceId, parentSpanId: root, ...s }),
      flags: 0x100,
    });
    durations.forEach((d, i) => {
      const spanId = hexId(8);
      const ok = i !== 3 && i !== 7;
      if (i === 7) failingSpan = spanId;
      spans.push(
        child({
          spanId,
          name: 'tool.invoke',
          startMs: start + i * 200,
          durationMs: d,
          status: i === 3 ? 2 : 1, // 3: a gateway error (status ERROR); 7: a tool error under status OK
          attributes: {
            'tool.id': tool.id,
            'tool.name': 'weather-as-the-gateway-calls-it',
            'tool.integration_type': 'MCP',
            'tool.gateway_id': 'gw-1',
            server_id: server,
            arguments_count: 2,
            has_headers: false,
            success: ok,
            'duration.ms': d - 0.5,
            ...(i === 3 ? { error: true, 'error.type': 'ToolInvocationError', 'error.message': 'connection refused' } : {}),
          },
        }),
        child({ spanId: hexId(8), name: 'tool.lookup', startMs: start + i * 200, durationMs: 1, attributes: { 'tool.id': tool.id } }),
      );
    });
    spans.push(
      child({
        spanId: hexId(8),
        name: 'tool.invoke',
        startMs: start + 2500,
        durationMs: 30,
        attributes: { 'tool.id': 'not-registered-tool', 'tool.name': 'mystery', success: true },
      }),
      child({
        spanId: hexId(8),
        name: 'resource.read',
        startMs: start + 2600,
        durationMs: 12,
        attributes: { 'resource.uri': 'file:///a.txt', 'resource.id': 'res-1', 'resource.name': 'a.txt', 'content.size': 10 },
      }),
      child({
        spanId: hexId(8),
        name: 'prompt.render',
        startMs: start + 2700,
        durationMs: 8,
        attributes: { 'prompt.id': 'pr-1', 'messages.count': 2 },
      }),
      child({
        spanId: hexId(8),
        name: 'a2a.invoke',
        startMs: start + 2800,
        durationMs: 100,
        attributes: { 'a2a.agent.id': 'ag-1', 'a2a.agent.name': 'planner', 'a2a.interaction_type': 'query' },
      }),
      child({ spanId: hexId(8), name: 'llm.chat', startMs: start + 2900, durationMs: 50, attributes: { 'gen_ai.usage.total_tokens': 9 } }),
    );
    body = JSON.stringify(gatewayRequest('mcp-gateway', spans));

    const semconvRoot = hexId(8);
    semconvBody = JSON.stringify(
      gatewayRequest('other-gateway', [
        jsonSpan({
          traceId: semconvTrace,
          spanId: semconvRoot,
          name: 'tools/call get_forecast',
          kind: 2,
          startMs: start + 10_000,
          durationMs: 80,
          attributes: {
            'mcp.method.name': 'tools/call',
            'gen_ai.tool.name': 'get_forecast',
            'mcp.session.id': 'sess-1',
            'error.type': 'tool_error',
          },
        }),
        // the same call, as the gateway's client towards the upstream server: not counted twice
        jsonSpan({
          traceId: semconvTrace,
          spanId: hexId(8),
          parentSpanId: semconvRoot,
          name: 'tools/call get_forecast',
          kind: 3,
          startMs: start + 10_001,
          durationMs: 70,
          attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'get_forecast' },
        }),
      ]),
    );
    for (const [target, raw] of [
      [app, body],
      [app, semconvBody],
      [off, body],
    ] as const) {
      const res = await target.request('POST', '/v1/traces', { token: target.adminToken, rawBody: raw });
      expect(res.status).toBe(200);
    }
    await Promise.all([flushWriter(app), flushWriter(off)]);
  });

  afterAll(async () => {
    await Promise.all([app?.close(), off?.close()]);
    await Promise.all([url && dropDatabase(url), offUrl && dropDatabase(offUrl)]);
  });

  const rows = (table: string, db = url) => query<Record<string, unknown>>(db, `SELECT * FROM ${table} ORDER BY "timestamp", id`);

  it('each execution span becomes one row, with the registry’s name, or the name it carries when unregistered', async () => {
    const tools = await rows('tool_metrics');
    const registered = tools.filter((r) => r.tool_id === tool.id);
    expect(registered).toHaveLength(durations.length);
    expect(new Set(registered.map((r) => r.tool_name))).toEqual(new Set([tool.name]));
    expect(registered.map((r) => Math.round(Number(r.response_time) * 1000))).toEqual(durations);
    expect(registered.map((r) => r.is_success)).toEqual(durations.map((_, i) => i !== 3 && i !== 7));
    expect(registered[3]).toMatchObject({ error_type: 'ToolInvocationError', error_message: 'connection refused' });
    expect(registered[7]).toMatchObject({ is_success: false, error_type: null });
    expect(tools.find((r) => r.tool_id === 'not-registered-tool')).toMatchObject({ tool_name: 'mystery', is_success: true });
    expect(tools.find((r) => r.tool_id === 'get_forecast')).toMatchObject({
      tool_name: 'get_forecast',
      is_success: false,
      error_type: 'tool_error',
    });
    expect(tools).toHaveLength(durations.length + 2);

    const servers = await rows('server_metrics');
    expect(servers).toHaveLength(durations.length);
    expect(new Set(servers.map((r) => r.server_name))).toEqual(new Set(['weather-server']));
    expect(await rows('resource_metrics')).toEqual([
      expect.objectContaining({ resource_id: 'res-1', resource_name: 'a.txt', is_success: true }),
    ]);
    expect(await rows('prompt_metrics')).toEqual([expect.objectContaining({ prompt_id: 'pr-1', prompt_name: 'unknown' })]);
    expect(await rows('a2a_agent_metrics')).toEqual([
      expect.objectContaining({ a2a_agent_id: 'ag-1', agent_name: 'planner', interaction_type: 'query' }),
    ]);
  });

  it('the tool’s summary and series show the count, error rate and percentiles of its spans', async () => {
    const range = `from=${new Date(start - HOUR).toISOString()}&to=${new Date(start + HOUR).toISOString()}`;
    const summary = await app.get(`/api/v1/metrics/tools/${tool.id}/summary?${range}`, devB.token);
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ name: tool.name, total_executions: 10, failed_executions: 2, failure_rate: 0.2 });
    const series = await app.get(`/api/v1/metrics/tools/${tool.id}/timeseries?${range}`, devB.token);
    expect(series.status).toBe(200);
    const [point] = series.body.points;
    const sorted = durations.map((d) => d / 1000);
    expect(series.body.points).toHaveLength(1);
    for (const [key, q] of [
      ['p50', 0.5],
      ['p90', 0.9],
      ['p95', 0.95],
      ['p99', 0.99],
    ] as const) {
      expect(point[key]).toBeCloseTo(percentile(sorted, q), 6);
    }
    expect(point).toMatchObject({ count: 10, failure_rate: 0.2, exact: true });
  });

  it('a resent batch, and the same execution sent through the ingest API with its span’s ids, add nothing', async () => {
    const before = (await rows('tool_metrics')).length;
    expect((await app.request('POST', '/v1/traces', { token: app.adminToken, rawBody: body })).status).toBe(200);
    expect((await app.request('POST', '/v1/traces', { token: app.adminToken, rawBody: semconvBody })).status).toBe(200);
    const [failing] = (await rows('tool_metrics')).filter((r) => r.tool_id === tool.id).slice(7, 8);
    const api = await app.post('/api/v1/metrics/executions', [
      {
        entity_type: 'tool',
        entity_id: tool.id,
        timestamp: (failing.timestamp as Date).toISOString(),
        response_time: 0.48,
        is_success: false,
        trace_id: traceId,
        span_id: failingSpan,
      },
    ]);
    expect(api.status).toBe(202);
    await flushWriter(app);
    expect((await rows('tool_metrics')).length).toBe(before);
    expect((await rows('server_metrics')).length).toBe(durations.length);
  });

  it('a private tool’s derived metrics stay hidden from another team, as the registry answers', async () => {
    const registry = await app.get(`/api/v1/tools/${tool.id}`, devA.token);
    const summary = await app.get(`/api/v1/metrics/tools/${tool.id}/summary`, devA.token);
    expect(registry.status).toBe(404);
    expect([summary.status, summary.body]).toEqual([registry.status, registry.body]);
    const top = await app.get(`/api/v1/metrics/top?entity_type=tool&from=${new Date(start - HOUR).toISOString()}`, devA.token);
    expect(top.body.items.map((i: { id: string }) => i.id)).not.toContain(tool.id);
  });

  it('METRICS_FROM_SPANS=off stores the spans and writes no metric row', async () => {
    const [{ n }] = await query<{ n: number }>(offUrl, 'SELECT count(*)::int AS n FROM observability_spans WHERE trace_id = $1', [traceId]);
    expect(n).toBeGreaterThan(20);
    for (const table of ['tool_metrics', 'server_metrics', 'resource_metrics', 'prompt_metrics', 'a2a_agent_metrics']) {
      expect(await rows(table, offUrl)).toEqual([]);
    }
  });
});
