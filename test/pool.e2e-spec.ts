import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { startApp } from './support/app';
import { createDatabase, dropDatabase, query, sharedAdminUrl } from './support/postgres';

describe('single-database mode', () => {
  it('every role shares the core DataSource and never holds more than DB_POOL_SIZE connections', async () => {
    const core = await createDatabase('pool');
    const database = new URL(core).pathname.slice(1);
    const app = await startApp({ DATABASE_URL: core, DB_POOL_SIZE: '3' });
    try {
      const [first, ...rest] = (['core', 'metrics', 'logs', 'observability'] as const).map((r) =>
        app.app.get<DataSource>(getDataSourceToken(r)),
      );
      for (const ds of rest) expect(ds).toBe(first);

      const count = async () =>
        Number(
          (
            await query<{ n: string }>(
              sharedAdminUrl(),
              `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'fourfold'`,
              [database],
            )
          )[0].n,
        );
      let peak = 0;
      let load = true;
      const sampler = (async () => {
        while (load) {
          peak = Math.max(peak, await count());
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      // Load on every role at once: /health queries each role through its own DataSource token,
      // and the roles' repositories query concurrently too.
      const tasks: Promise<unknown>[] = [];
      for (let i = 0; i < 60; i++) {
        tasks.push(fetch(`${app.baseUrl}/health`).then((r) => r.text()));
        tasks.push(rest[i % 3].query('SELECT pg_sleep(0.01)'));
      }
      await Promise.all(tasks);
      load = false;
      await sampler;
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(3);
    } finally {
      await app.close();
      await dropDatabase(core);
    }
  });
});
