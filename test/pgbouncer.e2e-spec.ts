import { generateToken } from '../src/auth/token';
import { RowWriter } from '../src/writer/row-writer';
import { startApp, TestApp } from './support/app';
import { PgBouncer, pgbouncerBinary, startPgBouncer } from './support/pgbouncer';
import { createDatabase, dropDatabase, query, tablesOf } from './support/postgres';
import { HISTORY_TABLE } from './support/schema-fixture';
import { CORE_ROLE } from '../src/core/core.role';
import { LOGS_ROLE } from '../src/logs/logs.role';
import { OBSERVABILITY_ROLE } from '../src/observability/observability.role';

// PgBouncer comes from Debian's package: scripts/ensure-pgbouncer.sh installs it where it can
// (root with apt, as on CI). Elsewhere this spec is skipped, and says so.
const binary = pgbouncerBinary();
const describeWithPgBouncer = binary ? describe : describe.skip;
if (!binary) console.warn('pgbouncer is not installed and cannot be installed here: PgBouncer specs skipped');

describeWithPgBouncer('behind PgBouncer in transaction mode', () => {
  let core: string;
  let metrics: string;
  let bouncer: PgBouncer;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    core = await createDatabase('bouncer_core');
    metrics = await createDatabase('bouncer_metrics');
    bouncer = await startPgBouncer(binary!, { mcp: core, mcp_metrics: metrics });
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await bouncer?.stop();
    await Promise.all([core, metrics].filter(Boolean).map(dropDatabase));
  });

  it('two replicas starting at once migrate both databases once and serve', async () => {
    // One admin token for both: only the replica that wins the bootstrap lock creates the admin.
    const vars = {
      DATABASE_URL: bouncer.url('mcp'),
      METRICS_DATABASE_URL: bouncer.url('mcp_metrics'),
      DB_POOL_SIZE: '4',
      ADMIN_TOKEN: generateToken(),
    };
    apps.push(...(await Promise.all([startApp(vars), startApp(vars)])));
    expect(await tablesOf(core)).toHaveLength(45);
    expect(await tablesOf(metrics)).toHaveLength(15);
    const history = await query<{ n: string }>(core, `SELECT count(*) AS n FROM ${HISTORY_TABLE}`);
    const hosted = [CORE_ROLE, LOGS_ROLE, OBSERVABILITY_ROLE].flatMap((r) => r.migrations).length;
    expect(Number(history[0].n)).toBe(hosted); // core, logs and observability; once each
    for (const app of apps) {
      const health = await app.get('/health');
      expect(health.status).toBe(200);
      expect(health.body.details.metrics).toMatchObject({ status: 'up', fallback: false });
    }
  });

  it('writes through it: COPY batches, durable audit commits and partition maintenance', async () => {
    const [app] = apps;
    const now = Date.now();
    const batch = Array.from({ length: 300 }, (_, i) => ({
      entity_type: 'tool',
      entity_id: `bouncer-tool-${i % 3}`,
      timestamp: new Date(now - i * 1000).toISOString(),
      response_time: 0.01 * (i + 1),
      is_success: i % 10 !== 0,
    }));
    expect((await app.post('/api/v1/metrics/executions', batch)).status).toBe(202);
    const created = await app.post('/api/v1/tools', {
      name: 'through-bouncer',
      url: 'http://tools.example/echo',
      integration_type: 'REST',
      request_type: 'POST',
    });
    expect(created.status).toBe(201);
    await app.app.get(RowWriter).flush();

    const [{ n }] = await query<{ n: string }>(metrics, 'SELECT count(*) AS n FROM tool_metrics');
    expect(Number(n)).toBe(300);
    const audit = await query<{ n: string }>(core, `SELECT count(*) AS n FROM audit_trails WHERE action = 'create' AND resource_id = $1`, [
      created.body.id,
    ]);
    expect(Number(audit[0].n)).toBe(1);
    const status = await app.get('/status/database');
    const tool = status.body.partitions.tables.tool_metrics;
    expect(tool.total_partitions).toBeGreaterThan(1);
    expect(tool.default_rows).toBe(0);
    expect(status.body.writers.totals.spooled).toBe(0);
  });
});
