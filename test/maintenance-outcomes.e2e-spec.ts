import { hostname } from 'node:os';
import { generateToken } from '../src/auth/token';
import { addPeriods, partitionName, periodStart } from '../src/partitioning/partition-plan';
import { startApp } from './support/app';
import { migrate, runScript } from './support/cli';
import { parseExposition, valueOf } from './support/exposition';
import { createDatabase, dropDatabase, query } from './support/postgres';

const partitions = (vars: Record<string, string>, args: string[]) => runScript('src/cli/partitions.ts', args, vars);

describe('maintenance outcomes outlive the process that ran them', () => {
  let url: string;

  beforeAll(async () => {
    url = await createDatabase('outcomes');
    expect((await migrate({ DATABASE_URL: url })).code).toBe(0);
  });

  afterAll(() => dropDatabase(url));

  it('one process records them; another process, the CLI and a restarted service read them, failures included', async () => {
    const first = await partitions({ DATABASE_URL: url }, ['run']);
    expect(first.code).toBe(0);

    // A second run meets a table in the way of a partition it must create: tool_metrics fails.
    const blocker = partitionName('tool_metrics', addPeriods(periodStart(new Date(), 'day'), 'day', 9));
    await query(url, `CREATE TABLE "${blocker}" (id int)`);
    const second = await partitions({ DATABASE_URL: url, PARTITION_PREMAKE: '9' }, ['run']);
    expect(second.code).toBe(1);
    expect(second.stdout).toMatch(/tool_metrics: failed/);

    const [{ comment }] = await query<{ comment: string }>(url, `SELECT obj_description('tool_metrics'::regclass, 'pg_class') AS comment`);
    expect(comment).toMatch(/^fourfold:maintenance \{/);

    // Another process (the service, with maintenance off so that it records nothing itself).
    const adminToken = generateToken();
    const vars = { DATABASE_URL: url, PARTITION_MAINTENANCE_ENABLED: 'false', ADMIN_TOKEN: adminToken };
    let app = await startApp(vars);
    try {
      const status = (await app.get('/status/database')).body;
      const failed = status.partitions.tables.tool_metrics;
      expect(failed).not.toHaveProperty('last_run');
      expect(failed.last_maintenance).toMatchObject({ status: 'failed', error: expect.stringContaining(blocker) });
      expect(failed.last_maintenance.by).toMatch(new RegExp(`^${hostname()}/\\d+$`));
      expect(failed.last_maintenance.by).not.toBe(`${hostname()}/${process.pid}`);
      expect(failed.last_maintenance.last_ok_at).not.toBeNull();
      const ok = status.partitions.tables.audit_trails.last_maintenance;
      expect(ok).toMatchObject({ status: 'ok', created: 2, dropped: 0 });
      expect(ok.last_ok_at).toBe(ok.at);

      const samples = parseExposition((await app.get('/metrics')).text);
      expect(valueOf(samples, 'fourfold_partition_maintenance_status', { table: 'tool_metrics', status: 'failed' })).toBe(1);
      expect(valueOf(samples, 'fourfold_partition_maintenance_status', { table: 'audit_trails', status: 'ok' })).toBe(1);
      expect(valueOf(samples, 'fourfold_partition_maintenance_last_run_timestamp_seconds', { table: 'tool_metrics' })).toBe(
        new Date(failed.last_maintenance.at).getTime() / 1000,
      );
    } finally {
      await app.close();
    }

    // The CLI reads the same, and so does the service after a restart.
    const cli = await partitions({ DATABASE_URL: url }, ['status', '--json']);
    const tables = JSON.parse(cli.stdout);
    expect(tables.tool_metrics.last_maintenance).toMatchObject({ status: 'failed' });
    const table = await partitions({ DATABASE_URL: url }, ['status']);
    expect(table.stdout).toMatch(/tool_metrics .* failed by /);
    app = await startApp(vars);
    try {
      expect((await app.get('/status/database')).body.partitions.tables.tool_metrics.last_maintenance).toEqual(
        tables.tool_metrics.last_maintenance,
      );
    } finally {
      await app.close();
    }

    // A service that maintains records its own outcome, which the others then read.
    await query(url, `DROP TABLE "${blocker}"`);
    app = await startApp({ DATABASE_URL: url, PARTITION_PREMAKE: '9', ADMIN_TOKEN: adminToken });
    try {
      const own = (await app.get('/status/database')).body.partitions.tables.tool_metrics;
      expect(own.last_maintenance).toMatchObject({ status: 'ok', by: `${hostname()}/${process.pid}`, created: 1 });
    } finally {
      await app.close();
    }
  });
});
