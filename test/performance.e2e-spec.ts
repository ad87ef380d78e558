import { PerformanceService } from '../src/metrics/performance/performance.service';
import { RowWriter } from '../src/writer/row-writer';
import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';

describe('the service measures itself', () => {
  let app: TestApp;
  let url: string;

  beforeAll(async () => {
    url = await createDatabase('perf');
    // A long window: the spec closes it by hand.
    app = await startApp({ DATABASE_URL: url, PERFORMANCE_ENABLED: 'true', PERFORMANCE_SNAPSHOT_SECONDS: '3600' });
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase(url);
  });

  it('writes per-operation windows, snapshots and hourly/daily aggregates', async () => {
    for (let i = 0; i < 5; i++) expect((await app.get('/health/live')).status).toBe(200);
    expect((await app.get('/api/v1/metrics/tools/a/summary')).status).toBe(200);
    expect((await app.get('/api/v1/metrics/tools/b/summary')).status).toBe(200);
    expect((await app.post('/api/v1/metrics/executions', '{oops')).status).toBe(400);
    expect((await app.get('/no/such/route')).status).toBe(404);

    const perf = app.app.get(PerformanceService);
    perf.closeWindow();
    await app.app.get(RowWriter).flush();

    const rows = await query<{
      operation_type: string;
      request_count: number;
      error_count: number;
      p95_duration_ms: number;
      metric_metadata: Record<string, unknown>;
    }>(
      url,
      `SELECT operation_type, request_count, error_count, p95_duration_ms, metric_metadata FROM performance_metrics ORDER BY operation_type`,
    );
    const byOp = Object.fromEntries(rows.map((r) => [r.operation_type, r]));
    expect(byOp['GET /health/live']).toMatchObject({ request_count: 5, error_count: 0 });
    expect(byOp['GET /api/v1/metrics/:kind/:id/summary']).toMatchObject({ request_count: 2 });
    expect(byOp['*']).toMatchObject({
      request_count: 9,
      metric_metadata: expect.objectContaining({ status: { '2xx': 7, '3xx': 0, '4xx': 2, '5xx': 0 } }),
    });
    expect(byOp['*'].metric_metadata.peak_rps).toBeGreaterThanOrEqual(1);
    expect(byOp['*'].p95_duration_ms).toBeGreaterThan(0);

    const [snapshot] = await query<{ metrics_json: Record<string, unknown> }>(url, `SELECT metrics_json FROM performance_snapshots`);
    expect(snapshot.metrics_json).toMatchObject({
      memory: expect.objectContaining({ rss: expect.any(Number) }),
      cpu_percent: expect.any(Number),
      event_loop_delay_ms: expect.objectContaining({ p99: expect.any(Number) }),
      pools: expect.objectContaining({ core: expect.objectContaining({ total: expect.any(Number) }) }),
      writer: expect.objectContaining({ totals: expect.any(Object) }),
    });

    expect(await perf.aggregate()).toBeGreaterThanOrEqual(2);
    const aggregates = await query<Record<string, unknown>>(
      url,
      `SELECT * FROM performance_aggregates WHERE requests_total > 0 ORDER BY period_type`,
    );
    expect(aggregates.map((a) => a.period_type)).toEqual(['daily', 'hourly']);
    for (const a of aggregates) {
      expect(a).toMatchObject({ requests_total: '9', requests_2xx: '7', requests_4xx: '2', requests_5xx: '0', host: perf.host });
      expect(a.peak_requests_per_second).toBeGreaterThanOrEqual(1);
      expect(a.avg_memory_percent).toBeGreaterThan(0);
    }
    // Idempotent: a second run updates the same rows.
    await perf.aggregate();
    expect(await query(url, `SELECT count(*)::int AS n FROM performance_aggregates WHERE requests_total > 0`)).toEqual([{ n: 2 }]);
  });
});
