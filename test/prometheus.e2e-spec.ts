import { join } from 'node:path';
import { startApp, TestApp } from './support/app';
import { ROOT } from './support/cli';
import { parseExposition, Sample, valueOf } from './support/exposition';
import { prometheusDir, promtool, promtoolCheckMetrics, startPrometheus } from './support/prometheus';
import { createDatabase, dropDatabase, freePort, startTestServer, TestServer } from './support/postgres';
import { eventually } from './support/wait';

// Prometheus and promtool come from Debian's package: scripts/ensure-prometheus.sh installs it
// where it can (root with apt, as on CI). Elsewhere the specs that need them are skipped, and say so.
const promDir = prometheusDir();
const withPrometheus = promDir ? it : it.skip;
if (!promDir) console.warn('prometheus is not installed and cannot be installed here: promtool and real-Prometheus specs skipped');

const executions = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    entity_type: 'tool',
    entity_id: `prom-tool-${i % 3}`,
    response_time: 0.01 * (i + 1),
    is_success: i % 4 !== 0,
  }));

describe('Prometheus metrics', () => {
  let server: TestServer;
  let core: string;
  let metricsDb: string;
  let metricsPort: number;
  let app: TestApp;

  const scrape = async (): Promise<Sample[]> => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    return parseExposition(await res.text());
  };

  beforeAll(async () => {
    server = await startTestServer();
    core = await createDatabase('prom_core');
    metricsDb = await createDatabase('prom_metrics', server.adminUrl);
    metricsPort = await freePort();
    app = await startApp({
      DATABASE_URL: core,
      METRICS_DATABASE_URL: metricsDb,
      METRICS_PORT: String(metricsPort),
      WRITER_FLUSH_MS: '50',
      WRITER_PROBE_MS: '200',
      HEALTH_CHECK_TIMEOUT_MS: '1000',
    });
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase(core);
    await server?.destroy();
  });

  it('GET /metrics needs an admin token; METRICS_PORT serves it without one, and nothing else', async () => {
    expect((await app.get('/metrics', null)).status).toBe(401);
    const res = await app.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; .*version=0\.0\.4/);
    expect(res.text).toContain('# TYPE fourfold_http_request_duration_seconds histogram');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/status/database`)).status).toBe(404);

    const open = await createDatabase('prom_public');
    const publicApp = await startApp({ DATABASE_URL: open, METRICS_ENDPOINT_PUBLIC: 'true' });
    try {
      expect((await publicApp.get('/metrics', null)).status).toBe(200);
      expect((await publicApp.get('/status/database', null)).status).toBe(401);
    } finally {
      await publicApp.close();
      await dropDatabase(open);
    }
  });

  it('holds every series, named by convention; they move when rows are written and when a role server stops', async () => {
    const before = await scrape();
    for (const s of before) expect(s.name).toMatch(/^fourfold_/);
    const written0 = valueOf(before, 'fourfold_writer_written_rows_total', { role: 'metrics', table: 'tool_metrics' }) ?? 0;
    expect(valueOf(before, 'fourfold_database_up', { role: 'metrics' })).toBe(1);
    expect(valueOf(before, 'fourfold_database_fallback', { role: 'metrics' })).toBe(0);
    expect(valueOf(before, 'fourfold_database_fallback', { role: 'logs' })).toBe(1);
    expect(valueOf(before, 'fourfold_database_probe_duration_seconds', { role: 'metrics' })).toBeGreaterThan(0);
    expect(valueOf(before, 'fourfold_database_pool_connections', { role: 'metrics', state: 'total' })).toBeGreaterThanOrEqual(0);
    expect(valueOf(before, 'fourfold_database_pool_waiting_requests', { role: 'core' })).toBe(0);
    // Premake 7 days: more than a week of partitions ahead, and a day per period.
    expect(valueOf(before, 'fourfold_partition_premade_horizon_seconds', { table: 'tool_metrics' })).toBeGreaterThan(7 * 86400);
    expect(valueOf(before, 'fourfold_partition_period_seconds', { table: 'tool_metrics' })).toBe(86400);
    expect(valueOf(before, 'fourfold_partition_default_rows', { table: 'audit_trails' })).toBe(0);
    expect(valueOf(before, 'fourfold_partition_maintenance_status', { table: 'tool_metrics', status: 'ok' })).toBe(1);
    expect(valueOf(before, 'fourfold_partition_maintenance_last_success_timestamp_seconds', { table: 'tool_metrics' })).toBeGreaterThan(0);
    expect(valueOf(before, 'fourfold_rollup_lag_seconds', { table: 'tool_metrics_hourly' })).toBe(0);
    // Folds off in tests (TRACES_FOLD_INTERVAL_SECONDS=0): nothing folded in the last two days, read from the observability database.
    expect(valueOf(before, 'fourfold_trace_fold_lag_seconds', { role: 'observability' })).toBe(48 * 3600);
    expect(valueOf(before, 'fourfold_process_resident_memory_bytes')).toBeGreaterThan(0);

    expect((await app.post('/api/v1/metrics/executions', executions(10))).status).toBe(202);
    await eventually(
      async () =>
        (valueOf(await scrape(), 'fourfold_writer_written_rows_total', { role: 'metrics', table: 'tool_metrics' }) ?? 0) >= written0 + 10,
    );
    const after = await scrape();
    const route = { route: '/api/v1/metrics/executions', method: 'POST', status: '202' };
    expect(valueOf(after, 'fourfold_http_request_duration_seconds_count', route)).toBeGreaterThanOrEqual(1);
    expect(valueOf(after, 'fourfold_http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBeGreaterThanOrEqual(1);

    await server.stop();
    try {
      expect((await app.post('/api/v1/metrics/executions', executions(10))).status).toBe(202);
      await eventually(
        async () => (valueOf(await scrape(), 'fourfold_writer_spooled_rows_total', { role: 'metrics', table: 'tool_metrics' }) ?? 0) >= 10,
      );
      const down = await scrape();
      expect(valueOf(down, 'fourfold_database_up', { role: 'metrics' })).toBe(0);
      expect(valueOf(down, 'fourfold_database_up', { role: 'core' })).toBe(1);
      expect(valueOf(down, 'fourfold_writer_database_available', { role: 'metrics' })).toBe(0);
      expect(valueOf(down, 'fourfold_writer_spool_bytes', { role: 'metrics', table: 'tool_metrics' })).toBeGreaterThan(0);
      expect(valueOf(down, 'fourfold_partition_status_up', { role: 'metrics' })).toBe(0);
      // Unknown is not zero: no horizon is reported for a database that cannot be read.
      expect(valueOf(down, 'fourfold_partition_premade_horizon_seconds', { table: 'tool_metrics' })).toBeUndefined();
    } finally {
      await server.restart();
    }
    await eventually(
      async () => (valueOf(await scrape(), 'fourfold_writer_replayed_rows_total', { role: 'metrics', table: 'tool_metrics' }) ?? 0) >= 10,
    );
    const back = await scrape();
    expect(valueOf(back, 'fourfold_database_up', { role: 'metrics' })).toBe(1);
    expect(valueOf(back, 'fourfold_writer_spool_bytes', { role: 'metrics', table: 'tool_metrics' })).toBe(0);
  });

  withPrometheus('passes promtool check metrics, and the alerting rules pass promtool check rules', async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const check = promtoolCheckMetrics(promDir!, text);
    expect(check.output).toBe('');
    expect(check.code).toBe(0);
    const rules = promtool(promDir!, ['check', 'rules', join(ROOT, 'deploy', 'prometheus', 'alerts.yaml')]);
    expect(rules.output).toContain('SUCCESS');
    expect(rules.code).toBe(0);
  });

  withPrometheus('a real Prometheus scrapes both endpoints, queries the series back and evaluates the alerts', async () => {
    const mainPort = new URL(app.baseUrl).port;
    const prometheus = await startPrometheus(promDir!, [
      { job: 'fourfold', target: `127.0.0.1:${metricsPort}` },
      { job: 'fourfold-token', target: `127.0.0.1:${mainPort}`, bearerToken: app.adminToken },
    ]);
    try {
      const one = async (expr: string) => Number((await prometheus.query(expr))[0]?.value[1] ?? NaN);
      await eventually(async () => (await one('fourfold_database_up{job="fourfold", role="metrics"}')) === 1, 60_000, 500);
      await eventually(async () => (await one('fourfold_database_up{job="fourfold-token", role="core"}')) === 1, 60_000, 500);
      expect(await one('sum(fourfold_writer_written_rows_total{job="fourfold", table="tool_metrics"})')).toBeGreaterThanOrEqual(10);
      expect(await one('min(fourfold_partition_premade_horizon_seconds{job="fourfold"}) / 3600')).toBeGreaterThan(24);

      await server.stop();
      try {
        // The alert's `for` is 2 minutes: that it turns pending proves the rule matches the series.
        await eventually(
          async () =>
            (await prometheus.alerts()).some(
              (a) => a.name === 'FourfoldRoleDatabaseDown' && a.labels.role === 'metrics' && a.state === 'pending',
            ),
          60_000,
          500,
        );
        expect((await prometheus.alerts()).filter((a) => a.name === 'FourfoldCoreDatabaseDown')).toEqual([]);
      } finally {
        await server.restart();
      }
    } finally {
      await prometheus.stop();
    }
  });
});
