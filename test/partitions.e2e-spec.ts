import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { MaintenanceRun, PartitionMaintainer } from '../src/partitioning/partition-maintainer';
import { DAY_MS } from '../src/common/time';
import { addPeriods, periodStart } from '../src/partitioning/partition-plan';
import { PartitionSettings } from '../src/config/settings';
import { defaultPartitionOf } from '../src/database/role-definition';
import { PARTITIONED_TABLES } from '../src/role-registry';
import {
  count,
  insertRow,
  migrateAll,
  openDataSource,
  partitionsByTable,
  partitionSnapshot,
  RecordingLogger,
  settings,
} from './support/partitions';
import { createDatabase, dropDatabase } from './support/postgres';

const utc = (iso: string) => new Date(`${iso}Z`);
const days = (n: number) => n * DAY_MS;

/** A fresh migrated database, its DataSource, and a maintainer whose clock the test moves. */
async function setup(prefix: string, config: PartitionSettings = settings()) {
  const url = await createDatabase(prefix);
  await migrateAll(url);
  const ds = await openDataSource(url);
  const clock = { now: utc('2030-12-28T13:00:00') };
  const logger = new RecordingLogger();
  const maintainer = (dataSource: DataSource = ds, tables = PARTITIONED_TABLES) =>
    new PartitionMaintainer({ metrics: dataSource, logs: dataSource, observability: dataSource }, config, () => clock.now, logger, tables);
  return {
    url,
    ds,
    clock,
    logger,
    maintainer,
    close: async () => {
      await ds.destroy();
      await dropDatabase(url);
    },
  };
}

function expectAllOk(run: MaintenanceRun): void {
  expect(run.tables.filter((t) => t.status !== 'ok')).toEqual([]);
  expect(run.ok).toBe(true);
}

describe('partition maintenance', () => {
  it('keeps coverage continuous across a year end and month ends, and drops exactly the expired partitions', async () => {
    const config = settings();
    const env = await setup('parts_clock', config);
    try {
      const instants = [
        ...Array.from({ length: 9 }, (_, i) => new Date(utc('2030-12-28T13:00:00').getTime() + days(i))), // to 2031-01-05
        ...Array.from({ length: 5 }, (_, i) => new Date(utc('2031-01-29T02:00:00').getTime() + days(i))), // to 2031-02-02
        ...Array.from({ length: 4 }, (_, i) => new Date(utc('2031-02-27T23:30:00').getTime() + days(i))), // to 2031-03-02
      ];
      let before = await partitionsByTable(env.ds);
      for (const now of instants) {
        env.clock.now = now;
        const run = await env.maintainer().run();
        expectAllOk(run);
        const after = await partitionsByTable(env.ds);
        for (const spec of PARTITIONED_TABLES) {
          const { period, retentionDays } = config.groups[spec.group];
          const list = after.get(spec.table)!;
          const at = `${spec.table} at ${now.toISOString()}`;
          // No gap, no overlap, names in range order.
          for (let i = 1; i < list.length; i++) {
            expect(`${at}: ${list[i].from.toISOString()}`).toBe(`${at}: ${list[i - 1].to.toISOString()}`);
            expect(list[i].name > list[i - 1].name).toBe(true);
          }
          // From the current period through `premake` periods ahead.
          expect(list[0].from.getTime()).toBeLessThanOrEqual(periodStart(now, period).getTime());
          expect(list[list.length - 1].to).toEqual(addPeriods(now, period, config.premake + 1));
          // Exactly the partitions wholly older than retention went.
          const cutoff = now.getTime() - days(retentionDays);
          const expired = before.get(spec.table)!.filter((p) => p.to.getTime() <= cutoff);
          const gone = before.get(spec.table)!.filter((p) => !list.some((q) => q.name === p.name));
          expect(gone.map((p) => p.name)).toEqual(expired.map((p) => p.name));
          expect(list.filter((p) => p.to.getTime() <= cutoff)).toEqual([]);
          expect(run.tables.find((t) => t.table === spec.table)!.dropped).toBe(expired.length);
        }
        // An insert anywhere from the start of today to the end of the premade range lands in a real partition.
        const from = periodStart(now, 'day').getTime();
        const to = addPeriods(now, 'day', config.premake + 1).getTime();
        for (const at of [from, to - 1, from + Math.floor(Math.random() * (to - from))]) {
          for (const table of ['tool_metrics', 'structured_log_entries', 'audit_trails']) {
            expect(await insertRow(env.ds, table, new Date(at))).not.toMatch(/_default$/);
          }
        }
        before = after;
      }
      // Month and year ends were crossed with each period.
      const names = (await partitionsByTable(env.ds)).get('tool_metrics')!.map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['tool_metrics_p20310228', 'tool_metrics_p20310301']));
      expect(env.logger.problems()).toEqual([]);
    } finally {
      await env.close();
    }
  });

  it('moves rows from the DEFAULT partition into their own partitions, keeps security event links, purges expired rows', async () => {
    const env = await setup('parts_default');
    try {
      env.clock.now = utc('2031-01-10T12:00:00');
      expectAllOk(await env.maintainer().run());
      const ahead = ['2031-02-01T00:00:00', '2031-02-01T23:59:59.999999', '2031-02-03T10:00:00'];
      const behind = ['2031-01-06T08:00:00', '2031-01-06T09:00:00']; // within the 5-day retention, before the previous day
      const expired = ['2030-06-01T00:00:00', '2030-06-02T00:00:00'];
      for (const at of [...ahead, ...behind, ...expired]) {
        expect(await insertRow(env.ds, 'tool_metrics', `${at}Z`)).toBe('tool_metrics_default');
      }
      // A security event linked to a log entry waiting in the DEFAULT partition, and one linked to an expired one.
      const kept = '11111111-1111-4111-8111-111111111111';
      const lost = '22222222-2222-4222-8222-222222222222';
      expect(await insertRow(env.ds, 'structured_log_entries', '2031-05-03T10:00:00.123456Z', kept)).toBe('structured_log_entries_default');
      expect(await insertRow(env.ds, 'structured_log_entries', '2030-10-03T10:00:00Z', lost)).toBe('structured_log_entries_default');
      await env.ds.query(
        `INSERT INTO security_events (id, "timestamp", log_entry_id, log_entry_timestamp, event_type, severity, category, description)
         VALUES (gen_random_uuid(), now(), $1, '2031-05-03T10:00:00.123456Z', 'probe', 'low', 'test', 'kept'),
                (gen_random_uuid(), now(), $2, '2030-10-03T10:00:00Z', 'probe', 'low', 'test', 'lost')`,
        [kept, lost],
      );
      const total = await count(env.ds, 'tool_metrics');

      const run = await env.maintainer().run();
      expectAllOk(run);
      expect(run.tables.find((t) => t.table === 'tool_metrics')).toMatchObject({ moved: 5, purged: 2, created: 5 }); // Jan 6, 7, 8 (no gap), Feb 1, Feb 3;
      expect(run.tables.find((t) => t.table === 'structured_log_entries')).toMatchObject({ moved: 1, purged: 1, created: 1 });
      for (const spec of PARTITIONED_TABLES) expect(await count(env.ds, defaultPartitionOf(spec))).toBe(0);
      expect(await count(env.ds, 'tool_metrics')).toBe(total - expired.length);
      const homes: Array<{ partition: string; n: number }> = await env.ds.query(
        `SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM tool_metrics GROUP BY 1 ORDER BY 1`,
      );
      expect(homes).toEqual([
        { partition: 'tool_metrics_p20310106', n: 2 },
        { partition: 'tool_metrics_p20310201', n: 2 },
        { partition: 'tool_metrics_p20310203', n: 1 },
      ]);
      const events: Array<{ description: string; log_entry_id: string | null; at: string | null; partition: string | null }> =
        await env.ds.query(
          `SELECT e.description, e.log_entry_id, to_char(e.log_entry_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS at,
                  l.tableoid::regclass::text AS partition
             FROM security_events e LEFT JOIN structured_log_entries l ON (l.id, l."timestamp") = (e.log_entry_id, e.log_entry_timestamp)
            ORDER BY 1`,
        );
      expect(events).toEqual([
        { description: 'kept', log_entry_id: kept, at: '2031-05-03 10:00:00.123456', partition: 'structured_log_entries_p20310501' },
        { description: 'lost', log_entry_id: null, at: null, partition: null },
      ]);

      // A second run has nothing left to do.
      const again = await env.maintainer().run();
      expect(again.tables.map((t) => t.created + t.moved + t.purged + t.dropped)).toEqual(PARTITIONED_TABLES.map(() => 0));
      expect(env.logger.problems()).toEqual([]);
    } finally {
      await env.close();
    }
  });

  it('retention keeps a security event whose log entry expires, clearing its link', async () => {
    const env = await setup('parts_security');
    try {
      env.clock.now = utc('2031-01-10T12:00:00');
      expectAllOk(await env.maintainer().run());
      const entry = '33333333-3333-4333-8333-333333333333';
      expect(await insertRow(env.ds, 'structured_log_entries', '2031-01-10T09:00:00Z', entry)).toBe('structured_log_entries_p20310101');
      await env.ds.query(
        `INSERT INTO security_events (id, "timestamp", log_entry_id, log_entry_timestamp, event_type, severity, category, description)
         VALUES (gen_random_uuid(), '2031-01-10T09:00:01Z', $1, '2031-01-10T09:00:00Z', 'probe', 'high', 'test', 'survives')`,
        [entry],
      );
      // Logs are monthly with 40 days' retention: January (ending Feb 1) expires on March 13.
      env.clock.now = utc('2031-03-13T00:00:00');
      const run = await env.maintainer().run();
      expectAllOk(run);
      expect(run.tables.find((t) => t.table === 'structured_log_entries')!.dropped).toBe(2); // December and January
      expect(await count(env.ds, 'structured_log_entries')).toBe(0);
      expect(await env.ds.query(`SELECT description, log_entry_id, log_entry_timestamp FROM security_events`)).toEqual([
        { description: 'survives', log_entry_id: null, log_entry_timestamp: null },
      ]);
    } finally {
      await env.close();
    }
  });

  it('three replicas running at the same moment: all succeed and the result is that of one run', async () => {
    const seed = async (ds: DataSource) => {
      for (const at of ['2031-02-01T00:00:00Z', '2031-01-07T05:00:00Z', '2030-01-01T00:00:00Z']) {
        for (const table of ['tool_metrics', 'token_usage_logs', 'structured_log_entries', 'audit_trails']) await insertRow(ds, table, at);
      }
    };
    const [shared, single] = await Promise.all([setup('parts_race'), setup('parts_single')]);
    const replicas = await Promise.all([1, 2, 3].map(() => openDataSource(shared.url, 2)));
    try {
      shared.clock.now = single.clock.now = utc('2031-01-10T12:00:00');
      await Promise.all([seed(shared.ds), seed(single.ds)]);
      // Each replica walks the tables in a different order, so that they meet on every table.
      const orders = [
        PARTITIONED_TABLES,
        [...PARTITIONED_TABLES].reverse(),
        [...PARTITIONED_TABLES.slice(5), ...PARTITIONED_TABLES.slice(0, 5)],
      ];
      const runs = await Promise.all(replicas.map((ds, i) => shared.maintainer(ds, orders[i]).run()));
      for (const run of runs) expect(run.tables.filter((t) => t.status === 'failed')).toEqual([]);
      expect(shared.logger.problems()).toEqual([]);
      const one = await single.maintainer().run();
      expectAllOk(one);

      expect(await partitionSnapshot(shared.ds)).toEqual(await partitionSnapshot(single.ds));
      for (const spec of PARTITIONED_TABLES) {
        expect(await count(shared.ds, spec.table)).toBe(await count(single.ds, spec.table));
        expect(await count(shared.ds, defaultPartitionOf(spec))).toBe(0);
      }
      // Together the replicas did each piece of work exactly once.
      const total = (runs: MaintenanceRun[], key: 'created' | 'moved' | 'purged' | 'dropped') =>
        runs.flatMap((r) => r.tables).reduce((sum, t) => sum + t[key], 0);
      const totals = (runs: MaintenanceRun[]) =>
        Object.fromEntries((['created', 'moved', 'purged', 'dropped'] as const).map((key) => [key, total(runs, key)]));
      expect(totals(runs)).toEqual(totals([one]));
    } finally {
      await Promise.all(replicas.map((ds) => ds.destroy()));
      await Promise.all([shared.close(), single.close()]);
    }
  });

  it('an insert stream running through create, move and drop sees no failed insert and loses no row', async () => {
    const env = await setup('parts_stream');
    const pool = new Pool({ connectionString: env.url, max: 4 });
    // pool.end() can resolve before its last idle connection has closed; dropping the database then ends it (not an error of the test).
    pool.on('error', () => undefined);
    try {
      env.clock.now = utc('2031-01-10T12:00:00');
      expectAllOk(await env.maintainer().run()); // tool_metrics: Jan 9 to Jan 13
      // Rows that retention will drop, rows it keeps, rows waiting in the DEFAULT partition.
      for (const at of ['2031-01-09T01:00:00Z', '2031-01-11T01:00:00Z'])
        for (let i = 0; i < 50; i++) await insertRow(env.ds, 'tool_metrics', at);
      for (let i = 0; i < 500; i++) await insertRow(env.ds, 'tool_metrics', new Date(utc('2031-01-30T00:00:00').getTime() + i * 1000));
      const expiring = 50 + 50; // Jan 9 and Jan 11 end before the cutoff of Jan 12, 12:00
      const before = await count(env.ds, 'tool_metrics');

      // A week later: Jan 9 to Jan 11 expire, Jan 14 to Jan 20 are created, Jan 30 is created for the rows waiting.
      env.clock.now = utc('2031-01-17T12:00:00');
      // Into a kept partition, into ranges created during the run, into the range being moved.
      const targets = [
        '2031-01-12T10:00:00Z',
        '2031-01-15T10:00:00Z',
        '2031-01-17T10:00:00Z',
        '2031-01-19T23:59:59Z',
        '2031-01-30T12:00:00Z',
      ];
      let done = false;
      let inserted = 0;
      let during = 0;
      const failures: string[] = [];
      let runStarted = Infinity;
      const worker = async (w: number) => {
        for (let i = 0; !done || i < 100; i++) {
          try {
            await insertRow(pool, 'tool_metrics', targets[(i + w) % targets.length]);
            inserted++;
            if (Date.now() >= runStarted && !done) during++;
          } catch (error) {
            failures.push((error as Error).message);
          }
        }
      };
      const stream = Promise.all([0, 1, 2, 3].map(worker));
      await new Promise((r) => setTimeout(r, 50));
      runStarted = Date.now();
      const run = await env.maintainer().run();
      done = true;
      await stream;

      expectAllOk(run);
      expect(run.tables[0]).toMatchObject({ table: 'tool_metrics', created: 8, dropped: 3, purged: 0 });
      expect(run.tables[0].moved).toBeGreaterThanOrEqual(500); // and the stream's rows that arrived before their partition
      expect(during).toBeGreaterThan(0);
      expect(failures).toEqual([]);
      expect(await count(env.ds, 'tool_metrics')).toBe(before - expiring + inserted);
      expect(await count(env.ds, 'tool_metrics_default')).toBe(0);
    } finally {
      await pool.end();
      await env.close();
    }
  });

  it('gives way to traffic: a table whose lock is not granted within the lock timeout is skipped, the run goes on', async () => {
    const env = await setup('parts_lock', settings({ lockTimeoutMs: 200 }));
    const writer = new Pool({ connectionString: env.url, max: 1 });
    // pool.end() can resolve before its last idle connection has closed; dropping the database then ends it (not an error of the test).
    writer.on('error', () => undefined);
    const client = await writer.connect();
    try {
      env.clock.now = utc('2031-01-10T12:00:00');
      // A write transaction left open on tool_metrics (into its DEFAULT partition, as none exists yet).
      await client.query('BEGIN');
      await insertRow(client, 'tool_metrics', '2031-01-10T12:00:00Z');
      const started = Date.now();
      const run = await env.maintainer().run();
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(run.ok).toBe(true);
      expect(run.tables[0]).toMatchObject({
        table: 'tool_metrics',
        status: 'skipped',
        created: 0,
        reason: expect.stringContaining('200 ms'),
      });
      expect(run.tables.slice(1).every((t) => t.status === 'ok' && t.created > 0)).toBe(true);
      expect(env.logger.problems()).toEqual([{ level: 'warn', message: expect.stringContaining('tool_metrics: gave way to traffic') }]);

      await client.query('COMMIT');
      const next = await env.maintainer().run();
      expect(next.tables[0]).toMatchObject({ status: 'ok', created: 5, moved: 1 });
    } finally {
      client.release();
      await writer.end();
      await env.close();
    }
  });
});
