import { ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RowWriter } from '../src/writer/row-writer';
import { startApp, TestApp } from './support/app';
import { cleanEnv, ROOT } from './support/cli';
import { eventually, sleep } from './support/wait';
import { createDatabase, dropDatabase, freePort, query, startTestServer, TestServer } from './support/postgres';

// The child process's admin token (ADMIN_TOKEN): ingest and /status need one.
const CHILD_TOKEN = 'ff_kill_restart_test_token_0123456789abcdef';
const AUTH = { authorization: `Bearer ${CHILD_TOKEN}` };

/**
 * The tool_metrics writer counters of a fourfold child process, from /status/database. (The
 * totals also count other tables: every authenticated request writes a token_usage_logs row.)
 */
async function writerTotals(base: string): Promise<Record<string, number>> {
  const res = await fetch(`${base}/status/database`, { headers: AUTH });
  const { writers } = (await res.json()) as { writers: { tables: Array<Record<string, number> & { table: string }> } };
  return (
    writers.tables.find((t) => t.table === 'tool_metrics') ?? { spooled: 0, queued: 0, spool_files: 0, replayed: 0, replay_duplicates: 0 }
  );
}

/** Outage specs restart servers and processes: give them a minute. */
const eventuallyLong = (check: () => Promise<boolean>) => eventually(check, 60_000, 250);

const batch = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({
    entity_type: 'tool',
    entity_id: `tool-${i % 5}`,
    response_time: i / 100,
    is_success: true,
    error_message: tag,
  }));

const countRows = async (url: string) => Number((await query<{ n: string }>(url, 'SELECT count(*) AS n FROM tool_metrics'))[0].n);

describe('metrics database outage', () => {
  let server: TestServer;
  let app: TestApp;
  let core: string;
  let metrics: string;
  let spoolDir: string;

  beforeAll(async () => {
    server = await startTestServer();
    core = await createDatabase('fcore');
    metrics = await createDatabase('fmetrics', server.adminUrl);
    spoolDir = mkdtempSync(join(tmpdir(), 'ff-fault-spool-'));
    app = await startApp({
      DATABASE_URL: core,
      METRICS_DATABASE_URL: metrics,
      SPOOL_DIR: spoolDir,
      WRITER_FLUSH_MS: '50',
      WRITER_PROBE_MS: '300',
    });
  });

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
    await dropDatabase(core);
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('stopped while batches keep arriving: core and ingest keep answering; after replay the row count equals the accepted count', async () => {
    let accepted = 0;
    let refused = 0;
    let sending = true;
    const sender = (async () => {
      for (let i = 0; sending; i++) {
        const res = await app.post('/api/v1/metrics/executions', batch(50, `b${i}`));
        if (res.status === 202) accepted += res.body.accepted;
        else refused++;
        await sleep(10);
      }
    })();

    await sleep(500);
    await server.stop();
    const duringOutage = accepted;
    await sleep(1500);
    expect((await app.get('/health/ready')).status).toBe(200); // core answers; metrics is only degraded
    expect((await app.get('/health/ready')).body.degraded).toEqual(['metrics']);
    expect(accepted).toBeGreaterThan(duringOutage); // ingest keeps answering 202
    const stats = (await app.get('/status/database')).body.writers;
    expect(stats.roles.metrics.available).toBe(false);
    expect(stats.totals.spooled).toBeGreaterThan(0);

    await server.restart();
    await sleep(1000);
    sending = false;
    await sender;
    expect(refused).toBe(0);

    await app.app.get(RowWriter).flush();
    await eventuallyLong(async () => (await app.get('/status/database')).body.writers.totals.spool_files === 0);
    expect(await countRows(metrics)).toBe(accepted);
    const after = (await app.get('/status/database')).body.writers.totals;
    expect(after.replayed + after.written).toBeGreaterThanOrEqual(accepted);
  });
});

describe('a process killed with rows in its spool', () => {
  let server: TestServer;
  let core: string;
  let metrics: string;
  let spoolDir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    server = await startTestServer();
    core = await createDatabase('kcore');
    metrics = await createDatabase('kmetrics', server.adminUrl);
    spoolDir = mkdtempSync(join(tmpdir(), 'ff-kill-spool-'));
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await server?.destroy();
    await dropDatabase(core);
    rmSync(spoolDir, { recursive: true, force: true });
  });

  async function startProcess(port: number): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env: cleanEnv({
        DATABASE_URL: core,
        METRICS_DATABASE_URL: metrics,
        PORT: String(port),
        SPOOL_DIR: spoolDir,
        WRITER_FLUSH_MS: '50',
        WRITER_PROBE_MS: '300',
        METRICS_ROLLUP_ENABLED: 'false',
        PERFORMANCE_ENABLED: 'false',
        LOG_LEVEL: 'warn',
        ADMIN_TOKEN: CHILD_TOKEN,
      }),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await eventuallyLong(() =>
      fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.status === 200,
        () => false,
      ),
    );
    return proc;
  }

  it('replays them exactly once when it starts again', async () => {
    await server.stop();
    const port = await freePort();
    child = await startProcess(port);
    const base = `http://127.0.0.1:${port}`;
    let accepted = 0;
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${base}/api/v1/metrics/executions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...AUTH },
        body: JSON.stringify(batch(100, `k${i}`)),
      });
      expect(res.status).toBe(202);
      accepted += ((await res.json()) as { accepted: number }).accepted;
    }
    // Wait until every accepted row is on disk, then kill without any chance to flush.
    await eventuallyLong(async () => {
      const totals = await writerTotals(base);
      return totals.spooled === accepted && totals.queued === 0;
    });
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited;

    // As if the process had also died between a replay's commit and the file's deletion:
    // the same records twice on disk. Ids fixed at ingest make the second copy insert nothing.
    const dir = join(spoolDir, 'metrics', 'tool_metrics');
    const files = readdirSync(dir).sort();
    expect(files.length).toBeGreaterThan(0);
    copyFileSync(join(dir, files[0]), join(dir, '999999999999.spool'));

    await server.restart();
    child = await startProcess(port);
    await eventuallyLong(async () => {
      return (await writerTotals(base)).spool_files === 0 && (await countRows(metrics)) >= accepted;
    });
    expect(await countRows(metrics)).toBe(accepted);
    const totals = await writerTotals(base);
    expect(totals.replayed).toBe(accepted);
    expect(totals.replay_duplicates).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual([]);

    const exitedAgain = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    expect(await exitedAgain).toBe(0);
  });
});

describe('metrics database down and spool full', () => {
  it('answers 503 with Retry-After, and every accepted row is written once the database returns', async () => {
    const server = await startTestServer();
    const core = await createDatabase('scoren');
    const metrics = await createDatabase('smetrics', server.adminUrl);
    const spoolDir = mkdtempSync(join(tmpdir(), 'ff-full-spool-'));
    const app = await startApp({
      DATABASE_URL: core,
      METRICS_DATABASE_URL: metrics,
      SPOOL_DIR: spoolDir,
      SPOOL_MAX_MB: '1',
      WRITER_MAX_QUEUE_ROWS: '2000',
      METRICS_INGEST_MAX_BATCH: '500',
      WRITER_FLUSH_MS: '20',
      WRITER_PROBE_MS: '200',
    });
    try {
      await server.stop();
      let accepted = 0;
      let full: Awaited<ReturnType<TestApp['post']>> | undefined;
      for (let i = 0; i < 200 && !full; i++) {
        const res = await app.post('/api/v1/metrics/executions', batch(500, `f${i}-${'x'.repeat(200)}`));
        if (res.status === 202) accepted += res.body.accepted;
        else full = res;
      }
      expect(full?.status).toBe(503);
      expect(Number(full!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(full!.body.message).toMatch(/full/);
      expect(accepted).toBeGreaterThan(0);

      await server.restart();
      await eventuallyLong(async () => {
        // tool_metrics only: each request (this poll included) also writes token usage and log rows.
        const { tables } = (await app.get('/status/database')).body.writers;
        const tool = tables.find((t: { table: string }) => t.table === 'tool_metrics');
        expect(tool.queued).toBeGreaterThanOrEqual(0);
        return tool.queued === 0 && tool.spool_files === 0;
      });
      expect(await countRows(metrics)).toBe(accepted);
    } finally {
      await app.close();
      await server.destroy();
      await dropDatabase(core);
      rmSync(spoolDir, { recursive: true, force: true });
    }
  });
});
