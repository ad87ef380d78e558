import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PartitionService } from '../src/partitioning/partition.service';
import { DAY_MS } from '../src/common/time';
import { addPeriods, periodStart } from '../src/partitioning/partition-plan';
import { PARTITIONED_TABLES } from '../src/role-registry';
import { startApp, TestApp } from './support/app';
import { runScript } from './support/cli';
import { insertRow, migrateAll } from './support/partitions';
import { createDatabase, dropDatabase, freePort, query, startTestServer } from './support/postgres';

const passwordOf = (url: string) => decodeURIComponent(new URL(url).password);
const dbName = (url: string) => new URL(url).pathname.slice(1);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the JSON the endpoint returns
type TableView = Record<string, any>;

/** Nothing that could carry a credential. */
function expectNoSecrets(body: unknown, ...urls: string[]): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/postgres(ql)?:\/\//);
  for (const url of urls) if (passwordOf(url)) expect(text).not.toContain(passwordOf(url));
}

describe('GET /status/database, one database', () => {
  let url: string;
  let app: TestApp;

  beforeAll(async () => {
    url = await createDatabase('status_single');
    app = await startApp({ DATABASE_URL: url, PARTITION_PREMAKE: '5' });
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase(url);
  });

  it('after start, every partitioned table is covered from today through premake; inserts never reach the default', async () => {
    const ds = app.app.get<DataSource>(getDataSourceToken('core'));
    const now = Date.now();
    const { body } = await app.get('/status/database');
    for (const spec of PARTITIONED_TABLES) {
      const table = body.partitions.tables[spec.table];
      expect(new Date(table.premade_until).getTime()).toBe(addPeriods(new Date(now), table.period, 6).getTime());
      expect(new Date(table.oldest_partition.from).getTime()).toBeLessThanOrEqual(periodStart(new Date(now), table.period).getTime());
      const from = periodStart(new Date(now), 'day').getTime();
      const to = from + 6 * DAY_MS;
      for (const at of [now, from, to - 1, from + Math.floor(Math.random() * (to - from))]) {
        expect(await insertRow(ds, spec.table, new Date(at), undefined, spec.timeColumn)).not.toMatch(/_default$/);
      }
    }
  });

  it('reports every role and every partitioned table, without secrets', async () => {
    const { status, body } = await app.get('/status/database');
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['generated_at', 'roles', 'partitions', 'writers']);
    expect(Object.keys(body.writers)).toEqual(['roles', 'tables', 'totals']);
    expect(body.writers.totals).toMatchObject({ queued: expect.any(Number), written: expect.any(Number), spooled: expect.any(Number) });
    const host = new URL(url).hostname;
    const port = Number(new URL(url).port);
    const [{ server_version: version }] = await query<{ server_version: string }>(url, 'SHOW server_version');
    expect(version).toMatch(/^\d+\./);
    for (const role of ['core', 'metrics', 'logs', 'observability']) {
      expect(body.roles[role]).toMatchObject({
        database: dbName(url),
        host,
        port,
        own_database: role === 'core',
        fallback: role !== 'core',
        reachable: true,
        server_version: version,
        synchronous_commit: { writes: role === 'core' || role === 'logs' ? 'on' : 'off', server_default: 'on' },
      });
      expect(typeof body.roles[role].latency_ms).toBe('number');
    }
    expect(body.partitions.maintenance).toMatchObject({ enabled: true, interval_seconds: 3600, premake: 5, lock_timeout_ms: 2000 });
    expect(body.partitions.maintenance.last_maintenance.ok).toBe(true);
    expect(Object.keys(body.partitions.tables).sort()).toEqual(PARTITIONED_TABLES.map((t) => t.table).sort());
    for (const [name, table] of Object.entries<TableView>(body.partitions.tables)) {
      expect(table.default_rows).toBe(0);
      expect(table.partitions).toBeGreaterThanOrEqual(7);
      expect(table.total_partitions).toBe(table.partitions);
      expect(table.latest_partition_table_name).toBe(table.newest_partition.name);
      expect(table.newest_partition.name).toMatch(new RegExp(`^${name}_p\\d{8}$`));
      expect(table.newest_partition.to).toBe(table.premade_until);
      expect(table.last_maintenance).toMatchObject({ status: 'ok', created: table.partitions, moved: 0, dropped: 0 });
    }
    expectNoSecrets(body, url);
  });

  it('shows rows waiting in the default partition and the run that moved them; newest is by range, not creation', async () => {
    const ds = app.app.get<DataSource>(getDataSourceToken('core'));
    const service = app.app.get(PartitionService);
    const tableStatus = async () => (await app.get('/status/database')).body.partitions.tables.tool_metrics;
    const initial = await tableStatus();
    const far = new Date(Date.now() + 400 * DAY_MS);
    const farName = `tool_metrics_p${far.toISOString().slice(0, 10).replace(/-/g, '')}`;
    expect(await insertRow(ds, 'tool_metrics', far)).toBe('tool_metrics_default');
    expect((await tableStatus()).default_rows).toBe(1);
    await service.run();
    const first = await tableStatus();
    expect(first).toMatchObject({ default_rows: 0, latest_partition_table_name: farName, total_partitions: initial.total_partitions + 1 });
    expect(first.last_maintenance).toMatchObject({ status: 'ok', moved: 1, created: 1 });

    // Created last, but older by range: the newest partition is still the far one.
    const early = new Date(Date.now() - 20 * DAY_MS);
    expect(await insertRow(ds, 'tool_metrics', early)).toBe('tool_metrics_default');
    await service.run();
    const second = await tableStatus();
    expect(second).toMatchObject({
      default_rows: 0,
      latest_partition_table_name: farName,
      newest_partition: { name: farName },
      oldest_partition: { from: periodStart(early, 'day').toISOString() },
      premade_until: initial.premade_until,
      total_partitions: first.total_partitions + 19, // its day and the days up to the existing ones, no gap
    });
    expect(second.last_maintenance).toMatchObject({ status: 'ok', moved: 1, created: 19 });
  });
});

describe('GET /status/database, separate databases', () => {
  it('shows each role on its own database, its durability, and the partitions where they live', async () => {
    const [core, metrics, logs] = await Promise.all([createDatabase('st_core'), createDatabase('st_metrics'), createDatabase('st_logs')]);
    const app = await startApp({ DATABASE_URL: core, METRICS_DATABASE_URL: metrics, LOGS_DATABASE_URL: logs, LOGS_DB_DURABLE: 'false' });
    try {
      const { body } = await app.get('/status/database');
      expect(body.roles.metrics).toMatchObject({ database: dbName(metrics), own_database: true, fallback: false, reachable: true });
      expect(body.roles.logs).toMatchObject({ database: dbName(logs), own_database: true, synchronous_commit: { writes: 'off' } });
      expect(body.roles.observability).toMatchObject({ database: dbName(core), own_database: false, fallback: true });
      // The roles really are in different databases, and the partitions are where the role lives.
      const partitionsIn = async (role: string) =>
        (
          await app.app
            .get<DataSource>(getDataSourceToken(role))
            .query(
              `SELECT count(*)::int AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relkind = 'r' AND c.relname LIKE '%\\_p2%'`,
            )
        )[0].n;
      expect(app.app.get(getDataSourceToken('metrics'))).not.toBe(app.app.get(getDataSourceToken('core')));
      const metricsTables = PARTITIONED_TABLES.filter((t) => t.role === 'metrics').map((t) => t.table);
      const metricsCount = metricsTables.reduce((sum, t) => sum + body.partitions.tables[t].partitions, 0);
      const logsCount = PARTITIONED_TABLES.filter((t) => t.role === 'logs').reduce(
        (s, t) => s + body.partitions.tables[t.table].partitions,
        0,
      );
      expect(await partitionsIn('metrics')).toBe(metricsCount);
      expect(await partitionsIn('logs')).toBe(logsCount);
      // Observability has no database of its own here: its partitions are in core.
      const observabilityCount = PARTITIONED_TABLES.filter((t) => t.role === 'observability').reduce(
        (s, t) => s + body.partitions.tables[t.table].partitions,
        0,
      );
      expect(await partitionsIn('core')).toBe(observabilityCount);
      for (const table of Object.values<TableView>(body.partitions.tables)) expect(table.last_maintenance.status).toBe('ok');
      expectNoSecrets(body, core, metrics, logs);
    } finally {
      await app.close();
      await Promise.all([core, metrics, logs].map(dropDatabase));
    }
  });

  it('an optional database down at boot: its tables are reported failed, the rest maintained; a run follows once it connects', async () => {
    const server = await startTestServer();
    const core = await createDatabase('st_down_core');
    const metrics = await createDatabase('st_down_metrics', server.adminUrl);
    await server.stop();
    const app = await startApp({ DATABASE_URL: core, METRICS_DATABASE_URL: metrics });
    try {
      const down = (await app.get('/status/database')).body;
      expect(down.roles.metrics).toMatchObject({
        reachable: false,
        server_version: null,
        synchronous_commit: { writes: 'off', server_default: null },
      });
      expect(down.partitions.tables.tool_metrics).toMatchObject({
        partitions: null,
        error: 'metrics database not connected',
        last_maintenance: null,
      });
      expect(down.partitions.maintenance.last_maintenance.tables.tool_metrics).toMatchObject({
        status: 'failed',
        error: 'metrics database not connected',
      });
      expect(down.partitions.tables.audit_trails.last_maintenance.status).toBe('ok');
      expect(down.partitions.maintenance.last_maintenance.ok).toBe(false);
      expectNoSecrets(down, core, metrics);

      await server.restart();
      let table: TableView = down.partitions.tables.tool_metrics;
      for (let i = 0; i < 60 && table.last_maintenance?.status !== 'ok'; i++) {
        await new Promise((r) => setTimeout(r, 500));
        table = (await app.get('/status/database')).body.partitions.tables.tool_metrics;
      }
      expect(table.last_maintenance).toMatchObject({ status: 'ok', created: 9 });
      expect(table.default_rows).toBe(0);
    } finally {
      await app.close();
      await server.destroy();
      await dropDatabase(core);
    }
  });

  it('PARTITION_MAINTENANCE_ENABLED=false: a replica that opted out creates nothing and says so', async () => {
    const url = await createDatabase('st_off');
    const app = await startApp({ DATABASE_URL: url, PARTITION_MAINTENANCE_ENABLED: 'false' });
    try {
      const { body } = await app.get('/status/database');
      expect(body.partitions.maintenance).toMatchObject({ enabled: false, last_maintenance: null });
      expect(body.partitions.tables.tool_metrics).toMatchObject({ partitions: 0, premade_until: null, last_maintenance: null, default_rows: 0 });
    } finally {
      await app.close();
      await dropDatabase(url);
    }
  });
});

describe('npm run partitions', () => {
  it('run maintains once and exits 0; status prints the per-table view; a database that is down makes run exit 1', async () => {
    const url = await createDatabase('cli_parts');
    await migrateAll(url);
    try {
      const run = await runScript('src/cli/partitions.ts', ['run'], { DATABASE_URL: url });
      expect(run.code).toBe(0);
      for (const spec of PARTITIONED_TABLES) expect(run.stdout).toMatch(new RegExp(`^${spec.table}: ok \\(created \\d+`, 'm'));

      const status = await runScript('src/cli/partitions.ts', ['status', '--json'], { DATABASE_URL: url });
      expect(status.code).toBe(0);
      const tables = JSON.parse(status.stdout);
      expect(tables.tool_metrics).toMatchObject({ role: 'metrics', period: 'day', retention_days: 90, partitions: 9, default_rows: 0 });
      expect(tables.audit_trails).toMatchObject({ period: 'week', retention_days: 365 });

      const closed = `postgres://fourfold:S3cretPw@127.0.0.1:${await freePort()}/nowhere`;
      const failed = await runScript('src/cli/partitions.ts', ['run'], { DATABASE_URL: url, METRICS_DATABASE_URL: closed });
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(/^tool_metrics: failed \(metrics database not connected\)$/m);
      expect(failed.stdout).toMatch(/^audit_trails: ok/m);
      expect(failed.stdout + failed.stderr).not.toContain('S3cretPw');

      const text = await runScript('src/cli/partitions.ts', ['status'], { DATABASE_URL: url });
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(
        /^table\s+role\s+period\s+retention\s+partitions\s+oldest\s+newest\s+premade until\s+default rows\s+last maintenance$/m,
      );
      expect(text.stdout).toMatch(
        /^tool_metrics\s+metrics\s+day\s+90d\s+9\s+tool_metrics_p\d{8}\s+tool_metrics_p\d{8}\s+\S+\s+0\s+\S+ ok by \S+ \(created 9, moved 0, dropped 0\)$/m,
      );
    } finally {
      await dropDatabase(url);
    }
  });
});
