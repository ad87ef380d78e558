import { Client } from 'pg';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SPAN_TEXT_EXPR } from '../src/observability/query/trace-search';
import { startApp, TestApp } from './support/app';
import { hexId, jsonRequest, jsonSpan } from './support/otlp';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter } from './support/registry';

describe('trace search: free text, HTTP and user and tool filters, streamed export', () => {
  let url: string;
  let app: TestApp;
  const weather = hexId(16);
  const mail = hexId(16);
  const now = Date.now();

  beforeAll(async () => {
    url = await createDatabase('traces_search');
    app = await startApp({ DATABASE_URL: url, WRITER_FLUSH_MS: '20' });
    const trace = (traceId: string, root: Record<string, string | number>, tool: Record<string, string | number | boolean>, at: number) => {
      const rootId = hexId(8);
      return [
        jsonSpan({ traceId, spanId: rootId, name: 'POST /rpc', kind: 2, startMs: at, durationMs: 50, attributes: root }),
        jsonSpan({
          traceId,
          spanId: hexId(8),
          parentSpanId: rootId,
          name: 'tool.invoke',
          startMs: at + 1,
          durationMs: 40,
          attributes: tool,
        }),
      ];
    };
    const spans = [
      ...trace(
        weather,
        { 'http.request.method': 'POST', 'http.response.status_code': 500, 'user.email': 'alice@example.com' },
        { 'tool.id': 't-1', 'tool.name': 'get_weather', city: 'Reykjavik', success: false },
        now - 60_000,
      ),
      ...trace(
        mail,
        { 'http.request.method': 'GET', 'http.response.status_code': 200, 'enduser.id': 'bob' },
        { 'tool.id': 't-2', 'tool.name': 'send_mail', 'error.message': 'mailbox full', retries: 3 },
        now - 30_000,
      ),
    ];
    expect(
      (await app.request('POST', '/v1/traces', { token: app.adminToken, rawBody: JSON.stringify(jsonRequest('gw', spans)) })).status,
    ).toBe(200);
    await flushWriter(app);
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  const ids = async (params: string) => {
    const res = await app.get(`/api/v1/traces?lookback=1h&${params}`, app.adminToken);
    expect(res.status).toBe(200);
    return res.body.items.map((i: { trace_id: string }) => i.trace_id);
  };

  it('finds traces by a word of an attribute value or span name, a phrase, and a number', async () => {
    expect(await ids('q=reykjavik')).toEqual([weather]);
    expect(await ids(`q=${encodeURIComponent('"mailbox full"')}`)).toEqual([mail]);
    expect(await ids('q=mailbox%20-full')).toEqual([]);
    expect(await ids('q=tool.invoke')).toEqual([mail, weather]);
    expect(await ids('q=get_weather')).toEqual([weather]);
    expect(await ids('q=3')).toEqual([mail]);
    expect(await ids('q=nowhere')).toEqual([]);
  });

  it('the free-text search is served by the full text index', async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('SET enable_seqscan = off'); // a table this small would be read whole otherwise
      const { rows } = await client.query(
        `EXPLAIN SELECT 1 FROM observability_spans s
          WHERE ${SPAN_TEXT_EXPR} @@ websearch_to_tsquery('simple'::regconfig, 'reykjavik')`,
      );
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Bitmap Index Scan on observability_spans_\w+/);
    } finally {
      await client.end();
    }
  });

  it('filters on HTTP status and method, the user, and the tool called', async () => {
    expect(await ids('http_status=500')).toEqual([weather]);
    expect(await ids('http_method=get')).toEqual([mail]);
    expect(await ids('user=bob')).toEqual([mail]);
    expect(await ids('user=alice@example.com&http_status=500')).toEqual([weather]);
    expect(await ids('tool=send_mail')).toEqual([mail]);
    expect(await ids('tool=t-1')).toEqual([weather]);
    const bad = await app.get('/api/v1/traces?http_status=abc&http_method=P0ST', app.adminToken);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['http_method', 'http_status']);
  });

  it('exports a search as JSON, NDJSON or CSV', async () => {
    const get = (format: string) => app.get(`/api/v1/traces/export?lookback=1h&format=${format}&q=tool.invoke`, app.adminToken);
    const json = await get('json');
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/application\/json/);
    expect(JSON.parse(json.text).map((i: { trace_id: string }) => i.trace_id)).toEqual([mail, weather]);
    const nd = await get('ndjson');
    expect(
      nd.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).trace_id),
    ).toEqual([mail, weather]);
    const csv = await get('csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0].split(',')[0]).toBe('trace_id');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([mail, weather]);
    expect((await get('xml')).status).toBe(400);
  });

  it('streams an export of 40,000 traces with flat memory (one page at a time)', async () => {
    const n = 40_000;
    await query(
      url,
      `INSERT INTO observability_spans (trace_id, span_id, start_time, end_time, duration_ms, name, kind, status, service, attributes)
       SELECT lpad(to_hex(g), 32, '0'), lpad(to_hex(g), 16, '0'), now() - g * interval '10 ms', now() - g * interval '10 ms' + interval '5 ms',
              5, 'POST /bulk', 'server', 'ok', 'bulk', jsonb_build_object('n', g)
         FROM generate_series(1, ${n}) g`,
    );
    const res = await fetch(`${app.baseUrl}/api/v1/traces/export?lookback=1h&format=ndjson`, {
      headers: { authorization: `Bearer ${app.adminToken}` },
    });
    expect(res.status).toBe(200);
    // What the heap retains (after a full collection), not what it has yet to collect.
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    const retained = () => (gc(), process.memoryUsage().heapUsed);
    const start = retained();
    let peak = start;
    let lines = 0;
    let bytes = 0;
    let chunks = 0;
    let sampledAt = 0;
    let samples = 0;
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      bytes += value.length;
      if (bytes - sampledAt >= 1_000_000) {
        sampledAt = bytes;
        peak = Math.max(peak, retained());
        samples++;
      }
      for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
    }
    expect(lines).toBe(n + 2);
    expect(chunks).toBeGreaterThan(50); // streamed, not one body
    // The whole export held at once would be its size twice over (JS strings) and its rows besides; a page is ~0.3 MB.
    expect(bytes).toBeGreaterThan(10_000_000);
    expect(samples).toBeGreaterThan(10);
    expect(peak - start).toBeLessThan(bytes / 4);
  }, 120_000);
});
