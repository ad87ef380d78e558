/**
 * npm run bench:move — rows/s of `db:move` against `pg_dump --data-only | psql` of the same
 * tables (the metrics role: every partition of its partitioned tables and its plain tables),
 * from the same source database to fresh target databases on the same server, in one run.
 *
 * pg_dump refuses a server of a newer major version than its own, so the server is one that
 * matches the pg_dump found: the embedded PostgreSQL 18 when pg_dump is 18; otherwise a private
 * cluster of pg_dump's own version from /usr/lib/postgresql/<major>/bin (Debian's packages);
 * otherwise only db:move is measured, with a warning. BENCH_DATABASE_URL names a server to use
 * instead (its version must match pg_dump's).
 *
 * BENCH_ROWS (default 1,000,000 tool_metrics rows over BENCH_DAYS = 10 days; token_usage_logs gets
 * a fifth of that), BENCH_RUNS (default 3; the order of the two alternates).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { roleTableNames } from '../src/move/move-catalog';
import { ROLE_DEFINITIONS } from '../src/role-registry';

/** The metrics role's tables: partitioned parents and plain tables. */
const METRICS_TABLES = roleTableNames(ROLE_DEFINITIONS, 'metrics');

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ROOT = join(__dirname, '..');

const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000));
const withDb = (url: string, db: string) => Object.assign(new URL(url), { pathname: `/${db}` }).toString();

async function sql(url: string, text: string): Promise<Array<Record<string, unknown>>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

function majorOf(binary: string): number | null {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  const match = /(\d+)(\.\d+)?/.exec(run.stdout ?? '');
  return run.status === 0 && match ? Number(match[1]) : null;
}

interface Server {
  url: string;
  version: string;
  stop(): Promise<void>;
}

/** A private cluster of Debian's PostgreSQL <major> (as the postgres user when root). */
async function debianCluster(major: number): Promise<Server> {
  const bin = `/usr/lib/postgresql/${major}/bin`;
  const dir = mkdtempSync(join(tmpdir(), 'ff-bench-pg-'));
  chmodSync(dir, 0o777);
  const asPostgres = (cmd: string, args: string[]) =>
    process.getuid?.() === 0
      ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'ignore' })
      : execFileSync(cmd, args, { stdio: 'ignore' });
  asPostgres(`${bin}/initdb`, ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const port = 56000 + Math.floor(Math.random() * 2000);
  asPostgres(`${bin}/pg_ctl`, [
    '-D',
    join(dir, 'data'),
    '-w',
    '-l',
    join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    'start',
  ]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    version: String((await sql(url, 'SHOW server_version'))[0].server_version),
    stop: async () => {
      asPostgres(`${bin}/pg_ctl`, ['-D', join(dir, 'data'), '-m', 'fast', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function server(dumpMajor: number | null): Promise<{ server: Server; baseline: boolean; note: string }> {
  if (process.env.BENCH_DATABASE_URL) {
    const url = withDb(process.env.BENCH_DATABASE_URL, 'postgres');
    const version = String((await sql(url, 'SHOW server_version'))[0].server_version);
    return {
      server: { url, version, stop: async () => undefined },
      baseline: dumpMajor === Number(version.split('.')[0]),
      note: 'BENCH_DATABASE_URL',
    };
  }
  if (dumpMajor === 18 || dumpMajor === null) {
    const dir = mkdtempSync(join(tmpdir(), 'ff-bench-embedded-'));
    chmodSync(dir, 0o755);
    const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: 56999, database: 'postgres', persistent: false });
    const s = { url: pg.url, version: String((await sql(pg.url, 'SHOW server_version'))[0].server_version), stop: () => pg.stop() };
    return { server: s, baseline: dumpMajor === 18, note: 'embedded PostgreSQL 18' };
  }
  if (existsSync(`/usr/lib/postgresql/${dumpMajor}/bin/initdb`)) {
    return {
      server: await debianCluster(dumpMajor),
      baseline: true,
      note: `Debian's PostgreSQL ${dumpMajor} (matching pg_dump; the embedded server is 18)`,
    };
  }
  throw new Error(`pg_dump ${dumpMajor} has no server of its version here`);
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const ts = (script: string, args: string[], env: Record<string, string>) =>
  run(process.execPath, ['-r', 'ts-node/register/transpile-only', script, ...args], { ...process.env, ...env });

async function prepareSource(url: string): Promise<{ rows: number; tables: string[] }> {
  const migrated = await ts('src/cli/db-migrate.ts', [], { DATABASE_URL: url });
  if (migrated.code !== 0) throw new Error(migrated.stderr);
  const step = (DAYS * 86400) / ROWS;
  await sql(
    url,
    `INSERT INTO tool_metrics (id, tool_id, tool_name, "timestamp", response_time, is_success, error_message)
     SELECT gen_random_uuid(), 'tool-' || (i % 200), 'tool name ' || (i % 200), now() - interval '${DAYS} days' + i * interval '${step} seconds',
            random() * 2, i % 20 <> 0, CASE WHEN i % 20 = 0 THEN 'upstream refused the call' END
       FROM generate_series(0, ${ROWS - 1}) i`,
  );
  await sql(
    url,
    `INSERT INTO token_usage_logs (id, "timestamp", token_jti, user_email, endpoint, method, ip_address, user_agent, status_code, response_time_ms, blocked)
     SELECT gen_random_uuid(), now() - interval '${DAYS} days' + i * interval '${step * 5} seconds', 'jti-' || (i % 30), 'user' || (i % 30) || '@example.com',
            '/api/v1/metrics/executions', 'POST', '10.0.0.' || (i % 250), 'gateway/1.0', 202, random() * 20, false
       FROM generate_series(0, ${Math.floor(ROWS / 5) - 1}) i`,
  );
  const maintained = await ts('src/cli/partitions.ts', ['run'], { DATABASE_URL: url });
  if (maintained.code !== 0) throw new Error(maintained.stdout + maintained.stderr);
  await sql(url, 'VACUUM ANALYZE');
  // What pg_dump must name: every partition of a partitioned table (-t parent dumps no rows), and the plain tables.
  const tables = (await sql(
    url,
    `SELECT c.relname AS name FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = i.inhparent
      WHERE c.relkind = 'r' AND coalesce(p.relname, c.relname) = ANY('{${METRICS_TABLES.join(',')}}') ORDER BY 1`,
  )) as Array<{ name: string }>;
  return { rows: ROWS + Math.floor(ROWS / 5), tables: tables.map((t) => t.name) };
}

/** pg_dump | psql needs the target migrated (not timed: db:move's time includes it) … */
async function migrateDumpTarget(target: string): Promise<void> {
  const migrated = await ts('src/cli/db-migrate.ts', ['--role', 'metrics'], { DATABASE_URL: target });
  if (migrated.code !== 0) throw new Error(migrated.stderr);
}

/** … and the source's partitions made (timed: it is part of the job). */
async function createPartitions(source: string, target: string): Promise<void> {
  const parts = (await sql(
    source,
    `SELECT c.relname AS name, p.relname AS parent, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
      WHERE pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT' AND p.relname = ANY('{${METRICS_TABLES.join(',')}}')`,
  )) as Array<{ name: string; parent: string; bound: string }>;
  await sql(target, parts.map((p) => `CREATE TABLE "${p.name}" PARTITION OF "${p.parent}" ${p.bound};`).join('\n'));
}

async function countAll(url: string): Promise<number> {
  const [row] = await sql(url, `SELECT (SELECT count(*) FROM tool_metrics) + (SELECT count(*) FROM token_usage_logs) AS n`);
  return Number(row.n);
}

async function main(): Promise<void> {
  const dumpMajor = majorOf('pg_dump');
  const picked = await server(dumpMajor);
  const admin = picked.server.url;
  console.log(`db:move vs pg_dump | psql — ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
  console.log(`server: PostgreSQL ${picked.server.version} (${picked.note}); pg_dump ${dumpMajor ?? 'not found'}`);
  if (!picked.baseline) console.warn(`WARNING: no pg_dump matching this server: the baseline is skipped, db:move alone is measured`);
  try {
    await sql(admin, 'DROP DATABASE IF EXISTS ff_bench_src');
    await sql(admin, 'CREATE DATABASE ff_bench_src');
    const source = withDb(admin, 'ff_bench_src');
    const { rows, tables } = await prepareSource(source);
    console.log(`source: ${rows} rows in ${tables.length} tables and partitions of the metrics role\n`);
    console.log('| run | pg_dump \\| psql rows/s | db:move rows/s (whole command) | ratio | db:move copy phase rows/s |');
    console.log('|---|---|---|---|---|');
    for (let i = 1; i <= RUNS; i++) {
      const results: Record<string, { ms: number; copyMs?: number }> = {};
      const contenders = ['dump', 'move'];
      if (i % 2 === 0) contenders.reverse();
      for (const which of contenders) {
        if (which === 'dump' && !picked.baseline) continue;
        const name = `ff_bench_${which}`;
        await sql(admin, `DROP DATABASE IF EXISTS ${name}`);
        await sql(admin, `CREATE DATABASE ${name}`);
        const target = withDb(admin, name);
        await sql(admin, 'CHECKPOINT');
        let started: number;
        if (which === 'dump') {
          await migrateDumpTarget(target);
          started = performance.now();
          await createPartitions(source, target);
          const flags = tables.flatMap((t) => ['-t', t]).join(' ');
          const piped = await run(
            'bash',
            ['-c', `set -o pipefail; pg_dump --data-only ${flags} "$SRC" | psql -q -v ON_ERROR_STOP=1 "$DST" >/dev/null`],
            {
              ...process.env,
              SRC: source,
              DST: target,
            },
          );
          if (piped.code !== 0) throw new Error(`pg_dump | psql failed: ${piped.stderr}`);
          results.dump = { ms: performance.now() - started };
        } else {
          started = performance.now();
          const moved = await ts('src/cli/db-move.ts', ['--role', 'metrics', '--from', source, '--to', target, '--progress', 'json'], {
            DATABASE_URL: source,
          });
          if (moved.code !== 0) throw new Error(`db:move failed: ${moved.stderr}`);
          const done = moved.stdout
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l))
            .find((e) => e.event === 'done');
          results.move = { ms: performance.now() - started, copyMs: done.duration_ms };
        }
        const copied = await countAll(target);
        if (copied !== rows) throw new Error(`${which}: ${copied} rows in the target, ${rows} expected`);
      }
      const dump = results.dump ? rate(rows, results.dump.ms) : null;
      const move = rate(rows, results.move.ms);
      console.log(
        `| ${i} | ${dump ?? 'skipped'} | ${move} | ${dump ? (move / dump).toFixed(2) : '-'} | ${rate(rows, results.move.copyMs!)} |`,
      );
    }
  } finally {
    for (const db of ['ff_bench_src', 'ff_bench_dump', 'ff_bench_move'])
      await sql(admin, `DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
    await picked.server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
