import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter } from './support/registry';

/**
 * Values that parse as something else than they say (`0x10`, `2026-02-30`) or that
 * PostgreSQL would refuse (a year JavaScript accepts and timestamptz does not, an integer
 * past int4): 400 naming the field, on every route, through one parser per kind.
 */
describe('dates and numbers in input', () => {
  let url: string;
  let app: TestApp;

  beforeAll(async () => {
    url = await createDatabase('values');
    app = await startApp({ DATABASE_URL: url, METRICS_MAX_RESPONSE_TIME_SECONDS: '600' });
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  const fieldOf = async (res: Promise<{ status: number; body: { errors?: Array<{ field: string }> } }>) => {
    const r = await res;
    return [r.status, [...new Set(r.body.errors?.map((e) => e.field))]];
  };

  it('dates out of PostgreSQL range or not on the calendar answer 400 naming the field', async () => {
    for (const date of ['-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z', '2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z']) {
      const q = encodeURIComponent(date);
      expect(await fieldOf(app.get(`/api/v1/audit-trails?since=${q}`))).toEqual([400, ['since']]);
      expect(await fieldOf(app.get(`/api/v1/security-events?until=${q}`))).toEqual([400, ['until']]);
      expect(await fieldOf(app.post('/api/v1/logs/search', { since: date }))).toEqual([400, ['since']]);
      expect(await fieldOf(app.get(`/api/v1/metrics/tools/t1/summary?from=${q}`))).toEqual([400, ['from']]);
      expect(await fieldOf(app.get(`/api/v1/metrics/top?entity_type=tool&to=${q}`))).toEqual([400, ['to']]);
    }
    expect(await fieldOf(app.post('/api/v1/logs/search', { since: 12345 }))).toEqual([400, ['since']]);
    expect((await app.get(`/api/v1/audit-trails?since=${encodeURIComponent('2024-02-29T00:00:00+01:00')}`)).status).toBe(200);
  });

  it('numbers are decimal digits within range: 0x10, 1e1 and 2^64 are not limits or versions', async () => {
    for (const n of ['0x10', '1e1', '', '18446744073709551616', '1.5']) {
      expect(await fieldOf(app.get(`/api/v1/tools?limit=${n}`))).toEqual([400, ['limit']]);
      expect(await fieldOf(app.get(`/api/v1/audit-trails?limit=${n}`))).toEqual([400, ['limit']]);
      expect(await fieldOf(app.get(`/api/v1/metrics/top?entity_type=tool&limit=${n}`))).toEqual([400, ['limit']]);
      expect(await fieldOf(app.request('DELETE', `/api/v1/tools/00000000-0000-4000-8000-000000000000?version=${n}`))).toEqual([
        400,
        ['version'],
      ]);
    }
    expect((await app.get('/api/v1/tools?limit=16')).status).toBe(200);
    const tool = await app.post('/api/v1/tools', { name: 'versioned' });
    const patch = await app.request('PATCH', `/api/v1/tools/${tool.body.id}`, { body: { description: 'x', version: 1e20 } });
    expect([patch.status, patch.body.errors.map((e: { field: string }) => e.field)]).toEqual([400, ['version']]);
  });

  it('ingest bounds timestamps (retention window, 5 minutes ahead) and response times (configured maximum)', async () => {
    await flushWriter(app);
    const rows = async () => (await query<{ n: number }>(url, 'SELECT count(*)::int n FROM tool_metrics'))[0].n;
    const before = await rows();
    const item = { entity_type: 'tool', entity_id: 't1', is_success: true, response_time: 1 };
    const res = await app.post('/api/v1/metrics/executions', [
      { ...item, timestamp: '0001-01-01T00:00:00Z' },
      { ...item, timestamp: new Date(Date.now() + 10 * 60_000).toISOString() },
      { ...item, timestamp: '2026-02-30T00:00:00Z' },
      { ...item, response_time: 1e308 },
      { ...item, response_time: 600.5 },
      item,
    ]);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { index: number; field: string }) => [e.index, e.field])).toEqual([
      [0, 'timestamp'],
      [1, 'timestamp'],
      [2, 'timestamp'],
      [3, 'response_time'],
      [4, 'response_time'],
    ]);
    expect(res.body.errors[4].reason).toBe('must be at most 600 seconds (METRICS_MAX_RESPONSE_TIME_SECONDS)');
    await flushWriter(app);
    expect(await rows()).toBe(before);
  });
});
