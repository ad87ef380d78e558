import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateToken } from '../src/auth/token';
import { startApp, TestApp } from './support/app';
import { runScript } from './support/cli';
import { createDatabase, dropDatabase, query, tablesOf } from './support/postgres';
import { HISTORY_TABLE, LOGS_TABLES, METRICS_TABLES } from './support/schema-fixture';
import { eventually, sleep } from './support/wait';

const HOUR = 3600_000;
/** Rows the run wrote into `table` (units not skipped). */
const caughtUp = (stdout: string, table: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((e) => e.event === 'unit' && e.table === table && e.action !== 'skipped')
    .reduce((n, e) => n + e.rows, 0);
const move = (vars: Record<string, string>, args: string[]) => runScript('src/cli/db-move.ts', args, vars, 180_000);

/**
 * The documented cut-over, both ways, while an app keeps writing: copy the history, restart
 * the service with the new URLs, copy what was written meanwhile and drop the source.
 */
describe('npm run db:move: split out and merge back while the service writes', () => {
  let core: string;
  let metricsDb: string;
  let logsDb: string;
  let app: TestApp | null = null;
  let toolId = '';
  const token = generateToken();
  const spool = mkdtempSync(join(tmpdir(), 'ff-move-spool-'));
  const base = () => ({ DATABASE_URL: core, ADMIN_TOKEN: token, SPOOL_DIR: spool, WRITER_FLUSH_MS: '50' });

  // The load: small batches of executions of one tool, as fast as the app takes them.
  let accepted = 0;
  let writing = true;
  let loop: Promise<void> = Promise.resolve();
  const live = async () => {
    while (writing) {
      const current = app;
      if (current) {
        const batch = Array.from({ length: 5 }, () => ({
          entity_type: 'tool',
          entity_id: 'live-tool',
          response_time: 0.02,
          is_success: true,
        }));
        const res = await current.post('/api/v1/metrics/executions', batch).catch(() => null);
        if (res?.status === 202) accepted += res.body.accepted;
      }
      await sleep(15);
    }
  };

  const reports = async () => {
    const from = new Date(Math.floor(Date.now() / HOUR) * HOUR - 80 * HOUR).toISOString();
    const to = new Date(Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR).toISOString();
    const summary = (await app!.get(`/api/v1/metrics/tools/history-tool/summary?from=${from}&to=${to}`)).body;
    const series = (await app!.get(`/api/v1/metrics/tools/history-tool/timeseries?from=${from}&to=${to}&bucket=hour`)).body;
    const audit = (await app!.get(`/api/v1/audit-trails?resource_id=${toolId}`)).body;
    return { summary, series, audit };
  };

  const restart = async (vars: Record<string, string>) => {
    const old = app!;
    app = null;
    await old.close();
    app = await startApp({ ...base(), ...vars });
  };

  beforeAll(async () => {
    core = await createDatabase('cut_core');
    metricsDb = await createDatabase('cut_metrics');
    logsDb = await createDatabase('cut_logs');
  });

  afterAll(async () => {
    writing = false;
    await loop;
    await app?.close();
    await Promise.all([core, metricsDb, logsDb].map(dropDatabase));
  });

  it('counts and checksums match, no row is lost or written twice, and reports read the same', async () => {
    app = await startApp(base());
    // History: three days of one tool, hour by hour, rolled up; a registry change for the audit trail.
    const history = Array.from({ length: 72 * 4 }, (_, i) => ({
      entity_type: 'tool',
      entity_id: 'history-tool',
      timestamp: new Date(Date.now() - 75 * HOUR + i * 15 * 60_000).toISOString(),
      response_time: 0.01 * ((i % 50) + 1),
      is_success: i % 9 !== 0,
    }));
    expect((await app.post('/api/v1/metrics/executions', history)).status).toBe(202);
    const tool = await app.post('/api/v1/tools', { name: 'moved-tool', url: 'https://example.com/t' });
    expect(tool.status).toBe(201);
    toolId = tool.body.id;
    await eventually(
      async () =>
        (await query<{ n: number }>(core, `SELECT count(*)::int AS n FROM tool_metrics WHERE tool_id = 'history-tool'`))[0].n ===
        history.length,
    );
    expect((await app.post('/api/v1/metrics/rollup', { hours_back: 96 })).body.ran).toBe(true);
    const before = await reports();
    expect(before.summary.total_executions).toBeGreaterThan(200);
    expect(before.series.source).toBe('hourly'); // rolled-up hours answer from the rollups, which move too
    expect(before.audit.items).toHaveLength(1);

    loop = live();
    await sleep(300);

    // Out: copy the history while the service writes to core…
    for (const role of ['metrics', 'logs']) {
      const first = await move({ DATABASE_URL: core }, ['--role', role, '--to', role === 'metrics' ? metricsDb : logsDb]);
      expect([role, first.code, first.stderr]).toEqual([role, 0, expect.any(String)]);
    }
    // …restart with the new URLs (writes go there now)…
    const split = { METRICS_DATABASE_URL: metricsDb, LOGS_DATABASE_URL: logsDb };
    await restart(split);
    await sleep(300);
    // …then copy what was written in between, verify, and drop the source's tables.
    for (const role of ['metrics', 'logs']) {
      const second = await move({ DATABASE_URL: core, ...split }, [
        '--role',
        role,
        '--from',
        'core',
        '--to',
        role === 'metrics' ? metricsDb : logsDb,
        '--drop-source',
      ]);
      expect([role, second.code]).toEqual([role, 0]);
      expect(second.stderr).toMatch(/verified, then dropped \d+ .* tables/);
      // The rows written between the first pass and the restart were copied now.
      expect(caughtUp(second.stdout, role === 'metrics' ? 'tool_metrics' : 'structured_log_entries')).toBeGreaterThan(0);
    }
    expect(await tablesOf(core)).not.toEqual(expect.arrayContaining(['tool_metrics']));
    expect((await tablesOf(core)).filter((t) => [...METRICS_TABLES, ...LOGS_TABLES].includes(t))).toEqual([]);
    expect(await query(core, `SELECT DISTINCT role FROM ${HISTORY_TABLE} WHERE role IN ('metrics', 'logs')`)).toEqual([]);
    expect(await reports()).toEqual(before);

    // And back: copy to core while the service writes to the role databases, restart, catch up.
    for (const role of ['metrics', 'logs']) {
      expect((await move({ DATABASE_URL: core, ...split }, ['--role', role, '--to', 'core'])).code).toBe(0);
    }
    await restart({});
    await sleep(300);
    for (const role of ['metrics', 'logs']) {
      const back = await move({ DATABASE_URL: core }, [
        '--role',
        role,
        '--from',
        role === 'metrics' ? metricsDb : logsDb,
        '--to',
        'core',
        '--drop-source',
      ]);
      expect([role, back.code, back.stderr]).toEqual([role, 0, expect.stringMatching(/verified, then dropped/)]);
    }
    expect(await tablesOf(metricsDb)).toEqual([HISTORY_TABLE]);
    expect(await tablesOf(logsDb)).toEqual([HISTORY_TABLE]);

    writing = false;
    await loop;
    expect(accepted).toBeGreaterThan(100);
    // Every accepted row is in core exactly once (the key includes the id: a duplicate would count twice).
    await eventually(
      async () =>
        (await query<{ n: number }>(core, `SELECT count(*)::int AS n FROM tool_metrics WHERE tool_id = 'live-tool'`))[0].n >= accepted,
    );
    const [rows] = await query<{ n: number; ids: number }>(
      core,
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM tool_metrics WHERE tool_id = 'live-tool'`,
    );
    expect(rows).toEqual({ n: accepted, ids: accepted });
    expect(await reports()).toEqual(before);
  });
});
