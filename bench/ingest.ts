import { RoleDataSources } from '../src/database/role-data-sources';
import { ROLES } from '../src/database/roles';
import { settingsFromEnv } from '../src/config/settings';
import { durabilityOf } from '../src/database/role-definition';
import { ROLE_DEFINITIONS } from '../src/role-registry';
/**
 * npm run bench:ingest — execution-metrics ingest throughput, three ways, on the same rows
 * and the same partitioned table (tool_metrics, emptied between runs):
 *
 *   1. baseline: one plain COPY of the pre-encoded rows in one transaction;
 *   2. writer:   the in-process RowWriter (encoding, buffering, batched COPY), as services use it;
 *   3. http:     POST /api/v1/metrics/executions against the real service in a child process,
 *                with concurrent clients, until every accepted row is committed.
 *
 * Each prints rows/s and its ratio to the baseline. Runs its own embedded PostgreSQL.
 * BENCH_ROWS (default 500000), BENCH_CLIENTS (default 8), BENCH_BATCH (default 1000), BENCH_BASELINE_RUNS
 * (default 3: the fastest plain COPY is the baseline);
 * BENCH_CPU_PROF=<dir> writes a CPU profile of the service process there. WRITER_* apply to run 2.
 */
import { uuidv7 } from '../src/common/ids';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { parseEnv } from '../src/config/configuration';
import { dataSourceOptions } from '../src/database/data-source-options';
import { resolveTopology } from '../src/database/database-topology';
import { RowWriter, WriterFullError } from '../src/writer/row-writer';
import { tableSchema } from '../src/writer/table-schema';
import { batchColumns, encodeCopyRow, quoteColumns } from '../src/writer/copy-encoding';
import { Agent, request } from 'node:http';
import { startDatabase, startService } from './support';

const ROWS = Number(process.env.BENCH_ROWS ?? 500_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const BASELINE_RUNS = Number(process.env.BENCH_BASELINE_RUNS ?? 3);
// The service's admin token for this run (ingest needs metrics.write; /status needs admin).
const BENCH_TOKEN = `ff_bench_${randomBytes(24).toString('hex')}`;
const AUTH = { authorization: `Bearer ${BENCH_TOKEN}` };
const TOOLS = 50;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000));

interface Item {
  entity_type: 'tool';
  entity_id: string;
  timestamp: string;
  response_time: number;
  is_success: boolean;
  error_message?: string;
}

/** The same executions for all three runs: API items, and the rows the service makes of them. */
function generate(): { items: Item[]; rows: Record<string, unknown>[] } {
  const items: Item[] = [];
  const rows: Record<string, unknown>[] = [];
  const start = Date.now() - 3_600_000;
  for (let i = 0; i < ROWS; i++) {
    const ok = i % 20 !== 0;
    const item: Item = {
      entity_type: 'tool',
      entity_id: `tool-${String(i % TOOLS).padStart(4, '0')}`,
      timestamp: new Date(start + Math.floor((i / ROWS) * 3_600_000)).toISOString(),
      response_time: ((i * 7919) % 5000) / 1000,
      is_success: ok,
      ...(ok ? {} : { error_message: 'upstream timed out after 30s' }),
    };
    items.push(item);
    rows.push({
      id: uuidv7(),
      tool_id: item.entity_id,
      tool_name: `Tool number ${i % TOOLS}`,
      timestamp: new Date(item.timestamp),
      response_time: item.response_time,
      is_success: item.is_success,
      error_message: item.error_message ?? null,
    });
  }
  return { items, rows };
}

async function truncate(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query('TRUNCATE tool_metrics');
  await c.query('CHECKPOINT');
  await c.end();
}

async function count(url: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query('SELECT count(*)::int AS n FROM tool_metrics');
  await c.end();
  return rows[0].n;
}

async function baseline(url: string, text: string[], columns: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const started = performance.now();
  await c.query('BEGIN');
  await c.query('SET LOCAL synchronous_commit = off');
  await pipeline(Readable.from(text), c.query(copyFrom(`COPY tool_metrics (${columns}) FROM STDIN`)));
  await c.query('COMMIT');
  const ms = performance.now() - started;
  await c.end();
  return ms;
}

async function writerRun(url: string, rows: Record<string, unknown>[]): Promise<number> {
  const db = resolveTopology({ core: url }).databases[0];
  const env = parseEnv({ ...process.env, DATABASE_URL: url });
  const ds = new DataSource(
    dataSourceOptions(db, ROLE_DEFINITIONS, { poolSize: env.DB_POOL_SIZE, connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS }),
  );
  await ds.initialize();
  const spool = mkdtempSync(join(tmpdir(), 'ff-bench-spool-'));
  const settings = settingsFromEnv({ ...env, SPOOL_DIR: spool });
  const writer = new RowWriter(
    Object.fromEntries(ROLES.map((role) => [role, ds])) as RoleDataSources,
    durabilityOf(ROLE_DEFINITIONS, settings.database),
    settings.writer,
  );
  writer.onModuleInit();
  const started = performance.now();
  for (let i = 0; i < rows.length;) {
    const chunk = rows.slice(i, i + BATCH);
    try {
      writer.enqueue('metrics', 'tool_metrics', chunk);
      i += chunk.length;
    } catch (error) {
      if (!(error instanceof WriterFullError)) throw error;
      await new Promise((r) => setTimeout(r, 1)); // back-pressure: what a client does on 503
    }
    if ((i / BATCH) % 20 === 0) await new Promise((r) => setImmediate(r));
  }
  await writer.flush();
  const ms = performance.now() - started;
  const stats = writer.stats().totals;
  if (stats.written !== rows.length || stats.spooled !== 0) throw new Error(`writer wrote ${stats.written}, spooled ${stats.spooled}`);
  await writer.beforeApplicationShutdown();
  await ds.destroy();
  rmSync(spool, { recursive: true, force: true });
  return ms;
}

function post(agent: Agent, port: number, body: string): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...AUTH };
    const req = request({ agent, host: '127.0.0.1', port, method: 'POST', path: '/api/v1/metrics/executions', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function peakRssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function httpRun(url: string, items: Item[]): Promise<{ ms: number; peakRss: number; refused: number }> {
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query(`INSERT INTO tools (id, name, original_name, version)
    SELECT 'tool-' || lpad(g::text, 4, '0'), 'Tool number ' || g, 'tool' || g, 1 FROM generate_series(0, ${TOOLS - 1}) g ON CONFLICT DO NOTHING`);
  await c.end();
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const service = await startService(
    url,
    BENCH_TOKEN,
    {
      NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS ?? '', // e.g. --max-old-space-size=160 to bound the service's heap
      METRICS_ROLLUP_ENABLED: 'false',
    },
    profile,
  );
  const { base, port } = service;
  const bodies: string[] = [];
  for (let i = 0; i < items.length; i += BATCH) bodies.push(JSON.stringify(items.slice(i, i + BATCH)));
  // node:http with keep-alive rather than fetch: the client shares the machine's two cores
  // with the service and PostgreSQL, and fetch costs noticeably more CPU per request.
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  let next = 0;
  let refused = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        for (;;) {
          const res = await post(agent, port, body);
          if (res.status === 202) break;
          if (res.status !== 503) throw new Error(`ingest answered ${res.status}`);
          refused++;
          await new Promise((r) => setTimeout(r, 1000 * Number(res.retryAfter ?? 1)));
        }
      }
    }),
  );
  // Done when every accepted row is committed (the writer's own counter, then the table).
  for (;;) {
    const { writers: stats } = (await (await fetch(`${base}/status/database`, { headers: AUTH })).json()) as {
      writers: { tables: Array<{ table: string; written: number; queued: number }> };
    };
    const tool = stats.tables.find((t) => t.table === 'tool_metrics');
    if (tool && tool.written >= items.length && tool.queued === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - started;
  agent.destroy();
  const peakRss = peakRssOf(service.pid);
  await service.stop();
  return { ms, peakRss, refused };
}

async function main(): Promise<void> {
  const pg = await startDatabase();
  try {
    const db = resolveTopology({ core: pg.url }).databases[0];
    console.log(`machine: ${cpus().length} × ${cpus()[0].model}, ${mb(totalmem())} RAM; node ${process.version}; PostgreSQL embedded 18`);
    console.log(
      `rows: ${ROWS} executions into tool_metrics (partitioned; default partition), ${CLIENTS} HTTP clients, ${BATCH} per request\n`,
    );
    const { items, rows } = generate();

    // Encoded with the writer's own encoder, before the clock starts: the baseline is the database's COPY speed alone.
    const ds = new DataSource(dataSourceOptions(db, ROLE_DEFINITIONS, { poolSize: 1, connectTimeoutMs: 5000 }));
    await (ds as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
    const schema = tableSchema(ds, 'tool_metrics');
    const columns = batchColumns(rows.slice(0, 1), schema.columns, 'tool_metrics');
    const text: string[] = [];
    for (let i = 0; i < rows.length; i += 5000)
      text.push(
        rows
          .slice(i, i + 5000)
          .map((r) => encodeCopyRow(r, columns))
          .join(''),
      );

    // The plain COPY moves by ±25 % from run to run here (checkpoints, the shared disk): the
    // fastest of BASELINE_RUNS is the baseline, which makes every ratio the harder one.
    const baseRuns: number[] = [];
    for (let i = 0; i < BASELINE_RUNS; i++) {
      await truncate(pg.url);
      baseRuns.push(await baseline(pg.url, text, quoteColumns(columns.map((c) => c.name))));
      if ((await count(pg.url)) !== ROWS) throw new Error('baseline row count mismatch');
    }
    const baseMs = Math.min(...baseRuns);
    const base = rate(ROWS, baseMs);

    await truncate(pg.url);
    const writerMs = await writerRun(pg.url, rows);
    if ((await count(pg.url)) !== ROWS) throw new Error('writer row count mismatch');
    const writer = rate(ROWS, writerMs);

    await truncate(pg.url);
    const http = await httpRun(pg.url, items);
    if ((await count(pg.url)) !== ROWS) throw new Error('http row count mismatch');
    const httpRate = rate(ROWS, http.ms);

    const line = (name: string, r: number, note: string) =>
      console.log(`${name.padEnd(34)} ${String(r).padStart(9)} rows/s   ratio ${(r / base).toFixed(2)}   ${note}`);
    line(
      'baseline: plain COPY',
      base,
      `${(baseMs / 1000).toFixed(2)} s (fastest of ${baseRuns.map((ms) => rate(ROWS, ms)).join(', ')} rows/s)`,
    );
    line('writer: RowWriter in process', writer, `${(writerMs / 1000).toFixed(2)} s (target ≥ 0.90)`);
    line(`http: POST /executions ×${CLIENTS}`, httpRate, `${(http.ms / 1000).toFixed(2)} s (target ≥ 0.60), ${http.refused} × 503`);
    console.log(
      `\npeak RSS: service process ${mb(http.peakRss)}; bench process ${mb(process.resourceUsage().maxRSS * 1024)} (holds all generated rows)`,
    );
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await pg.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
