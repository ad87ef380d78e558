import { gzipSync } from 'node:zlib';
import { decodeStatus } from '../src/otlp/otlp-wire';
import { startApp, TestApp } from './support/app';
import { exportWithOfficialSdk, hexId, jsonRequest, jsonSpan } from './support/otlp';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, member, Member } from './support/registry';

const MINUTE = 60_000;

describe('traces: OTLP receiver and query API', () => {
  let app: TestApp;
  let url: string;
  let developer: Member;
  let viewer: Member;

  beforeAll(async () => {
    url = await createDatabase('traces');
    app = await startApp({ DATABASE_URL: url, WRITER_FLUSH_MS: '20' });
    developer = await member(app, 'dev@traces.test', 'developer');
    viewer = await member(app, 'viewer@traces.test', 'viewer');
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase(url);
  });

  const spanCount = async (traceId: string) =>
    Number((await query<{ n: string }>(url, 'SELECT count(*) AS n FROM observability_spans WHERE trace_id = $1', [traceId]))[0].n);
  const postJson = (body: unknown, token = developer.token, headers: Record<string, string> = {}) =>
    app.request('POST', '/v1/traces', { token, rawBody: typeof body === 'string' ? body : JSON.stringify(body), headers });

  it.each(['protobuf', 'json'] as const)(
    'stores what the official %s exporter sends: tree, attributes, events, status, tokens',
    async (format) => {
      const exported = await exportWithOfficialSdk(app.baseUrl, developer.token, format, `gateway-${format}`);
      expect(exported.failures).toEqual([]);
      expect(exported.exports).toBeGreaterThan(0);
      await flushWriter(app);

      const { traceId, rootSpanId } = exported;
      const res = await app.get(`/api/v1/traces/${traceId}`, viewer.token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        trace_id: traceId,
        span_count: 3,
        root_name: 'POST /rpc',
        root_service: `gateway-${format}`,
        status: 'error',
      });
      const byName = Object.fromEntries(res.body.spans.map((s: { name: string }) => [s.name, s]));
      expect(res.body.spans[0].name).toBe('POST /rpc'); // ordered by start
      expect(byName['POST /rpc']).toMatchObject({ parent_span_id: null, kind: 'server', service: `gateway-${format}`, status: 'unset' });
      expect(byName['tools/call weather']).toMatchObject({
        parent_span_id: rootSpanId,
        kind: 'client',
        status: 'ok',
        attributes: { 'mcp.tool': 'weather', retries: 2, ratio: 0.5, cached: false, tags: ['a', 'b'] },
        events: [{ name: 'cache.miss', attributes: { key: 'weather:paris' } }],
      });
      expect(byName['chat gpt-x']).toMatchObject({
        status: 'error',
        status_message: 'upstream refused',
        model: 'gpt-x',
        input_tokens: 120,
        output_tokens: 30,
      });
      expect(byName['chat gpt-x'].events[0]).toMatchObject({
        name: 'exception',
        attributes: { 'exception.type': 'TypeError', 'exception.message': 'upstream refused' },
      });
      const [exception] = await query(
        url,
        `SELECT exception_type, exception_message, severity FROM observability_events WHERE trace_id = $1 AND name = 'exception'`,
        [traceId],
      );
      expect(exception).toEqual({ exception_type: 'TypeError', exception_message: 'upstream refused', severity: 'error' });

      const search = await app.get(`/api/v1/traces?service=gateway-${format}&status=error`, viewer.token);
      expect(search.status).toBe(200);
      expect(search.body.items).toEqual([
        expect.objectContaining({
          trace_id: traceId,
          root_name: 'POST /rpc',
          span_count: 3,
          error_count: 1,
          input_tokens: 120,
          output_tokens: 30,
        }),
      ]);
      const byAttr = await app.get(`/api/v1/traces?attr.mcp.tool=weather&attr.retries=2&service=gateway-${format}`, viewer.token);
      expect(byAttr.body.items.map((i: { trace_id: string }) => i.trace_id)).toEqual([traceId]);
      const byResource = await app.get(`/api/v1/traces?attr.deployment.environment=test&service=gateway-${format}`, viewer.token);
      expect(byResource.body.items).toHaveLength(1);
      expect((await app.get(`/api/v1/traces?attr.mcp.tool=other&service=gateway-${format}`, viewer.token)).body.items).toEqual([]);
    },
  );

  it('stores spans arriving out of order and twice exactly once, with a summary that does not depend on the order', async () => {
    const traceId = hexId(16);
    const rootId = hexId(8);
    const [a, b, c] = [hexId(8), hexId(8), hexId(8)];
    const t0 = Date.now() - 10 * MINUTE;
    const children = [
      jsonSpan({
        traceId,
        spanId: a,
        parentSpanId: rootId,
        name: 'child a',
        startMs: t0 + 100,
        durationMs: 50,
        attributes: { 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 1 },
      }),
      jsonSpan({ traceId, spanId: c, parentSpanId: a, name: 'grandchild c', startMs: t0 + 120, durationMs: 10, status: 2 }),
    ];
    expect((await postJson(jsonRequest('svc-b', children))).status).toBe(200);
    await flushWriter(app);
    const early = await app.get(`/api/v1/traces?service=svc-b&lookback=1h`, viewer.token);
    expect(early.body.items).toEqual([expect.objectContaining({ trace_id: traceId, root_name: null, span_count: 2, error_count: 1 })]);

    // The root arrives later, in another request, with a child from another service; then the first batch again.
    const later = [
      jsonSpan({ traceId, spanId: rootId, name: 'GET /weather', startMs: t0, durationMs: 1000, status: 1 }),
      jsonSpan({
        traceId,
        spanId: b,
        parentSpanId: rootId,
        name: 'child b',
        startMs: t0 + 500,
        durationMs: 400,
        attributes: { 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.output_tokens': 4 },
      }),
    ];
    expect((await postJson(jsonRequest('svc-a', later))).status).toBe(200);
    expect((await postJson(jsonRequest('svc-b', children))).status).toBe(200);
    expect((await postJson(jsonRequest('svc-b', children))).status).toBe(200);
    await flushWriter(app);

    expect(await spanCount(traceId)).toBe(4);
    const summaries = await query(
      url,
      'SELECT span_count, error_count, name, root_service, services, duration_ms, input_tokens, output_tokens, status FROM observability_traces WHERE trace_id = $1',
      [traceId],
    );
    expect(summaries).toEqual([
      {
        span_count: 4,
        error_count: 1,
        name: 'GET /weather',
        root_service: 'svc-a',
        services: ['svc-a', 'svc-b'],
        duration_ms: 1000,
        input_tokens: '15',
        output_tokens: '5',
        status: 'error',
      },
    ]);
    const whole = await app.get(`/api/v1/traces/${traceId}`, viewer.token);
    expect(whole.body.spans.map((s: { name: string }) => s.name)).toEqual(['GET /weather', 'child a', 'grandchild c', 'child b']);
    expect(whole.body.duration_ms).toBe(1000);
    const longest = await app.get(`/api/v1/traces?min_duration_ms=999&max_duration_ms=1001&sort=tokens&min_tokens=20`, viewer.token);
    expect(longest.body.items.map((i: { trace_id: string }) => i.trace_id)).toContain(traceId);
  });

  it('refuses malformed bodies with a message naming the problem and writes nothing; partial success stores the valid spans', async () => {
    const traceId = hexId(16);
    const good = jsonSpan({ traceId, spanId: hexId(8), name: 'ok', startMs: Date.now() - MINUTE, durationMs: 5 });
    // A protobuf request's error is a google.rpc.Status in protobuf (OTLP/HTTP), with the gRPC code.
    const garbage = await fetch(`${app.baseUrl}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${developer.token}`, 'content-type': 'application/x-protobuf' },
      body: 'not a protobuf at all',
    });
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('content-type')).toBe('application/x-protobuf');
    const status = decodeStatus(Buffer.from(await garbage.arrayBuffer()));
    expect(status).toMatchObject({ code: 3, retryDelaySeconds: null });
    expect(status.message).toMatch(/not an OTLP ExportTraceServiceRequest in protobuf/);
    const cases: Array<[string, () => Promise<{ status: number; body: { message?: string } }>, number, RegExp]> = [
      ['broken JSON', () => postJson('{"resourceSpans": ['), 400, /not valid JSON/],
      [
        'wrong JSON types',
        () => postJson({ resourceSpans: [{ scopeSpans: [{ spans: [{ ...good, name: 42 }] }] }] }),
        400,
        /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.name: must be a string/,
      ],
      ['resourceSpans not an array', () => postJson({ resourceSpans: { x: 1 } }), 400, /resourceSpans: must be an array/],
      [
        'trace id of the wrong length',
        () => postJson(jsonRequest('bad', [good, { ...good, traceId: 'abcd' }])),
        400,
        /spans\[1\]\.traceId: must be 32 hex characters/,
      ],
      ['base64 span id', () => postJson(jsonRequest('bad', [{ ...good, spanId: 'AAECAwQFBgc=' }])), 400, /spanId: must be hexadecimal/],
      [
        'unknown content type',
        () => app.request('POST', '/v1/traces', { token: developer.token, rawBody: 'x', headers: { 'content-type': 'text/plain' } }),
        415,
        /Content-Type must be/,
      ],
      [
        'unknown encoding',
        () => postJson(jsonRequest('bad', [good]), developer.token, { 'content-encoding': 'br' }),
        415,
        /Content-Encoding/,
      ],
    ];
    for (const [what, send, status, message] of cases) {
      const res = await send();
      expect(`${what}: ${res.status}`).toBe(`${what}: ${status}`);
      expect(res.body.message).toMatch(message);
    }
    const corrupt = await fetch(`${app.baseUrl}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${developer.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: Buffer.from('definitely not gzip'),
    });
    expect(corrupt.status).toBe(400);
    // A gzip bomb: 64 MB of zeros in ~64 KB; cut off once the inflated bytes pass HTTP_MAX_BODY_BYTES (4 MB).
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const started = Date.now();
    const bombed = await fetch(`${app.baseUrl}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${developer.token}`, 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      body: bomb,
    });
    expect(bombed.status).toBe(413);
    expect(decodeStatus(Buffer.from(await bombed.arrayBuffer())).message).toMatch(/inflated body is larger than 4194304 bytes/);
    // Inflating all 64 MB would be the bomb going off; a margin that holds on a loaded host.
    expect(Date.now() - started).toBeLessThan(10_000);
    await flushWriter(app);
    expect(await spanCount(traceId)).toBe(0);

    // Partial success: a well-formed request where one span cannot be stored.
    const badEnd = { ...jsonSpan({ traceId, spanId: hexId(8), name: 'backwards', startMs: Date.now() - MINUTE, durationMs: 5 }) };
    badEnd.endTimeUnixNano = '1000';
    const partial = await postJson(jsonRequest('partial', [good, badEnd, { ...good, spanId: '0000000000000000' }]));
    expect(partial.status).toBe(200);
    expect(partial.body.partialSuccess.rejectedSpans).toBe('2');
    expect(partial.body.partialSuccess.errorMessage).toMatch(/endTimeUnixNano is before startTimeUnixNano.*spanId is missing or all zeros/);
    await flushWriter(app);
    expect(await spanCount(traceId)).toBe(1);
    const gz = await fetch(`${app.baseUrl}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${developer.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(jsonRequest('gz', [{ ...good, spanId: hexId(8) }]))),
    });
    expect(gz.status).toBe(200);
    expect(await gz.json()).toEqual({});
    await flushWriter(app);
    expect(await spanCount(traceId)).toBe(2);
  });

  it('needs traces.write to send and traces.read to read', async () => {
    const body = jsonRequest('perm', []);
    expect((await postJson(body, viewer.token)).status).toBe(403);
    expect((await postJson(body, '')).status).toBe(401);
    expect((await postJson(body, developer.token)).status).toBe(200);
    // Refused from the headers by the receiver itself, in the request's encoding: a google.rpc.Status.
    for (const [token, code] of [['', 16], [viewer.token, 7]] as const) {
      const refused = await fetch(`${app.baseUrl}/v1/traces`, {
        method: 'POST',
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/x-protobuf' },
        body: Buffer.from('irrelevant'),
      });
      expect(refused.status).toBe(code === 16 ? 401 : 403);
      expect(refused.headers.get('content-type')).toBe('application/x-protobuf');
      expect(decodeStatus(Buffer.from(await refused.arrayBuffer())).code).toBe(code);
    }
    expect((await app.get('/api/v1/traces', viewer.token)).status).toBe(200);
    expect((await app.get('/api/v1/traces', null)).status).toBe(401);
    expect((await app.get(`/api/v1/traces/${hexId(16)}`, viewer.token)).status).toBe(404);
    expect((await app.get('/api/v1/traces/not-an-id', viewer.token)).status).toBe(400);
    const bad = await app.get('/api/v1/traces?min_duration_ms=fast&status=bad&colour=red', viewer.token);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'min_duration_ms', 'status']);
  });
});
