import { createDatabase, dropDatabase, query, tablesOf } from './support/postgres';
import { migrate } from './support/cli';
import { HISTORY_TABLE, TABLES_BY_ROLE } from './support/schema-fixture';

type Optional = 'metrics' | 'logs' | 'observability';
const ENV: Record<Optional, string> = {
  metrics: 'METRICS_DATABASE_URL',
  logs: 'LOGS_DATABASE_URL',
  observability: 'OBSERVABILITY_DATABASE_URL',
};
const sorted = (names: readonly string[]) => [...names].sort();

// The six scenarios of SCHEMA.md, with the table counts it gives for core.
const SCENARIOS: Array<[Optional[], number]> = [
  [[], 59],
  [['metrics'], 45],
  [['logs'], 55],
  [['observability'], 54],
  [['metrics', 'logs'], 41],
  [['metrics', 'logs', 'observability'], 36],
];

describe('npm run db:migrate: deployment scenarios', () => {
  it.each(SCENARIOS)('with separate %j, each database holds exactly its tables (core: %i)', async (separate, coreCount) => {
    const core = await createDatabase('core');
    const urls: Partial<Record<Optional, string>> = {};
    for (const role of separate) urls[role] = await createDatabase(role);
    try {
      const vars = { DATABASE_URL: core, ...Object.fromEntries(separate.map((r) => [ENV[r], urls[r]])) };
      const run = await migrate(vars);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);

      const inCore = (['core', 'metrics', 'logs', 'observability'] as const).filter((r) => !separate.includes(r as Optional));
      const expectedCore = sorted([...inCore.flatMap((r) => TABLES_BY_ROLE[r]), HISTORY_TABLE]);
      const actualCore = await tablesOf(core);
      expect(actualCore).toEqual(expectedCore);
      expect(actualCore).toHaveLength(coreCount);
      for (const role of separate) {
        expect(await tablesOf(urls[role]!)).toEqual(sorted([...TABLES_BY_ROLE[role], HISTORY_TABLE]));
      }

      // The history of each database records the roles it hosts, and only those.
      const coreRoles = await query<{ role: string }>(core, `SELECT DISTINCT role FROM ${HISTORY_TABLE} ORDER BY role`);
      expect(coreRoles.map((r) => r.role)).toEqual(sorted(inCore));

      // A second run changes nothing.
      const again = await migrate(vars);
      expect(again.code).toBe(0);
      expect(again.stdout).not.toContain('applied');
      expect(await tablesOf(core)).toEqual(actualCore);
    } finally {
      await Promise.all([core, ...Object.values(urls)].map(dropDatabase));
    }
  });

  it('--role migrates only the database that hosts the role', async () => {
    const core = await createDatabase('core');
    const metrics = await createDatabase('metrics');
    try {
      const run = await migrate({ DATABASE_URL: core, METRICS_DATABASE_URL: metrics }, ['--role', 'metrics']);
      expect(run.code).toBe(0);
      expect(await tablesOf(metrics)).toEqual(sorted([...TABLES_BY_ROLE.metrics, HISTORY_TABLE]));
      expect(await tablesOf(core)).toEqual([]);
      const bad = await migrate({ DATABASE_URL: core }, ['--role', 'billing']);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('--role must be one of');
    } finally {
      await Promise.all([core, metrics].map(dropDatabase));
    }
  });

  it('creates every partitioned table with a default partition', async () => {
    const core = await createDatabase('core');
    try {
      expect((await migrate({ DATABASE_URL: core })).code).toBe(0);
      const rows = await query<{ parent: string; child: string }>(
        core,
        `SELECT p.relname AS parent, c.relname AS child
           FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_class c ON c.oid = i.inhrelid
          WHERE p.relkind = 'p' AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' ORDER BY 1`,
      );
      const { PARTITIONED_TABLES } = await import('./support/schema-fixture');
      expect(rows.map((r) => r.parent)).toEqual(sorted(PARTITIONED_TABLES));
      expect(rows.every((r) => r.child === `${r.parent}_default`)).toBe(true);
    } finally {
      await dropDatabase(core);
    }
  });
});
