import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, ROOT, runScript } from './support/cli';
import { freePort, query, tablesOf } from './support/postgres';

describe('boot', () => {
  it.each([
    ['DATABASE_URL', 'postgres://admin:Sup3rS3cretPw@db:notaport/mcp'],
    ['METRICS_DATABASE_URL', 'mysql://admin:Sup3rS3cretPw@db:3306/metrics'],
  ])('a bad %s stops the boot, naming the variable and not the password', async (name, value) => {
    const vars: Record<string, string> = { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/x', [name]: value };
    const run = await runScript('src/main.ts', [], vars);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(name);
    expect(run.stdout + run.stderr).not.toContain('Sup3rS3cretPw');
  });

  it('with DATABASE_URL unset, starts embedded PostgreSQL, migrates, serves, and stops it on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fourfold-embedded-'));
    chmodSync(dir, 0o755);
    const [pgPort, httpPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env: cleanEnv({ PORT: String(httpPort), EMBEDDED_PG_PORT: String(pgPort), EMBEDDED_PG_DATA_DIR: join(dir, 'pg') }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      let ready = 0;
      for (let i = 0; i < 120 && ready !== 200; i++) {
        await new Promise((r) => setTimeout(r, 500));
        ready = await fetch(`http://127.0.0.1:${httpPort}/health/ready`).then(
          (r) => r.status,
          () => 0,
        );
      }
      expect(ready).toBe(200);
      expect(output).toContain(`embedded PostgreSQL 127.0.0.1:${pgPort}/fourfold`);
      expect(output).not.toMatch(/postgres:\/\/[^\s]*@/);

      const password = readFileSync(join(dir, 'pg.password'), 'utf8').trim();
      const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/fourfold`;
      expect(await tablesOf(url)).toHaveLength(59);
      const [{ server_version: version }] = await query<{ server_version: string }>(url, 'SHOW server_version');
      expect(version).toMatch(/^18\./);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect(query(url, 'SELECT 1')).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
