import { decodeSignalResponse, encodeSignalRequest } from '../src/observability/otlp/otlp-proto';
import { startApp, TestApp } from './support/app';
import { exportSignalWithOfficialSdk, hexId, jsonRequest, jsonSpan, nanos } from './support/otlp';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, member, Member } from './support/registry';

/** An OTLP/JSON ExportLogsServiceRequest of one resource and scope. */
const logsRequest = (service: string, logRecords: Array<Record<string, unknown>>) => ({
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeLogs: [{ scope: { name: 'e2e.logger', version: '0.1' }, logRecords }],
    },
  ],
});

describe('OTLP logs: /v1/logs into structured_log_entries, searched and joined to traces in the service', () => {
  let app: TestApp;
  let url: string;
  let developer: Member;
  let viewer: Member;

  beforeAll(async () => {
    url = await createDatabase('otlplogs');
    app = await startApp({ DATABASE_URL: url, WRITER_FLUSH_MS: '20' });
    developer = await member(app, 'dev@logs.test', 'developer');
    viewer = await member(app, 'viewer@logs.test', 'viewer');
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase(url);
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app.request('POST', '/v1/logs', {
      token: developer.token,
      rawBody: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  const search = async (filter: Record<string, unknown>) => {
    const res = await app.request('POST', '/api/v1/logs/search', { token: app.adminToken, body: filter });
    expect(res.status).toBe(200);
    return res.body.items as Array<Record<string, unknown>>;
  };

  it.each(['protobuf', 'json'] as const)('stores what the official %s log exporter sends, searchable by trace id', async (format) => {
    const traceId = hexId(16);
    const spanId = hexId(8);
    const service = `gw-logs-${format}`;
    const exported = await exportSignalWithOfficialSdk({
      url: app.baseUrl,
      token: developer.token,
      format,
      signal: 'logs',
      service,
      traceId,
      spanId,
    });
    expect(exported.failures).toEqual([]);
    expect(exported.exports).toBeGreaterThan(0);
    await flushWriter(app);

    const items = await search({ trace_id: traceId.toUpperCase() });
    expect(items).toHaveLength(3);
    const byMessage = Object.fromEntries(items.map((i) => [i.message, i]));
    expect(byMessage['tool weather called']).toMatchObject({
      level: 'info',
      severity_number: 9,
      severity_text: 'INFO',
      body: 'tool weather called',
      component: service,
      logger: 'gateway.tools',
      scope_version: '2.0.0',
      hostname: 'gw-1',
      version: '1.2.3',
      request_method: 'POST',
      trace_id: traceId,
      span_id: spanId,
      trace_flags: 1,
      attributes: { 'tool.name': 'weather', 'http.request.method': 'POST', retries: 2 },
    });
    expect(byMessage['tool weather called'].resource_attributes).toMatchObject({ 'service.name': service });
    expect(byMessage['tool weather called'].observed_timestamp).toEqual(expect.any(String));
    const map = items.find((i) => i.level === 'warning')!;
    expect(map).toMatchObject({ severity_number: 14, body: { quota: 'tokens', used: 95, limits: [100, 200] } });
    expect(JSON.parse(map.message as string)).toEqual({ quota: 'tokens', used: 95, limits: [100, 200] });
    expect(byMessage['upstream refused']).toMatchObject({ level: 'error', error_details: { type: 'TypeError', message: 'refused' } });

    // The record without a span context: its severity from the text alone, its body a number.
    const [fatal] = await search({ component: service, level: 'critical' });
    expect(fatal).toMatchObject({ severity_number: 0, severity_text: 'fatal', body: 42, message: '42', trace_id: null });
    expect(await search({ trace_id: traceId, level: 'error' })).toHaveLength(1);
  });

  it('returns a trace with its log records (two roles, combined in the service)', async () => {
    const traceId = hexId(16);
    const spanId = hexId(8);
    const start = Date.now() - 5000;
    const span = jsonSpan({ traceId, spanId, name: 'tools/call', startMs: start, durationMs: 200 });
    expect((await app.request('POST', '/v1/traces', { token: developer.token, body: jsonRequest('gw', [span]) })).status).toBe(200);
    const records = [0, 1].map((i) => ({
      timeUnixNano: nanos(start + 50 + i),
      severityNumber: 9,
      body: { stringValue: `step ${i}` },
      traceId,
      spanId,
    }));
    expect((await post(logsRequest('gw', records))).status).toBe(200);
    await flushWriter(app);

    const res = await app.get(`/api/v1/traces/${traceId}?include=logs`, viewer.token);
    expect(res.status).toBe(200);
    expect(res.body.span_count).toBe(1);
    expect(res.body.logs.map((l: { message: string }) => l.message)).toEqual(['step 0', 'step 1']);
    expect(res.body.logs[0]).toMatchObject({ trace_id: traceId, span_id: spanId, level: 'info' });
    expect((await app.get(`/api/v1/traces/${traceId}`, viewer.token)).body.logs).toBeUndefined();
    const bad = await app.get(`/api/v1/traces/${traceId}?include=events`, viewer.token);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'include', reason: 'include must be logs' }]);
  });

  it('stores a resent batch once, rejects records it cannot keep through partial success, refuses malformed ones whole', async () => {
    const traceId = hexId(16);
    const now = Date.now();
    const records = [
      {
        timeUnixNano: nanos(now - 100),
        severityText: 'WARN',
        body: { kvlistValue: { values: [{ key: 'a', value: { arrayValue: { values: [{ intValue: '1' }, { boolValue: true }] } } }] } },
        traceId,
      },
      { observedTimeUnixNano: nanos(now - 50), severityNumber: 17, body: { stringValue: 'observed only' }, traceId },
      { severityNumber: 9, body: { stringValue: 'no time at all' }, traceId },
    ];
    for (let i = 0; i < 2; i++) {
      const res = await post(logsRequest('resend', records));
      expect(res.status).toBe(200);
      expect(res.body.partialSuccess.rejectedLogRecords).toBe('1');
      expect(res.body.partialSuccess.errorMessage).toContain('logRecords[2]: timeUnixNano and observedTimeUnixNano are both missing');
    }
    await flushWriter(app);
    const rows = await query<{ level: string; body: unknown; timestamp: Date; observed_timestamp: Date | null }>(
      url,
      'SELECT level, body, timestamp, observed_timestamp FROM structured_log_entries WHERE trace_id = $1 ORDER BY timestamp',
      [traceId],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ level: 'warning', body: { a: [1, true] }, observed_timestamp: null });
    expect(rows[1]).toMatchObject({ level: 'error', body: 'observed only' });
    expect(rows[1].timestamp).toEqual(rows[1].observed_timestamp);

    const malformed = await post(logsRequest('bad', [{ timeUnixNano: nanos(now), traceId: 'abc' }]));
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('resourceLogs[0].scopeLogs[0].logRecords[0].traceId');
    const wrongType = await app.request('POST', '/v1/logs', {
      token: developer.token,
      rawBody: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(wrongType.status).toBe(415);
    expect((await app.request('POST', '/v1/logs', { token: viewer.token, body: logsRequest('x', []) })).status).toBe(403);
  });

  it('answers protobuf with an ExportLogsServiceResponse naming the rejected records', async () => {
    const body = encodeSignalRequest('logs', {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { severityNumber: 5, body: { stringValue: 'x' } },
                { timeUnixNano: Date.now() * 1e6, body: { stringValue: 'kept' } },
              ],
            },
          ],
        },
      ],
    });
    const res = await fetch(`${app.baseUrl}/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${developer.token}`, 'content-type': 'application/x-protobuf' },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const decoded = decodeSignalResponse('logs', new Uint8Array(await res.arrayBuffer()));
    expect(Number(decoded.partialSuccess?.rejectedLogRecords)).toBe(1);
  });
});
