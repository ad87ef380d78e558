import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateToken } from '../../src/auth/token';
import { cleanEnv, ROOT } from './cli';
import { freePort } from './postgres';

export interface ServiceProcess {
  base: string;
  /** The environment the service runs with (its data directory, ports, token): give it to the CLI to run beside it. */
  vars: Record<string, string>;
  dataDir: string;
  pgPort: number;
  adminToken: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
  /** Stops it if it runs and removes its directory. */
  dispose(): Promise<void>;
}

/**
 * Starts the real service (`src/main.ts`, as `npm start` does) with DATABASE_URL unset, so on
 * an embedded PostgreSQL in a temporary data directory of its own, and waits until it is ready.
 */
export async function startServiceProcess(extra: Record<string, string> = {}): Promise<ServiceProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'fourfold-service-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when the tests run as root
  const [pgPort, port] = [await freePort(), await freePort()];
  const adminToken = generateToken();
  const vars = {
    PORT: String(port),
    EMBEDDED_PG_PORT: String(pgPort),
    EMBEDDED_PG_DATA_DIR: join(dir, 'pg'),
    SPOOL_DIR: join(dir, 'spool'),
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'warn',
    ...extra,
  };
  const child: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: cleanEnv(vars),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    return exited;
  };
  const dispose = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    const ready = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || i > 240) {
      await dispose();
      throw new Error(`service did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { base, vars, dataDir: vars.EMBEDDED_PG_DATA_DIR, pgPort, adminToken, output: () => output, stop, dispose };
}
