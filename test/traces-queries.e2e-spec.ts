import { startApp, TestApp } from './support/app';
import { hexId, jsonRequest, jsonSpan } from './support/otlp';
import { createDatabase, dropDatabase } from './support/postgres';
import { flushWriter, member, Member } from './support/registry';

const MINUTE = 60_000;

describe('traces: pickers, statistics and saved queries', () => {
  let app: TestApp;
  let url: string;
  let developer: Member;
  let viewer: Member;

  beforeAll(async () => {
    url = await createDatabase('trqueries');
    app = await startApp({ DATABASE_URL: url, WRITER_FLUSH_MS: '20' });
    developer = await member(app, 'dev@traces.test', 'developer');
    viewer = await member(app, 'viewer@traces.test', 'viewer');
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase(url);
  });

  const postJson = (body: unknown) => app.request('POST', '/v1/traces', { token: developer.token, body });

  it('lists services and root operations in the window and gives per-operation statistics', async () => {
    const start = Date.now() - 2 * MINUTE;
    const spans = Array.from({ length: 10 }, (_, i) => {
      const traceId = hexId(16);
      return jsonSpan({
        traceId,
        spanId: hexId(8),
        name: i < 5 ? 'GET /stats-a' : 'GET /stats-b',
        startMs: start + i,
        durationMs: (i + 1) * 10,
        status: i === 9 ? 2 : 1,
      });
    });
    expect((await postJson(jsonRequest('svc-stats', spans))).status).toBe(200);
    await flushWriter(app);
    expect((await app.get('/api/v1/traces/services?lookback=15m', viewer.token)).body.services).toContain('svc-stats');
    const ops = await app.get('/api/v1/traces/operations?service=svc-stats', viewer.token);
    expect(ops.body.operations).toEqual([
      { service: 'svc-stats', name: 'GET /stats-a', traces: 5 },
      { service: 'svc-stats', name: 'GET /stats-b', traces: 5 },
    ]);
    const stats = await app.get('/api/v1/traces/stats?service=svc-stats', viewer.token);
    expect(stats.status).toBe(200);
    expect(stats.body.items).toEqual([
      expect.objectContaining({ service: 'svc-stats', operation: 'GET /stats-a', count: 5, error_rate: 0, p50_ms: 30 }),
      expect.objectContaining({ service: 'svc-stats', operation: 'GET /stats-b', count: 5, error_rate: 0.2, p50_ms: 80 }),
    ]);
    const perMinute = await app.get('/api/v1/traces/stats?service=svc-stats&bucket=minute&lookback=1h', viewer.token);
    expect(perMinute.body.items.every((i: { bucket_start: string }) => /:00\.000000Z$/.test(i.bucket_start))).toBe(true);
    expect((await app.get('/api/v1/traces/stats?bucket=week', viewer.token)).status).toBe(400);
  });

  it('keeps saved queries private to their owner unless shared; shared ones are listed and runnable by others, changed only by the owner', async () => {
    const traceId = hexId(16);
    const spans = [jsonSpan({ traceId, spanId: hexId(8), name: 'saved root', startMs: Date.now() - 5 * MINUTE, durationMs: 700 })];
    expect((await postJson(jsonRequest('svc-saved', spans))).status).toBe(200);
    await flushWriter(app);
    const create = (token: string, body: unknown) => app.request('POST', '/api/v1/traces/saved-queries', { token, body });
    const mine = await create(developer.token, {
      name: 'slow saved',
      filter_config: { service: 'svc-saved', min_duration_ms: 500, lookback: '1h' },
    });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ user_email: developer.email, is_shared: false, use_count: 0 });
    const shared = await create(developer.token, { name: 'shared saved', filter_config: { service: 'svc-saved' }, is_shared: true });
    expect(shared.status).toBe(201);
    const bad = await create(developer.token, { name: 'bad', filter_config: { min_duration_ms: 'slow', drop: 'table' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['drop', 'min_duration_ms']);
    expect((await create(developer.token, { name: 'x', filter_config: 'service=a' })).status).toBe(400);

    const viewerList = await app.get('/api/v1/traces/saved-queries', viewer.token);
    expect(viewerList.body.items.map((q: { name: string }) => q.name)).toEqual(['shared saved']);
    const ownerList = await app.get('/api/v1/traces/saved-queries', developer.token);
    expect(ownerList.body.items.map((q: { name: string }) => q.name)).toEqual(['shared saved', 'slow saved']);
    expect((await app.get(`/api/v1/traces/saved-queries/${mine.body.id}`, viewer.token)).status).toBe(404);
    expect((await app.request('POST', `/api/v1/traces/saved-queries/${mine.body.id}/run`, { token: viewer.token })).status).toBe(404);
    expect(
      (await app.request('PATCH', `/api/v1/traces/saved-queries/${shared.body.id}`, { token: viewer.token, body: { name: 'mine now' } }))
        .status,
    ).toBe(403);
    expect((await app.request('DELETE', `/api/v1/traces/saved-queries/${shared.body.id}`, { token: viewer.token })).status).toBe(403);

    const run = await app.request('POST', `/api/v1/traces/saved-queries/${shared.body.id}/run`, { token: viewer.token });
    expect(run.status).toBe(200);
    expect(run.body.items.map((i: { trace_id: string }) => i.trace_id)).toEqual([traceId]);
    const ran = await app.request('POST', `/api/v1/traces/saved-queries/${mine.body.id}/run`, {
      token: developer.token,
      body: { limit: 5 },
    });
    expect(ran.body.items).toEqual([expect.objectContaining({ trace_id: traceId, root_name: 'saved root' })]);
    const after = await app.get(`/api/v1/traces/saved-queries/${shared.body.id}`, developer.token);
    expect(after.body).toMatchObject({ use_count: 1, last_used_at: expect.any(String) });

    const renamed = await app.request('PATCH', `/api/v1/traces/saved-queries/${mine.body.id}`, {
      token: developer.token,
      body: { is_shared: true, filter_config: { service: 'nothing-here' } },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'slow saved', is_shared: true, filter_config: { service: 'nothing-here' } });
    expect((await app.get('/api/v1/traces/saved-queries', viewer.token)).body.items).toHaveLength(2);
    expect((await app.request('DELETE', `/api/v1/traces/saved-queries/${mine.body.id}`, { token: developer.token })).status).toBe(204);
    expect((await app.get(`/api/v1/traces/saved-queries/${mine.body.id}`, developer.token)).status).toBe(404);
  });
});
