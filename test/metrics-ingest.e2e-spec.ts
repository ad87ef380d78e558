import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityNameCache } from '../src/metrics/ingest/entity-name.cache';
import { RowWriter } from '../src/writer/row-writer';
import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';

const HOUR = 3_600_000;
const hourStart = (offsetHours: number) => new Date(Math.floor(Date.now() / HOUR) * HOUR + offsetHours * HOUR);
const at = (offsetHours: number, minute: number) => new Date(hourStart(offsetHours).getTime() + minute * 60_000).toISOString();

describe('execution metrics: ingest, names, rollups, queries', () => {
  let app: TestApp;
  let core: string;
  let metrics: string;
  let spoolDir: string;
  let writer: RowWriter;

  const ingest = async (items: unknown[]) => {
    const res = await app.post('/api/v1/metrics/executions', items);
    expect(res.body).toEqual({ accepted: items.length });
    expect(res.status).toBe(202);
  };
  const count = async (sql: string, params: unknown[] = []) => Number((await query<{ n: string }>(metrics, sql, params))[0].n);

  beforeAll(async () => {
    core = await createDatabase('mcore');
    metrics = await createDatabase('mmetrics');
    spoolDir = mkdtempSync(join(tmpdir(), 'ff-metrics-spool-'));
    app = await startApp({
      DATABASE_URL: core,
      METRICS_DATABASE_URL: metrics,
      SPOOL_DIR: spoolDir,
      WRITER_FLUSH_MS: '20',
      METRICS_NAME_CACHE_TTL_MS: '300',
      METRICS_INGEST_MAX_BATCH: '100',
      HTTP_MAX_BODY_BYTES: '65536',
    });
    writer = app.app.get(RowWriter);
    await query(
      core,
      `INSERT INTO tools (id, name, original_name, version) VALUES ('t-alpha', 'alpha', 'alpha', 1), ('t-busy', 'busy', 'busy', 1), ('t-old', 'old', 'old', 1)`,
    );
    await query(core, `INSERT INTO servers (id, name, version) VALUES ('s-1', 'server one', 1)`);
    await query(
      core,
      `INSERT INTO a2a_agents (id, name, slug, endpoint_url, version) VALUES ('a-1', 'agent one', 'agent-one', 'http://a', 1)`,
    );
  });

  afterAll(async () => {
    await app?.close();
    rmSync(spoolDir, { recursive: true, force: true });
    await Promise.all([dropDatabase(core), dropDatabase(metrics)]);
  });

  it('ingests and reads back: counts, names and percentiles match a direct SQL computation', async () => {
    const cache = app.app.get(EntityNameCache);
    const lookups = cache.lookups;
    const items = Array.from({ length: 300 }, (_, i) => ({
      entity_type: 'tool',
      entity_id: 't-alpha',
      timestamp: at(-1, (i * 7) % 60),
      response_time: ((i * 37) % 101) / 100,
      is_success: i % 7 !== 0,
      error_message: i % 7 === 0 ? 'timeout' : undefined,
    }));
    for (let i = 0; i < items.length; i += 100) await ingest(items.slice(i, i + 100));
    await ingest([
      { entity_type: 'server', entity_id: 's-1', response_time: 0.5, is_success: true },
      { entity_type: 'tool', entity_id: 'no-such-tool', response_time: 0.1, is_success: true },
      {
        entity_type: 'a2a_agent',
        entity_id: 'a-1',
        response_time: 2,
        is_success: false,
        error_message: 'refused',
        interaction_type: 'stream',
      },
    ]);
    await writer.flush();
    // One core lookup per entity type per batch, not per row; the later batches hit the cache.
    expect(cache.lookups - lookups).toBeLessThanOrEqual(4);

    expect(await query(metrics, `SELECT DISTINCT tool_id, tool_name FROM tool_metrics ORDER BY 1`)).toEqual([
      { tool_id: 'no-such-tool', tool_name: 'unknown' },
      { tool_id: 't-alpha', tool_name: 'alpha' },
    ]);
    expect(await query(metrics, `SELECT server_name FROM server_metrics`)).toEqual([{ server_name: 'server one' }]);
    expect(await query(metrics, `SELECT agent_name, interaction_type, is_success, error_message FROM a2a_agent_metrics`)).toEqual([
      { agent_name: 'agent one', interaction_type: 'stream', is_success: false, error_message: 'refused' },
    ]);

    const from = hourStart(-1).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const summary = (await app.get(`/api/v1/metrics/tools/t-alpha/summary?from=${from}&to=${to}`)).body;
    const [direct] = await query<Record<string, string | number>>(
      metrics,
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE NOT is_success)::int AS failed, min(response_time) AS min,
              max(response_time) AS max, avg(response_time) AS avg, max("timestamp") AS last
         FROM tool_metrics WHERE tool_id = 't-alpha'`,
    );
    expect(summary).toMatchObject({
      name: 'alpha',
      total_executions: 300,
      failed_executions: direct.failed,
      successful_executions: 300 - Number(direct.failed),
      min_response_time: direct.min,
      max_response_time: direct.max,
      last_execution: new Date(direct.last).toISOString(),
    });
    expect(summary.avg_response_time).toBeCloseTo(Number(direct.avg), 10);
    expect(summary.failure_rate).toBeCloseTo(Number(direct.failed) / 300, 10);

    const series = (await app.get(`/api/v1/metrics/tools/t-alpha/timeseries?from=${from}&to=${to}&bucket=hour`)).body;
    const [p] = await query<{ p: number[] }>(
      metrics,
      `SELECT percentile_cont(ARRAY[0.5, 0.9, 0.95, 0.99]::float8[]) WITHIN GROUP (ORDER BY response_time) AS p FROM tool_metrics WHERE tool_id = 't-alpha'`,
    );
    expect(series).toMatchObject({ source: 'raw', exact: true, bucket: 'hour' });
    expect(series.points).toHaveLength(1);
    expect(series.points[0]).toMatchObject({ bucket_start: from, source: 'raw', count: 300 });
    expect([series.points[0].p50, series.points[0].p90, series.points[0].p95, series.points[0].p99]).toEqual(p.p);
    expect(series.points[0].failure_rate).toBeCloseTo(Number(direct.failed) / 300, 10);
  });

  it('a backfill gets its partitions before its rows land: nothing reaches the DEFAULT partition', async () => {
    const old = Array.from({ length: 20 }, (_, i) => ({
      entity_type: 'tool',
      entity_id: 't-alpha',
      timestamp: new Date(Date.now() - (10 + i) * 86_400_000).toISOString(),
      response_time: 0.2,
      is_success: true,
    }));
    await ingest(old);
    await writer.flush();
    const homes = await query<{ partition: string }>(
      metrics,
      `SELECT DISTINCT tableoid::regclass::text AS partition FROM tool_metrics WHERE "timestamp" < now() - interval '9 days'`,
    );
    expect(homes).toHaveLength(20);
    expect(homes.every((h) => /^tool_metrics_p\d{8}$/.test(h.partition))).toBe(true);
    await query(metrics, `DELETE FROM tool_metrics WHERE "timestamp" < now() - interval '9 days'`);
    await query(metrics, `DELETE FROM tool_metrics_hourly WHERE hour_start < now() - interval '9 days'`);
  });

  it('a rename between two batches: history keeps both names', async () => {
    const batch = (n: number) =>
      Array.from({ length: n }, () => ({ entity_type: 'server', entity_id: 's-1', response_time: 0.2, is_success: true }));
    await ingest(batch(3));
    await query(core, `UPDATE servers SET name = 'server renamed' WHERE id = 's-1'`);
    await new Promise((r) => setTimeout(r, 400)); // past METRICS_NAME_CACHE_TTL_MS
    await ingest(batch(2));
    await writer.flush();
    expect(await query(metrics, `SELECT server_name, count(*)::int AS n FROM server_metrics GROUP BY 1 ORDER BY 1`)).toEqual([
      { server_name: 'server one', n: 4 },
      { server_name: 'server renamed', n: 2 },
    ]);
  });

  it('rollups: computed in SQL, idempotent, and late rows are counted on the next run', async () => {
    const rows = (n: number, minute: number) =>
      Array.from({ length: n }, (_, i) => ({
        entity_type: 'tool',
        entity_id: 't-busy',
        timestamp: at(-2, minute),
        response_time: (i + 1) / 10,
        is_success: i !== 0,
      }));
    await ingest(rows(20, 10));
    await writer.flush();
    const first = await app.post('/api/v1/metrics/rollup', { hours_back: 3 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ran: true });
    expect(first.body.tables.tool_metrics_hourly.written).toBeGreaterThanOrEqual(2);

    const hourly = () =>
      query<Record<string, unknown>>(metrics, `SELECT * FROM tool_metrics_hourly WHERE tool_id = 't-busy' AND period = 'hour'`);
    const [once] = await hourly();
    const [direct] = await query<Record<string, unknown>>(
      metrics,
      `SELECT count(*)::int AS total, min(response_time) AS min, max(response_time) AS max, avg(response_time) AS avg,
              percentile_cont(ARRAY[0.5, 0.9, 0.95, 0.99]::float8[]) WITHIN GROUP (ORDER BY response_time) AS p
         FROM tool_metrics WHERE tool_id = 't-busy'`,
    );
    expect(once).toMatchObject({
      tool_name: 'busy',
      hour_start: hourStart(-2),
      total_count: 20,
      success_count: 19,
      failure_count: 1,
      min_response_time: direct.min,
      max_response_time: direct.max,
      p50_response_time: (direct.p as number[])[0],
      p90_response_time: (direct.p as number[])[1],
      p95_response_time: (direct.p as number[])[2],
      p99_response_time: (direct.p as number[])[3],
    });
    expect(once.avg_response_time).toBeCloseTo(Number(direct.avg), 10);
    expect(once.pending_changes).toBe(0);

    await app.post('/api/v1/metrics/rollup', { hours_back: 3 });
    const twice = await hourly();
    expect(twice).toHaveLength(1);
    expect({ ...twice[0], updated_at: null }).toEqual({ ...once, updated_at: null });

    // A late row for that hour marks it pending; the default run (pending hours only) counts it.
    await ingest([{ entity_type: 'tool', entity_id: 't-busy', timestamp: at(-2, 50), response_time: 9, is_success: false }]);
    await writer.flush();
    expect((await hourly())[0]).toMatchObject({ total_count: 20, pending_changes: 1 });
    await app.post('/api/v1/metrics/rollup', {});
    const [late] = await hourly();
    expect(late).toMatchObject({ id: once.id, total_count: 21, failure_count: 2, max_response_time: 9, pending_changes: 0 });
  });

  it('top entities by count, p99 and failure rate', async () => {
    const from = hourStart(-3).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const top = (by: string) => app.get(`/api/v1/metrics/top?entity_type=tool&by=${by}&from=${from}&to=${to}&limit=2`);
    const byCount = (await top('count')).body;
    // One closed hour per tool, from its hourly row: exact.
    expect(byCount).toMatchObject({ exact: true, error_bound: 0 });
    expect(byCount.items.map((i: { id: string }) => i.id)).toEqual(['t-alpha', 't-busy']);
    expect(byCount.items[0]).toMatchObject({ name: 'alpha', count: 300 });
    expect((await top('p99')).body.items[0].id).toBe('t-busy');
    expect((await top('failure_rate')).body.items[0].failure_rate).toBeGreaterThan(0);
    expect((await app.get(`/api/v1/metrics/top?entity_type=gadget`)).status).toBe(400);
  });

  it('after raw rows expire, summaries stay exact from rollups and time series say where they come from', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({
      entity_type: 'tool',
      entity_id: 't-old',
      timestamp: at(-4, i),
      response_time: i / 10,
      is_success: i % 2 === 0,
    }));
    await ingest(rows);
    await ingest([{ entity_type: 'tool', entity_id: 't-old', response_time: 1, is_success: true }]); // the open hour
    await writer.flush();
    await app.post('/api/v1/metrics/rollup', { hours_back: 6 });
    const from = hourStart(-5).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const before = (await app.get(`/api/v1/metrics/tools/t-old/summary?from=${from}&to=${to}`)).body;
    expect(before).toMatchObject({ total_executions: 11, failed_executions: 5 });

    // What retention does to raw partitions older than the rest: the rows are gone.
    await query(metrics, `DELETE FROM tool_metrics WHERE "timestamp" < $1`, [hourStart(-3)]);
    const after = (await app.get(`/api/v1/metrics/tools/t-old/summary?from=${from}&to=${to}`)).body;
    expect(after).toMatchObject({ total_executions: 11, failed_executions: 5, min_response_time: 0, max_response_time: 1 });
    expect(after.avg_response_time).toBeCloseTo(before.avg_response_time, 10);

    const series = (await app.get(`/api/v1/metrics/tools/t-old/timeseries?from=${from}&to=${to}&bucket=hour`)).body;
    expect(series).toMatchObject({ source: 'mixed', exact: true, error_bound: 0 });
    expect(series.points.map((p: { source: string; count: number }) => [p.source, p.count])).toEqual([
      ['hourly', 10],
      ['raw', 1],
    ]);
    const forensic = (await app.get(`/api/v1/metrics/tools/t-old/timeseries?from=${from}&to=${to}&bucket=hour&exact=true`)).body;
    expect(forensic).toMatchObject({ source: 'raw', exact: true, raw_complete_from: expect.any(String) });
    expect(forensic.points.map((p: { count: number }) => p.count)).toEqual([1]);
    const daily = (await app.get(`/api/v1/metrics/tools/t-old/timeseries?from=${hourStart(-100).toISOString()}&to=${to}&bucket=day`)).body;
    expect(daily.points.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(11);
  });

  it('refuses invalid batches with 4xx and a clear message, writing nothing', async () => {
    await writer.flush();
    const total = () => count(`SELECT (SELECT count(*) FROM tool_metrics) + (SELECT count(*) FROM server_metrics) AS n`);
    const before = await total();
    const good = { entity_type: 'tool', entity_id: 't-alpha', response_time: 0.1, is_success: true };

    const wrong = await app.post('/api/v1/metrics/executions', [
      good,
      { ...good, response_time: 'fast' },
      { ...good, entity_type: 'gadget' },
      { ...good, response_time: -2 },
    ]);
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toBe('3 of 4 executions are invalid; nothing was written');
    expect(wrong.body.errors).toEqual([
      { index: 1, field: 'response_time', reason: 'must be a number (seconds)' },
      { index: 2, field: 'entity_type', reason: 'must be one of tool, server, resource, prompt, a2a_agent' },
      { index: 3, field: 'response_time', reason: 'must not be negative' },
    ]);

    const oversized = await app.post('/api/v1/metrics/executions', Array(101).fill(good));
    expect(oversized.status).toBe(413);
    expect(oversized.body.message).toMatch(/at most 100/);

    const notJson = await app.post('/api/v1/metrics/executions', '[{"entity_type": "tool",');
    expect(notJson.status).toBe(400);
    expect(notJson.body.message).toMatch(/not valid JSON/);

    const notArray = await app.post('/api/v1/metrics/executions', { entity_type: 'tool' });
    expect(notArray.status).toBe(400);
    expect(notArray.body.message).toMatch(/JSON array/);

    const huge = await app.post('/api/v1/metrics/executions', [{ ...good, error_message: 'x'.repeat(70_000) }]);
    expect(huge.status).toBe(413);
    expect(huge.body.message).toMatch(/HTTP_MAX_BODY_BYTES/);

    const text = await app.post('/api/v1/metrics/executions', 'hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415); // JSON bodies only

    await writer.flush();
    expect(await total()).toBe(before);
  });

  it('unknown entity kinds and bad query parameters answer 4xx', async () => {
    expect((await app.get('/api/v1/metrics/gadgets/x/summary')).status).toBe(404);
    const bad = await app.get('/api/v1/metrics/tools/x/summary?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('from');
    expect((await app.get('/api/v1/metrics/tools/x/timeseries?bucket=week')).status).toBe(400);
    expect((await app.get('/api/v1/metrics/tools/x/summary?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')).status).toBe(400);
  });
});
