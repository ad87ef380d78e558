import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli';
import { freePort } from './postgres';

/** The pgbouncer binary (installed from Debian's package when missing and possible), or null. */
export function pgbouncerBinary(): string | null {
  try {
    return (
      execFileSync(join(ROOT, 'scripts', 'ensure-pgbouncer.sh'), {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 300_000,
      }).trim() || null
    );
  } catch {
    return null;
  }
}

export interface PgBouncer {
  port: number;
  /** URL of database `alias` through PgBouncer. */
  url(alias: string): string;
  stop(): Promise<void>;
}

/**
 * Starts PgBouncer in transaction pooling mode in front of `databases` (alias → URL of a
 * real database). Clients connect with trust auth on loopback; PgBouncer logs in to the
 * server with the password from the URLs.
 */
export async function startPgBouncer(binary: string, databases: Record<string, string>): Promise<PgBouncer> {
  const dir = mkdtempSync(join(tmpdir(), 'fourfold-pgbouncer-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const users = new Map<string, string>();
  const lines = Object.entries(databases).map(([alias, url]) => {
    const u = new URL(url);
    users.set(decodeURIComponent(u.username), decodeURIComponent(u.password));
    return `${alias} = host=${u.hostname} port=${u.port || 5432} dbname=${u.pathname.slice(1)} user=${decodeURIComponent(u.username)}`;
  });
  writeFileSync(join(dir, 'userlist.txt'), [...users].map(([u, p]) => `"${u}" "${p}"`).join('\n') + '\n', { mode: 0o644 });
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      ...lines,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir =`,
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 10',
      'max_client_conn = 200',
      'server_reset_query = DISCARD ALL',
      'ignore_startup_parameters = extra_float_digits,options',
    ].join('\n') + '\n',
    { mode: 0o644 },
  );
  // PgBouncer refuses to run as root; -u drops to the postgres user.
  const args = process.getuid?.() === 0 ? ['-u', 'postgres', join(dir, 'pgbouncer.ini')] : [join(dir, 'pgbouncer.ini')];
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  // Wait until it accepts connections.
  const { Client } = await import('pg');
  const [firstAlias] = Object.keys(databases);
  const url = (alias: string) => `postgres://${[...users.keys()][0]}@127.0.0.1:${port}/${alias}`;
  for (let i = 0; ; i++) {
    const client = new Client({ connectionString: url(firstAlias) });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (i > 50 || child.exitCode !== null) throw new Error(`pgbouncer did not start: ${(error as Error).message}\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
