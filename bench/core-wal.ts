/**
 * npm run bench:core-wal — how much WAL the core database writes for authenticated reads.
 *
 * Four separate embedded PostgreSQL 18 servers (core, metrics, logs, observability), the
 * service in this process, one viewer token. After set-up (token, 20 tools) and a CHECKPOINT
 * on every server, BENCH_REQUESTS (default 10,000) authenticated GETs are sent by
 * BENCH_CLIENTS (default 8) keep-alive clients, alternating a list and a read by id; then the
 * writer is flushed and pg_current_wal_lsn() is read again. Prints the WAL each server wrote
 * (pg_wal_lsn_diff), per request, and the rows core gained in email_auth_events.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { freePort } from './support';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { generateToken } from '../src/auth/token';
import { parseEnv } from '../src/config/configuration';
import { RunningPostgres, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { RowWriter } from '../src/writer/row-writer';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const ROLES = ['core', 'metrics', 'logs', 'observability'] as const;

async function sql<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

const lsn = async (url: string) => (await sql<{ lsn: string }>(url, 'SELECT pg_current_wal_lsn()::text AS lsn'))[0].lsn;
const walSince = async (url: string, from: string) =>
  Number((await sql<{ bytes: string }>(url, `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '${from}') AS bytes`))[0].bytes);
const authEvents = async (url: string) => Number((await sql<{ n: string }>(url, 'SELECT count(*) AS n FROM email_auth_events'))[0].n);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fourfold-wal-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when this runs as root
  const servers: RunningPostgres[] = [];
  let app: Awaited<ReturnType<typeof createApp>> | null = null;
  try {
    for (const role of ROLES) {
      servers.push(await startEmbeddedPostgres({ dataDir: join(dir, role), port: await freePort(), database: role, persistent: false }));
    }
    const [core, metrics, logs, observability] = servers.map((s) => s.url);
    const adminToken = generateToken();
    const env = parseEnv({
      DATABASE_URL: core,
      METRICS_DATABASE_URL: metrics,
      LOGS_DATABASE_URL: logs,
      OBSERVABILITY_DATABASE_URL: observability,
      ADMIN_TOKEN: adminToken,
      SPOOL_DIR: join(dir, 'spool'),
      PORT: '0',
    });
    app = await createApp(env, { logDestination: new Writable({ write: (_c, _e, done) => done() }) });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    const call = (method: string, path: string, token: string, body?: unknown) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method,
            path,
            agent,
            headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
          },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(payload);
      });

    const issued = await call('POST', '/api/v1/tokens', adminToken, { email: 'reader@example.com', role: 'viewer' });
    const viewer = (JSON.parse(issued.body) as { token: string }).token;
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      ids.push((JSON.parse((await call('POST', '/api/v1/tools', adminToken, { name: `tool-${i}` })).body) as { id: string }).id);
    await app.get(RowWriter).flush();
    for (const url of servers.map((s) => s.url)) await sql(url, 'CHECKPOINT');
    const start = await Promise.all(servers.map((s) => lsn(s.url)));
    const eventsBefore = await authEvents(core);

    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let i = next++; i < REQUESTS; i = next++) {
          const path = i % 2 === 0 ? '/api/v1/tools?limit=10' : `/api/v1/tools/${ids[i % ids.length]}`;
          const res = await call('GET', path, viewer);
          if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    await app.get(RowWriter).flush();
    const wal = await Promise.all(servers.map((s, i) => walSince(s.url, start[i])));
    const events = (await authEvents(core)) - eventsBefore;
    agent.destroy();

    console.log(`machine: ${cpus().length} × ${cpus()[0].model}; node ${process.version}; four embedded PostgreSQL 18 servers`);
    console.log(
      `${REQUESTS} authenticated GETs (viewer token, ${CLIENTS} clients) in ${seconds.toFixed(1)} s (${Math.round(REQUESTS / seconds)} req/s)\n`,
    );
    console.log('role            WAL bytes   bytes/request');
    ROLES.forEach((role, i) =>
      console.log(`${role.padEnd(14)} ${String(wal[i]).padStart(10)}   ${(wal[i] / REQUESTS).toFixed(1).padStart(13)}`),
    );
    console.log(`\nemail_auth_events rows added in core: ${events}`);
    console.log(`core share of the WAL of all four: ${((100 * wal[0]) / wal.reduce((a, b) => a + b, 0)).toFixed(1)} %`);
  } finally {
    await app?.close();
    for (const server of servers) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
