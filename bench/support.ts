/** Shared by the benchmarks that run the real service: an embedded PostgreSQL, the service in a child process, timing. */
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { resolveTopology } from '../src/database/database-topology';
import { RunningPostgres, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { migrateDatabase } from '../src/database/migration-runner';
import { ROLE_DEFINITIONS } from '../src/role-registry';
import { batchColumns, CopyColumn, encodeCopyRow, quoteColumns } from '../src/writer/copy-encoding';
import { tableSchema } from '../src/writer/table-schema';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A private, migrated PostgreSQL 18; `stop` removes it. */
export async function startDatabase(): Promise<RunningPostgres & { dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'ff-bench-pg-'));
  chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: await freePort(), database: 'bench', persistent: false });
  const [db] = resolveTopology({ core: pg.url, metrics: undefined, logs: undefined, observability: undefined }).databases;
  await migrateDatabase(db, ROLE_DEFINITIONS);
  return {
    ...pg,
    dispose: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Service {
  base: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The real service (src/main.ts) in a child process, ready when /health/ready answers.
 * `env` overrides the defaults (migrations off: the caller migrated); `nodeArgs` go to node
 * (a CPU profile, for instance).
 */
export async function startService(
  url: string,
  token: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<Service> {
  const port = await freePort();
  const spool = mkdtempSync(join(tmpdir(), 'ff-bench-spool-'));
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: join(__dirname, '..'),
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      SPOOL_DIR: spool,
      LOG_LEVEL: 'warn',
      MIGRATIONS_RUN: 'false',
      ADMIN_TOKEN: token,
      // OTLP ports only where a benchmark asks for them (on free ports).
      OTLP_GRPC_PORT: '0',
      OTLP_HTTP_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 480) throw new Error('service did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    port,
    pid: child.pid!,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(spool, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` `runs` times, one after the other; returns the durations in ms, sorted. */
export async function timed(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    out.push(performance.now() - started);
  }
  return out.sort((a, b) => a - b);
}

/** Nearest-rank percentile of sorted durations. */
export const p = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

export const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);

export const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The line every benchmark starts with: the machine, and how busy it is (figures mean little without it). */
export function machineLine(): string {
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  return `machine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GB RAM; node ${process.version}; PostgreSQL embedded 18; load average ${load}`;
}

/** One statement on a short-lived connection. */
export async function sql<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

export const rowCount = async (url: string, table: string, where = 'true') =>
  Number((await sql<{ n: string }>(url, `SELECT count(*) AS n FROM ${table} WHERE ${where}`))[0].n);

/** The service's entity metadata over the bench database, without connecting: what the writer's table schemas come from. */
export async function benchMetadata(url: string): Promise<DataSource> {
  const db = resolveTopology({ core: url, metrics: undefined, logs: undefined, observability: undefined }).databases[0];
  const ds = new DataSource(dataSourceOptions(db, ROLE_DEFINITIONS, { poolSize: 1, connectTimeoutMs: 5000 }));
  await (ds as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
  return ds;
}

/**
 * The COPY baseline of a table: the rows the service writes, encoded beforehand with the
 * writer's own column list and encoder, COPYed in one transaction with synchronous_commit off
 * (as the relaxed roles commit). `triggers: false` sets session_replication_role = replica:
 * the bare write, without the table's triggers.
 */
export class TableCopy {
  private readonly columns: CopyColumn[];
  private readonly columnList: string;

  constructor(
    ds: DataSource,
    readonly table: string,
    sample: readonly Record<string, unknown>[],
  ) {
    this.columns = batchColumns(sample, tableSchema(ds, table).columns, table);
    this.columnList = quoteColumns(this.columns.map((c) => c.name));
  }

  /** COPY text of the rows, as the writer joins a chunk of them. */
  text(rows: readonly Record<string, unknown>[]): string {
    return rows.map((row) => encodeCopyRow(row, this.columns)).join('');
  }

  async copy(client: Client, chunks: string[], options: { triggers: boolean } = { triggers: true }): Promise<void> {
    await client.query('BEGIN');
    await client.query('SET LOCAL synchronous_commit = off');
    if (!options.triggers) await client.query('SET LOCAL session_replication_role = replica');
    await pipeline(Readable.from(chunks), client.query(copyFrom(`COPY ${this.table} (${this.columnList}) FROM STDIN`)));
    await client.query('COMMIT');
  }

  /** Milliseconds to COPY `chunks` (`perTransaction` chunks a transaction) into the emptied table; checks the row count. */
  async timed(url: string, chunks: string[], rows: number, options: { triggers: boolean; perTransaction?: number }): Promise<number> {
    const per = options.perTransaction ?? chunks.length;
    const c = new Client({ connectionString: url });
    await c.connect();
    const started = performance.now();
    for (let i = 0; i < chunks.length; i += per) await this.copy(c, chunks.slice(i, i + per), options);
    const ms = performance.now() - started;
    await c.end();
    const stored = await rowCount(url, this.table);
    if (stored !== rows) throw new Error(`COPY baseline stored ${stored} rows of ${this.table}, expected ${rows}`);
    return ms;
  }
}

export interface HttpAnswer {
  status: number;
  retryAfter?: string;
  text: string;
}

/** One HTTP request with the bench token; `body` as protobuf. */
export function send(agent: Agent, port: number, token: string, method: string, path: string, body?: Buffer): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
    if (body) Object.assign(headers, { 'content-type': 'application/x-protobuf', 'content-length': body.length });
    const req = request({ agent, host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'] as string | undefined,
          text: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Every body through `exportOne` by `clients` concurrent clients, each retrying what is
 * refused (429/503, RESOURCE_EXHAUSTED/UNAVAILABLE) after the wait it answers; returns the refusals.
 */
export async function sendAll(
  bodies: Buffer[],
  clients: number,
  exportOne: (client: number, body: Buffer) => Promise<{ ok: boolean; retryAfterMs?: number; error?: string }>,
): Promise<number> {
  let next = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (next < bodies.length) {
        const body = bodies[next++];
        for (;;) {
          const answer = await exportOne(client, body);
          if (answer.ok) break;
          if (answer.retryAfterMs === undefined) throw new Error(`receiver answered ${answer.error}`);
          refused++;
          await sleep(answer.retryAfterMs);
        }
      }
    }),
  );
  return refused;
}

/** POST bodies to an OTLP/HTTP path: one keep-alive agent of `clients` sockets. */
export async function postAll(port: number, token: string, path: string, bodies: Buffer[], clients: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  try {
    return await sendAll(bodies, clients, async (_, body) => {
      const res = await send(agent, port, token, 'POST', path, body);
      if (res.status === 200) return { ok: true };
      const retryable = res.status === 429 || res.status === 503;
      return { ok: false, retryAfterMs: retryable ? 1000 * Number(res.retryAfter ?? 1) : undefined, error: `${res.status}: ${res.text}` };
    });
  } finally {
    agent.destroy();
  }
}

/** Waits until the service's writer reports at least `rows` rows of `table` committed and nothing queued. */
export async function untilWritten(port: number, token: string, table: string, rows: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (;;) {
      const status = JSON.parse((await send(agent, port, token, 'GET', '/status/database')).text) as {
        writers: { tables: Array<{ table: string; written: number; queued: number }> };
      };
      const t = status.writers.tables.find((x) => x.table === table);
      if (t && t.written >= rows && t.queued === 0) return;
      await sleep(20);
    }
  } finally {
    agent.destroy();
  }
}
