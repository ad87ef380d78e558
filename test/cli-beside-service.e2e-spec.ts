import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from './support/cli';
import { query } from './support/postgres';
import { ServiceProcess, startServiceProcess } from './support/service-process';

const cli = (vars: Record<string, string>, ...args: string[]) => runScript('src/cli/main.ts', args, vars);
const migrate = (vars: Record<string, string>) => runScript('src/cli/db-migrate.ts', [], vars);
const partitions = (vars: Record<string, string>) => runScript('src/cli/partitions.ts', ['status', '--json'], vars);

jest.setTimeout(300_000);

describe('CLI with DATABASE_URL unset, beside `npm start` on the embedded PostgreSQL', () => {
  let service: ServiceProcess;
  let coreUrl: string;

  beforeAll(async () => {
    service = await startServiceProcess();
    const password = readFileSync(`${service.dataDir}.password`, 'utf8').trim();
    coreUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${service.pgPort}/fourfold`;
  });

  afterAll(async () => service?.dispose());

  it('every command uses the running server, side by side, and leaves it running', async () => {
    // Even on another EMBEDDED_PG_PORT: the port comes from the running server's postmaster.pid.
    const vars = { ...service.vars, EMBEDDED_PG_PORT: '1' };
    const [migrated, listed, minted] = await Promise.all([migrate(vars), partitions(vars), cli(vars, 'token', 'admin')]);
    expect(migrated).toMatchObject({ code: 0 });
    expect(migrated.stdout).toContain('up to date');
    expect(listed.code).toBe(0);
    expect(Object.keys(JSON.parse(listed.stdout)).length).toBeGreaterThan(5);
    expect(minted.code).toBe(0);

    const target = `${coreUrl.replace(/\/fourfold$/, '')}/fourfold_metrics`;
    await query(coreUrl, 'CREATE DATABASE fourfold_metrics');
    const moved = await runScript('src/cli/db-move.ts', ['--role', 'metrics', '--to', 'env:FF_MOVE_TARGET', '--verify'], {
      ...vars,
      FF_MOVE_TARGET: target,
    });
    expect(moved.stderr + moved.stdout).toContain('verify: all');
    expect(moved.code).toBe(0);

    // The new admin token works against the running service, and its issue is audited.
    const token = minted.stdout.trim();
    expect(token).toMatch(/^ff_/);
    const status = await fetch(`${service.base}/status/database`, { headers: { authorization: `Bearer ${token}` } });
    expect(status.status).toBe(200);
    const audit = await query<{ user_id: string; resource_type: string }>(
      coreUrl,
      `SELECT user_id, resource_type FROM audit_trails WHERE action = 'create' AND resource_type = 'api_token' AND user_id = 'cli'`,
    );
    expect(audit.length).toBeGreaterThan(0);

    expect((await fetch(`${service.base}/health/ready`)).status).toBe(200);
    expect(service.output()).not.toContain(token);
  });

  it('a second service on the same data directory refuses, naming the running server', async () => {
    const second = await runScript('src/main.ts', [], { ...service.vars, PORT: '0' });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/refused: embedded PostgreSQL already runs on .*pg \(pid \d+, port \d+\)/);
  });

  it('another data directory whose port is held by a server that is not its own is refused, nothing started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fourfold-other-'));
    try {
      const run = await migrate({ EMBEDDED_PG_DATA_DIR: join(dir, 'pg'), EMBEDDED_PG_PORT: String(service.pgPort) });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`refused: port ${service.pgPort} is in use by another server`);
      expect(existsSync(join(dir, 'pg', 'PG_VERSION'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a data directory of another PostgreSQL version is refused, naming both versions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fourfold-v17-'));
    try {
      mkdirSync(join(dir, 'pg'));
      writeFileSync(join(dir, 'pg', 'PG_VERSION'), '17\n');
      const run = await migrate({ EMBEDDED_PG_DATA_DIR: join(dir, 'pg'), EMBEDDED_PG_PORT: String(service.pgPort + 1) });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('holds PostgreSQL 17 data; fourfold embeds PostgreSQL 18');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with the service stopped, a command starts its own server and stops it again', async () => {
    expect(await service.stop()).toBe(0);
    const run = await migrate(service.vars);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain('up to date');
    expect(existsSync(join(service.dataDir, 'postmaster.pid'))).toBe(false);
    await expect(query(coreUrl, 'SELECT 1')).rejects.toThrow();
  });
});
