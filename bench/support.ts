/** Shared by the benchmarks that run the real service: an embedded PostgreSQL, the service in a child process, timing. */
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTopology } from '../src/database/database-topology';
import { RunningPostgres, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { migrateDatabase } from '../src/database/migration-runner';
import { ROLE_DEFINITIONS } from '../src/role-registry';

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
