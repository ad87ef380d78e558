import { startApp, TestApp } from './support/app';
import { PgBouncer, pgbouncerBinary, startPgBouncer } from './support/pgbouncer';
import { createDatabase, dropDatabase, query, tablesOf } from './support/postgres';
import { HISTORY_TABLE } from './support/schema-fixture';

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
    const vars = { DATABASE_URL: bouncer.url('mcp'), METRICS_DATABASE_URL: bouncer.url('mcp_metrics'), DB_POOL_SIZE: '4' };
    apps.push(...(await Promise.all([startApp(vars), startApp(vars)])));
    expect(await tablesOf(core)).toHaveLength(45);
    expect(await tablesOf(metrics)).toHaveLength(15);
    const history = await query<{ n: string }>(core, `SELECT count(*) AS n FROM ${HISTORY_TABLE}`);
    expect(Number(history[0].n)).toBe(3); // core, logs, observability; once each
    for (const app of apps) {
      const health = await app.get('/health');
      expect(health.status).toBe(200);
      expect(health.body.details.metrics).toMatchObject({ status: 'up', fallback: false });
    }
  });
});
