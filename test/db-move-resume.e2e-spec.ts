import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cleanEnv, migrate, ROOT, runScript } from './support/cli';
import { createDatabase, dropDatabase, query, tablesOf } from './support/postgres';

const move = (vars: Record<string, string>, args: string[]) => runScript('src/cli/db-move.ts', args, vars, 180_000);
const lines = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { event: string; table?: string; action?: string; rows?: number; ok?: boolean });
const count = async (url: string, table = 'tool_metrics') =>
  (await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM ${table}`))[0].n;

const DAYS = 12;
const PER_DAY = 12_000;

describe('npm run db:move: interrupted, resumed, refused', () => {
  let core: string;
  let target: string;
  const created: string[] = [];

  beforeAll(async () => {
    core = await createDatabase('move_src');
    target = await createDatabase('move_dst');
    created.push(core, target);
    expect((await migrate({ DATABASE_URL: core })).code).toBe(0);
    // Twelve days of executions; maintenance gives each day its partition.
    await query(
      core,
      `INSERT INTO tool_metrics (id, tool_id, tool_name, "timestamp", response_time, is_success)
       SELECT gen_random_uuid(), 'tool-' || (i % 40), 'name-' || (i % 40),
              date_trunc('day', now()) - interval '${DAYS} days' + (i * interval '${(86400 / PER_DAY).toFixed(3)} seconds'),
              random(), i % 17 <> 0
         FROM generate_series(0, ${DAYS * PER_DAY - 1}) i`,
    );
    expect((await runScript('src/cli/partitions.ts', ['run'], { DATABASE_URL: core })).code).toBe(0);
    expect(await count(core, 'tool_metrics_default')).toBe(0);
  });

  afterAll(() => Promise.all(created.map(dropDatabase)));

  it('kill -9 in the middle of a table, then run again: carries on, copies nothing twice, verifies', async () => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli/db-move.ts', '--role', 'metrics', '--to', target],
      {
        cwd: ROOT,
        env: cleanEnv({ DATABASE_URL: core }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let unitsDone = 0;
    for await (const line of createInterface({ input: child.stdout! })) {
      const event = JSON.parse(line);
      if (event.event === 'unit' && event.table === 'tool_metrics' && event.rows > 0 && ++unitsDone === 3) {
        child.kill('SIGKILL');
        break;
      }
    }
    await exited;
    const partial = await count(target);
    expect(partial).toBeGreaterThanOrEqual(3 * PER_DAY * 0.9);
    expect(partial).toBeLessThan(DAYS * PER_DAY);

    const again = await move({ DATABASE_URL: core }, ['--role', 'metrics', '--to', target, '--verify']);
    expect(again.stderr).toContain(`verify: all`);
    expect(again.code).toBe(0);
    const events = lines(again.stdout).filter((e) => e.event === 'unit' && e.table === 'tool_metrics');
    const skipped = events.filter((e) => e.action === 'skipped').reduce((n, e) => n + e.rows!, 0);
    const copied = events.filter((e) => e.action === 'copied').reduce((n, e) => n + e.rows!, 0);
    expect(skipped).toBe(partial);
    expect(skipped + copied).toBe(DAYS * PER_DAY);
    expect(await count(target)).toBe(DAYS * PER_DAY);
    expect(
      lines(again.stdout)
        .filter((e) => e.event === 'verify')
        .every((e) => e.ok),
    ).toBe(true);

    // A third run finds nothing to copy.
    const third = await move({ DATABASE_URL: core }, ['--role', 'metrics', '--to', target]);
    expect(third.code).toBe(0);
    expect(lines(third.stdout).filter((e) => e.event === 'unit' && e.action !== 'skipped' && e.rows! > 0)).toEqual([]);
  });

  it('--verify-only reports a table of differences and exits 1; a copy repairs what is missing', async () => {
    const [victim] = await query<{ id: string }>(
      target,
      `DELETE FROM tool_metrics WHERE id = (SELECT id FROM tool_metrics LIMIT 1) RETURNING id`,
    );
    expect(victim).toBeDefined();
    const check = await move({ DATABASE_URL: core }, ['--role', 'metrics', '--to', target, '--verify-only']);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/verify: 1 of \d+ partitions differ/);
    expect(check.stderr).toMatch(/tool_metrics\s+tool_metrics_p\d{8}\s+\d+\s+\d+\s+1\s+0/);
    const repair = await move({ DATABASE_URL: core }, ['--role', 'metrics', '--to', target, '--verify']);
    expect(repair.code).toBe(0);
    expect(
      lines(repair.stdout)
        .filter((e) => e.action === 'merged')
        .map((e) => e.rows),
    ).toEqual([1]);
  });

  it('refuses, writing nothing: the same database, different rows under the same ids, migrations that differ, bad arguments', async () => {
    const same = await move({ DATABASE_URL: core }, ['--role', 'metrics', '--to', core]);
    expect(same.code).toBe(3);
    expect(same.stderr).toMatch(/same database/);
    const sameByOtherName = await move({ DATABASE_URL: core }, ['--role', 'metrics', '--to', core.replace('127.0.0.1', 'localhost')]);
    expect(sameByOtherName.code).toBe(3);
    expect(sameByOtherName.stderr).toMatch(/same database/);

    // The target holds a changed copy of one row; the source has a new row the move would copy.
    await query(target, `UPDATE tool_metrics SET response_time = 42 WHERE id = (SELECT id FROM tool_metrics ORDER BY id LIMIT 1)`);
    await query(
      core,
      `INSERT INTO tool_metrics (id, tool_id, tool_name, "timestamp", response_time, is_success) VALUES (gen_random_uuid(), 'late', 'late', now() - interval '1 day', 1, true)`,
    );
    const before = await count(target);
    const conflict = await move({ DATABASE_URL: core }, ['--role', 'metrics', '--to', target]);
    expect(conflict.code).toBe(3);
    expect(conflict.stderr).toMatch(/different rows under the same ids[\s\S]*tool_metrics_p\d{8}: 1 row/);
    expect(conflict.stderr).toContain('Nothing was written.');
    expect(await count(target)).toBe(before);

    const behind = await createDatabase('move_behind');
    created.push(behind);
    await query(
      behind,
      `CREATE TABLE fourfold_migrations (name varchar(255) PRIMARY KEY, role varchar(20) NOT NULL, "timestamp" bigint NOT NULL, executed_at timestamptz NOT NULL DEFAULT now())`,
    );
    await query(
      behind,
      `INSERT INTO fourfold_migrations (name, role, "timestamp") VALUES ('MetricsFuture1895400000000', 'metrics', 1895400000000)`,
    );
    const differ = await move({ DATABASE_URL: core }, ['--role', 'metrics', '--to', behind]);
    expect(differ.code).toBe(3);
    expect(differ.stderr).toMatch(
      /migrations differ: the target .* lacks MetricsSchema1795400000001, MetricsRollupSketches1795411000001(, \w+)*; the target .* has MetricsFuture1895400000000/,
    );
    expect(await tablesOf(behind)).toEqual(['fourfold_migrations']);

    for (const [args, message] of [
      [['--to', target], /--role is required/],
      [['--role', 'core', '--to', target], /core itself does not move/],
      [['--role', 'metrics'], /--to is required/],
      [['--role', 'metrics', '--to', 'mysql://u:secret@h/db'], /--to must be core, env:VAR or a postgres:/],
      [['--role', 'metrics', '--to', 'env:FF_NOT_SET'], /FF_NOT_SET is not set/],
      [['--role', 'metrics', '--to', target, '--verify-only', '--drop-source'], /cannot go with --drop-source/],
      [['--role', 'metrics', '--to', target, '--bogus'], /Unknown option '--bogus'/],
    ] as Array<[string[], RegExp]>) {
      const bad = await move({ DATABASE_URL: core }, args);
      expect([args, bad.code]).toEqual([args, 2]);
      expect(bad.stderr).toMatch(message);
      expect(bad.stderr).not.toContain('secret');
    }
  });
});
