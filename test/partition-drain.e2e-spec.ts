import { Pool } from 'pg';
import { DAY_MS } from '../src/common/time';
import { PartitionMaintainer } from '../src/partitioning/partition-maintainer';
import { PARTITIONED_TABLES } from '../src/role-registry';
import { count, insertRow, migrateAll, openDataSource, RecordingLogger, settings } from './support/partitions';
import { createDatabase, dropDatabase } from './support/postgres';

const utc = (iso: string) => new Date(`${iso}Z`);
const LOCK_TIMEOUT_MS = 500;
const BATCH = 2_000;
const PER_DAY = 2_500;

describe('backfills and the DEFAULT partition', () => {
  const config = settings({ lockTimeoutMs: LOCK_TIMEOUT_MS, drainBatchRows: BATCH });
  config.groups.metrics.retentionDays = 60;
  const now = utc('2031-01-31T12:00:00');
  const tools = PARTITIONED_TABLES.filter((t) => t.table === 'tool_metrics');
  let url: string;

  beforeEach(async () => {
    url = await createDatabase('drain');
    await migrateAll(url);
  });
  afterEach(async () => dropDatabase(url));

  it('drains 30 days of rows out of the DEFAULT partition in batches while an insert probe never waits past the lock timeout', async () => {
    const ds = await openDataSource(url);
    const pool = new Pool({ connectionString: url, max: 4 });
    // pool.end() can resolve before its last idle connection has closed; dropping the database then ends it (not an error of the test).
    pool.on('error', () => undefined);
    const logger = new RecordingLogger();
    const maintainer = new PartitionMaintainer({ metrics: ds, logs: ds }, config, () => now, logger, tools);
    try {
      expect((await maintainer.run()).ok).toBe(true); // Jan 30 .. Feb 4
      // A 30-day import that came before its partitions: everything lands in the DEFAULT partition.
      await ds.query(
        `INSERT INTO tool_metrics (id, tool_id, tool_name, "timestamp", response_time, is_success)
         SELECT gen_random_uuid(), 'tool-' || (g % 20), 'tool', $1::timestamptz + (g % 30) * interval '1 day' + (g % 86400) * interval '1 second', 0.1, true
           FROM generate_series(1, ${30 * PER_DAY}) g`,
        [utc('2030-12-31T00:00:00')],
      );
      const backfilled = 30 * PER_DAY;
      expect(await count(ds, 'tool_metrics_default')).toBe(backfilled);

      // Probes: inserts into today's partition, and into a day being drained (routed to the DEFAULT partition until attached).
      let running = true;
      let worst = 0;
      let probes = 0;
      const failures: string[] = [];
      const probe = async (at: () => Date) => {
        while (running) {
          const started = performance.now();
          try {
            await insertRow(pool, 'tool_metrics', at());
            probes++;
          } catch (error) {
            failures.push((error as Error).message);
          }
          worst = Math.max(worst, performance.now() - started);
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      const probing = Promise.all([
        probe(() => new Date(now.getTime() - Math.random() * 3_600_000)),
        probe(() => utc('2031-01-15T10:00:00')),
      ]);
      await new Promise((r) => setTimeout(r, 100));
      const run = await maintainer.run();
      running = false;
      await probing;

      expect(run.ok).toBe(true);
      const outcome = run.tables[0];
      expect(outcome).toMatchObject({ table: 'tool_metrics', status: 'ok', created: 30 });
      expect(outcome.moved).toBeGreaterThanOrEqual(backfilled);
      expect(failures).toEqual([]);
      expect(probes).toBeGreaterThan(20);
      // Each drain batch and each attach is a short transaction: writers wait for one batch at
      // most (the maintainer's own waits end at the lock timeout). A margin of seconds, for a
      // loaded 2-core host: one transaction over the whole backfill holds them far longer.
      expect(worst).toBeLessThan(LOCK_TIMEOUT_MS * 6);
      expect(await count(ds, 'tool_metrics_default')).toBe(0);
      expect(await count(ds, 'tool_metrics')).toBe(backfilled + probes);
      // The drained rows were invisible for a while: their hours are pending, so rollups count them again.
      const [{ stale }] = await ds.query(
        `SELECT count(*) FILTER (WHERE pending_changes < 2)::int AS stale FROM tool_metrics_hourly WHERE hour_start < $1`,
        [utc('2031-01-30T00:00:00')],
      );
      expect(stale).toBe(0);
      expect(logger.problems()).toEqual([]);
    } finally {
      await pool.end();
      await ds.destroy();
    }
  });

  it('ensure makes the partitions of a range before its rows are written: nothing reaches the DEFAULT partition', async () => {
    const ds = await openDataSource(url);
    const maintainer = new PartitionMaintainer({ metrics: ds, logs: ds }, config, () => now, new RecordingLogger(), tools);
    try {
      const from = new Date(now.getTime() - 30 * DAY_MS);
      expect(await maintainer.ensure(tools[0], from, now)).toBe(31);
      expect(await maintainer.ensure(tools[0], from, now)).toBe(0);
      for (let day = 0; day < 30; day++) {
        expect(await insertRow(ds, 'tool_metrics', new Date(from.getTime() + day * DAY_MS))).toMatch(/^tool_metrics_p2031/);
      }
      // Older than retention: no partition (the row would be dropped anyway).
      expect(await maintainer.ensure(tools[0], utc('2030-06-01T00:00:00'), utc('2030-06-02T00:00:00'))).toBe(0);
      expect(await count(ds, 'tool_metrics_default')).toBe(0);
    } finally {
      await ds.destroy();
    }
  });
});
