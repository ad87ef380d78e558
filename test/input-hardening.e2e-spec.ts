import { connect } from 'node:net';
import { startApp, TestApp } from './support/app';
import { jsonRequest, jsonSpan, hexId } from './support/otlp';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, member, Member } from './support/registry';

/** Sends raw bytes on a fresh connection; resolves with what came back once the server closes it (or after `waitMs`). */
function rawRequest(port: number, head: string, waitMs = 10_000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, waitMs);
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    socket.write(head);
  });
}

/**
 * The second hardening pass (issue 21): charsets, letter case and trailing slashes, time
 * values and cursors from outside, inherited names, authentication before the body, one rule
 * for unknown fields and parameters. Each answer is a 4xx naming what is wrong, within seconds.
 */
describe('input hardening, second pass', () => {
  let url: string;
  let app: TestApp;
  let developer: Member;
  let viewer: Member;

  beforeAll(async () => {
    url = await createDatabase('hardening');
    app = await startApp({ DATABASE_URL: url, AUTH_FAILURE_THRESHOLD: '100000' });
    developer = await member(app, 'dev@hardening.test', 'developer');
    viewer = await member(app, 'viewer@hardening.test', 'viewer');
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  const port = () => Number(new URL(app.baseUrl).port);

  it('JSON bodies are UTF-8: another declared charset answers 415 naming it, on every route, before the body is read', async () => {
    const deep = `{"name":"x","input_schema":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const utf16 = Buffer.from(`{"name":"\u2200","input_schema":{}}`, 'utf16le');
    for (const [path, charset] of [
      ['/api/v1/tools', 'utf-16le'],
      ['/api/v1/tools', '"UTF-16"'],
      ['/api/v1/traces/saved-queries', 'iso-8859-1'],
      ['/v1/traces', 'utf-16le'],
    ]) {
      const res = await app.request('POST', path, {
        rawBody: utf16.toString('latin1'),
        headers: { 'content-type': `application/json; charset=${charset}` },
      });
      expect(res.status).toBe(415);
      expect(res.body.message).toContain(charset.replace(/"/g, '').toLowerCase());
    }
    const doubled = await app.request('POST', '/api/v1/tools', {
      rawBody: deep,
      headers: { 'content-type': 'application/json; charset=utf-8; charset=utf-16le' },
    });
    expect(doubled.status).toBe(415);
    // UTF-8, declared or not, reaches the bounds.
    for (const type of ['application/json; charset=utf-8', 'application/json; charset="UTF-8"', 'application/json']) {
      const res = await app.request('POST', '/api/v1/tools', { rawBody: deep, headers: { 'content-type': type } });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].reason).toMatch(/HTTP_JSON_MAX_DEPTH/);
    }
  });

  it('special-cased paths match as the router does: POST /V1/traces/ with JSON is answered by the receiver', async () => {
    const body = JSON.stringify(
      jsonRequest('case', [jsonSpan({ traceId: hexId(16), spanId: hexId(8), name: 'case', startMs: Date.now() - 60_000, durationMs: 5 })]),
    );
    for (const path of ['/V1/traces', '/v1/TRACES/', '/V1/Traces']) {
      const res = await fetch(app.baseUrl + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${developer.token}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      expect(res.status).toBe(200);
      await res.text();
    }
    // And the API's public paths are public in any letter case, as the router serves them.
    expect((await app.get('/HEALTH/live', null)).status).toBe(200);
  });

  it('without a valid token: 401 from the headers, before any body is read, whatever is declared; the connection is closed', async () => {
    for (const auth of ['', 'Authorization: Bearer nope\r\n']) {
      const started = performance.now();
      const { text, closed } = await rawRequest(
        port(),
        `POST /api/v1/tools HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 4194304\r\n\r\n`,
      );
      expect(text).toMatch(/^HTTP\/1\.1 401 /);
      expect(text).toMatch(/connection: close/i);
      expect(text).toMatch(/x-request-id: /i);
      expect(closed).toBe(true);
      expect(performance.now() - started).toBeLessThan(5000);
    }
    // A token that holds none of the permissions the route may need: 403, before the body too.
    const denied = await rawRequest(
      port(),
      `POST /API/v1/tools/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${viewer.token}\r\nContent-Type: application/json\r\nContent-Length: 4194304\r\n\r\n`,
    );
    expect(denied.text).toMatch(/^HTTP\/1\.1 403 /);
    expect(denied.text).toMatch(/registry\.write/);
    expect(denied.closed).toBe(true);
    // An unknown route stays a 404 for a token that may not write, and the route a viewer may use answers.
    expect((await app.request('POST', '/api/v1/no-such-route', { token: viewer.token, body: { a: 1 } })).status).toBe(404);
    expect((await app.request('POST', '/api/v1/traces/saved-queries', { token: viewer.token, body: {} })).status).toBe(400);
    // Chunked, never finished; and a viewer writing is refused as soon as the route is known.
    const chunked = await rawRequest(
      port(),
      `PUT /api/v1/tools/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n5\r\n{"a":`,
    );
    expect(chunked.text).toMatch(/^HTTP\/1\.1 401 /);
    expect(chunked.closed).toBe(true);
    const viewerWrite = await app.request('POST', '/api/v1/tools', { token: viewer.token, body: { name: 'v' } });
    expect(viewerWrite.status).toBe(403);
    await flushWriter(app);
    expect(await query(url, `SELECT count(*)::int AS n FROM tools`)).toEqual([{ n: 0 }]);
  });

  const named = (res: { status: number; text: string; body: { errors?: Array<{ field: string }> } }, field: string) => {
    expect({ status: res.status, text: res.text }).toEqual({ status: 400, text: expect.any(String) });
    expect(res.body.errors?.map((e) => e.field)).toContain(field);
  };
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

  it('tampered cursors answer 400 naming cursor, for a viewer too', async () => {
    const trace = 'a'.repeat(32);
    const tampered = [
      b64(['start', '1', trace]),
      b64(['start', '2026-02-30T00:00:00.000000Z', trace]),
      b64(['duration', '1e999', trace]),
      b64(['tokens', '1.5', trace]),
      `${b64(['start', '2026-03-01T00:00:00.000000Z', trace])}=`,
      'not!base64',
    ];
    for (const cursor of tampered) {
      const sort = cursor.length > 20 ? JSON.parse(Buffer.from(cursor.replace(/=$/, ''), 'base64url').toString())[0] : 'start';
      named(await app.get(`/api/v1/traces?sort=${sort}&cursor=${encodeURIComponent(cursor)}`, viewer.token), 'cursor');
    }
    named(await app.get(`/api/v1/tools?cursor=${b64(['not-an-id'])}`, viewer.token), 'cursor');
    named(
      await app.get(
        `/api/v1/tools?cursor=${encodeURIComponent(Buffer.from('0190f0c4-1234-7abc-8def-0123456789ab').toString('base64url'))}`,
        viewer.token,
      ),
      'cursor',
    );
  });

  it('windows: every end within years 0001-9999, and work bounded by what is stored, not the width', async () => {
    for (const q of ['to=0001-01-01T00:00:00Z', 'from=0000-12-31T00:00:00Z', 'to=10000-01-01T00:00:00Z', 'to=0001-01-01T00:30:00%2B01:00'])
      expect((await app.get(`/api/v1/traces?${q}`, viewer.token)).status).toBe(400);
    named(await app.get('/api/v1/metrics/top?entity_type=tool&to=0001-01-01T00:00:00Z', viewer.token), 'from');
    const tool = (await app.post('/api/v1/tools', { name: 'windowed' })).body.id;
    const ingested = await app.post('/api/v1/metrics/executions', [
      { entity_type: 'tool', entity_id: tool, response_time: 0.2, is_success: true },
    ]);
    expect(ingested.status).toBe(202);
    const started = performance.now();
    for (const path of [
      `/api/v1/metrics/tools/${tool}/timeseries?from=0001-01-01T00:00:00Z`,
      `/api/v1/metrics/tools/${tool}/timeseries?from=0001-01-01T00:00:00Z&bucket=day`,
      `/api/v1/metrics/tools/${tool}/summary?from=0001-01-01T00:00:00Z`,
      '/api/v1/metrics/top?entity_type=tool&from=0001-01-01T00:00:00Z&to=9999-12-31T00:00:00Z',
    ]) {
      const res = await app.get(path, app.adminToken);
      expect(res.status).toBe(200);
    }
    // Before: 32-39 s for the first one alone (a Date per hour of the window). A margin for a loaded host.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('inherited names are not table keys: constructor, __proto__, toString, hasOwnProperty as path segments', async () => {
    const server = await app.post('/api/v1/servers', { name: 'inherited' });
    expect(server.status).toBe(201);
    for (const kind of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      for (const method of ['PUT', 'DELETE']) {
        const res = await app.request(method, `/api/v1/servers/${server.body.id}/${kind}/${kind}`, {
          body: method === 'PUT' ? {} : undefined,
        });
        expect([400, 404]).toContain(res.status);
      }
    }
    const otlp = await fetch(`${app.baseUrl}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${developer.token}`, 'content-type': 'constructor' },
      body: '{}',
    });
    expect(otlp.status).toBe(415);
  });

  it('OTLP numbers are bounded as PostgreSQL stores them, in both encodings; attribute keys are never empty', async () => {
    const span = (over: Record<string, unknown>) => ({
      ...jsonSpan({ traceId: hexId(16), spanId: hexId(8), name: 'n', startMs: Date.now() - 60_000, durationMs: 5 }),
      ...over,
    });
    for (const over of [
      { endTimeUnixNano: 1e300 },
      { startTimeUnixNano: 1e300 },
      { attributes: [{ key: '', value: { stringValue: 'x' } }] },
    ]) {
      const res = await fetch(`${app.baseUrl}/v1/traces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${developer.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(jsonRequest('bounds', [span(over)])),
      });
      expect(res.status).toBe(400);
    }
  });

  it('one rule for unknown fields and parameters: refused, naming them', async () => {
    const item = { entity_type: 'tool', entity_id: 't1', response_time: 0.1, is_success: true };
    const ingest = await app.post('/api/v1/metrics/executions', [{ ...item, bogus: 1 }]);
    expect(ingest.status).toBe(400);
    expect(JSON.stringify(ingest.body.errors)).toContain('bogus');
    named(await app.post('/api/v1/metrics/rollup', { hours_back: 1, bogus: 1 }), 'bogus');
    named(await app.get('/api/v1/metrics/top?entity_type=tool&bogus=1', viewer.token), 'bogus');
    named(await app.get('/api/v1/metrics/tools/t1/summary?bogus=1', viewer.token), 'bogus');
    named(await app.get('/api/v1/tools?bogus=1', viewer.token), 'bogus');
    named(await app.get('/api/v1/traces?bogus=1', viewer.token), 'bogus');
    // Routes that read named parameters or none: the same rule (src/http/known-query.ts).
    named(await app.get(`/api/v1/traces/${'a'.repeat(32)}?bogus=1`, viewer.token), 'bogus');
    named(await app.get(`/status/database?bogus=1`), 'bogus');
  });

  it('team_id names a team that exists, for an admin too', async () => {
    named(
      await app.post('/api/v1/tools', { name: 'teamless', team_id: '0190f0c4-1234-7abc-8def-0123456789ab', visibility: 'team' }),
      'team_id',
    );
  });

  it('a delete that loses the race answers 404, as the entity is gone', async () => {
    const tool = await app.post('/api/v1/tools', { name: 'raced' });
    expect(tool.status).toBe(201);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => app.request('DELETE', `/api/v1/tools/${tool.body.id}`)));
    const codes = statuses.map((r) => r.status).sort();
    expect(codes.filter((c) => c < 300)).toHaveLength(1);
    expect(codes.filter((c) => c >= 300)).toEqual(Array(19).fill(404));
  });
});
