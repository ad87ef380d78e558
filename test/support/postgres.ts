import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';

export const ADMIN_URL_ENV = 'FF_TEST_ADMIN_URL';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface TestServer {
  /** URL of the `postgres` maintenance database on this server. */
  adminUrl: string;
  port: number;
  /** Stops PostgreSQL (fast shutdown); restart() brings the same cluster back. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the server and removes its data directory. */
  destroy(): Promise<void>;
}

/**
 * Starts a private embedded PostgreSQL 18 on a free port, in a child process of its own
 * (see pg-server-process.ts), for tests that need a server they can stop and restart.
 */
export async function startTestServer(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fourfold-pg-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when the tests run as root
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, 'pg-server-process.ts'), join(dir, 'data'), String(port)],
    {
      cwd: join(__dirname, '..', '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const pending: Array<(line: string) => void> = [];
  lines.on('line', (line) => pending.shift()?.(line));
  const next = (expected: string) =>
    new Promise<string>((resolve, reject) => {
      pending.push((line) => (line.startsWith(expected) ? resolve(line.slice(expected.length).trim()) : reject(new Error(line))));
    });
  const command = async (cmd: string, expected: string) => {
    const answer = next(expected);
    child.stdin!.write(`${cmd}\n`);
    return answer;
  };
  const adminUrl = await next('ready');
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    adminUrl,
    port,
    stop: async () => void (await command('stop', 'stopped')),
    restart: async () => void (await command('start', 'started')),
    destroy: async () => {
      if (child.exitCode === null) {
        child.stdin!.write('exit\n');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The shared server of the test run (TEST_DATABASE_URL, or the embedded one the global setup started). */
export function sharedAdminUrl(): string {
  const url = process.env[ADMIN_URL_ENV];
  if (!url) throw new Error(`${ADMIN_URL_ENV} is not set: run the e2e specs through jest (global setup)`);
  return url;
}

/** Creates an empty database with a unique name and returns its URL. */
export async function createDatabase(prefix: string, adminUrl = sharedAdminUrl()): Promise<string> {
  const name = `ff_${prefix}_${randomBytes(4).toString('hex')}`;
  await query(adminUrl, `CREATE DATABASE ${name}`);
  return withDatabase(adminUrl, name);
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await query(withDatabase(url, 'postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

export async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Top-level tables of a database (partitions, the default partition included, left out). */
export async function tablesOf(url: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}
