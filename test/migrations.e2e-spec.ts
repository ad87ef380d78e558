import { ROLE_DEFINITIONS } from '../src/role-registry';
import { migrate } from './support/cli';
import { resolveTopology } from '../src/database/database-topology';
import { migrateDatabase } from '../src/database/migration-runner';
import { createDatabase, dropDatabase, query, tablesOf } from './support/postgres';
import { HISTORY_TABLE, TABLES_BY_ROLE } from './support/schema-fixture';

const sorted = (names: readonly string[]) => [...names].sort();

describe('migrations', () => {
  it('moving metrics out: its tables appear in the new database and core is untouched', async () => {
    const core = await createDatabase('core');
    const metrics = await createDatabase('metrics');
    try {
      expect((await migrate({ DATABASE_URL: core })).code).toBe(0);
      const coreTables = await tablesOf(core);
      const coreHistory = await query(core, `SELECT name, role, executed_at FROM ${HISTORY_TABLE} ORDER BY name`);
      expect(coreTables).toHaveLength(59);

      const run = await migrate({ DATABASE_URL: core, METRICS_DATABASE_URL: metrics });
      expect(run.code).toBe(0);
      expect(await tablesOf(metrics)).toEqual(sorted([...TABLES_BY_ROLE.metrics, HISTORY_TABLE]));
      expect(await tablesOf(core)).toEqual(coreTables);
      expect(await query(core, `SELECT name, role, executed_at FROM ${HISTORY_TABLE} ORDER BY name`)).toEqual(coreHistory);
    } finally {
      await Promise.all([core, metrics].map(dropDatabase));
    }
  });

  it('two processes migrating the same empty database at once both succeed', async () => {
    const core = await createDatabase('race');
    try {
      const [a, b] = await Promise.all([migrate({ DATABASE_URL: core }), migrate({ DATABASE_URL: core })]);
      expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
      // Exactly one of them did the work; the other found it done.
      expect([a.stdout, b.stdout].filter((out) => out.includes('applied'))).toHaveLength(1);
      expect(await tablesOf(core)).toHaveLength(59);
      const history = await query<{ name: string; n: string }>(core, `SELECT name, count(*) AS n FROM ${HISTORY_TABLE} GROUP BY name`);
      expect(history.length).toBeGreaterThanOrEqual(4);
      expect(history.every((h) => Number(h.n) === 1)).toBe(true);
    } finally {
      await dropDatabase(core);
    }
  });

  it('four runners started together on one database: one applies, three find it done', async () => {
    const core = await createDatabase('race');
    try {
      const [db] = resolveTopology({ core }).databases;
      const outcomes = await Promise.all([1, 2, 3, 4].map(() => migrateDatabase(db, ROLE_DEFINITIONS)));
      const all = Object.values(ROLE_DEFINITIONS).flatMap((r) => r.migrations).length;
      expect(outcomes.map((o) => o.applied.length).sort()).toEqual([0, 0, 0, all]);
      expect(await tablesOf(core)).toHaveLength(59);
    } finally {
      await dropDatabase(core);
    }
  });
});
