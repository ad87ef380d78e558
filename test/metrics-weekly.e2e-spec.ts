import { DAY_MS } from '../src/common/time';
import { WEEK_MS, weekStart } from '../src/metrics/time-range';
import { startApp, TestApp } from './support/app';
import { DISTRIBUTIONS } from './support/distributions';
import { createDatabase, dropDatabase, query } from './support/postgres';

/**
 * Weekly rollup rows: built by the rollup from daily rows, read for the whole weeks of a long
 * window (top by p99, stats), within the 1 % bound of percentile_cont; a late row in one of
 * their days sets a week aside (its days answer, the stale day from hours) until the rollup
 * rebuilds it.
 */
const BOUND = 0.01;
const N = 8_000; // per tool, over 16 days
const TOOLS = Object.keys(DISTRIBUTIONS);

const within = (estimate: number | null, exact: number) => {
  expect(estimate).not.toBeNull();
  expect(Math.abs(estimate! - exact)).toBeLessThanOrEqual(BOUND * Math.abs(exact) + 1e-9);
};

describe('weekly rollup rows', () => {
  let app: TestApp;
  let db: string;
  // Two whole closed weeks (Monday to Monday, UTC) and the two days before them.
  const weeksEnd = weekStart(new Date());
  const week0 = new Date(weeksEnd.getTime() - 2 * WEEK_MS);
  const start = new Date(week0.getTime() - 2 * DAY_MS);
  const from = new Date(start.getTime() + 0.5 * DAY_MS);
  const window = `from=${from.toISOString()}&to=${weeksEnd.toISOString()}`;

  const exactP99 = async (tool: string) => {
    const [row] = await query<{ p: number; n: number }>(
      db,
      `SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY response_time) AS p, count(*)::int AS n
         FROM tool_metrics WHERE tool_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3`,
      [tool, from, weeksEnd],
    );
    return { p99: Number(row.p), count: row.n };
  };

  beforeAll(async () => {
    db = await createDatabase('weekly');
    app = await startApp({ DATABASE_URL: db });
    await query(db, `SELECT setseed(0.17)`);
    for (const [tool, expr] of Object.entries(DISTRIBUTIONS)) {
      await query(
        db,
        `INSERT INTO tool_metrics (id, tool_id, tool_name, "timestamp", response_time, is_success)
         SELECT gen_random_uuid(), $1, $1, $2::timestamptz + random() * ($3::timestamptz - $2::timestamptz), ${expr}, random() > 0.05
           FROM (SELECT 1 - random() AS u FROM generate_series(1, ${N})) g`,
        [tool, start, weeksEnd],
      );
    }
    const run = await app.post('/api/v1/metrics/rollup', {});
    // The two whole weeks, and the week of the two days before them (its other days had no executions).
    expect(run.body.tables.tool_metrics_hourly).toMatchObject({ days: 16, weeks: 3 * TOOLS.length });
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await dropDatabase(db);
  });

  it('a second rollup rebuilds no week: every weekly row is newer than its days', async () => {
    const run = await app.post('/api/v1/metrics/rollup', {});
    expect(run.body.tables.tool_metrics_hourly).toMatchObject({ days: 0, weeks: 0 });
    const rows = await query<{ n: number }>(db, `SELECT count(*)::int AS n FROM tool_metrics_hourly WHERE period = 'week'`);
    expect(rows[0].n).toBe(3 * TOOLS.length);
  });

  it('top by p99 reads the weeks, the days around them and a raw edge, and ranks like percentile_cont', async () => {
    const res = await app.get(`/api/v1/metrics/top?entity_type=tool&by=p99&${window}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      exact: false,
      error_bound: BOUND,
      sources: { weekly_rows: 2 * TOOLS.length, daily_rows: TOOLS.length },
    });
    const truth = await Promise.all(TOOLS.map(async (tool) => ({ tool, ...(await exactP99(tool)) })));
    truth.sort((a, b) => b.p99 - a.p99);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual(truth.map((t) => t.tool));
    res.body.items.forEach((item: { p99: number; count: number }, i: number) => {
      within(item.p99, truth[i].p99);
      expect(item.count).toBe(truth[i].count);
    });
  });

  it('stats over the window merge the same weekly rows', async () => {
    const res = await app.get(`/api/v1/metrics/tools/heavy/stats?${window}`);
    expect(res.status).toBe(200);
    expect(res.body.sources).toMatchObject({ weekly_rows: 2, daily_rows: 1 });
    const truth = await exactP99('heavy');
    expect(res.body.calls).toBe(truth.count);
    within(res.body.p99, truth.p99);
  });

  it('day buckets never read weekly rows', async () => {
    const res = await app.get(`/api/v1/metrics/tools/skewed/timeseries?bucket=day&${window}`);
    expect(res.body.sources).toMatchObject({ weekly_rows: 0, daily_rows: 15 });
    expect(res.body.points).toHaveLength(16);
  });

  it('a late row sets its week aside until the rollup rebuilds it', async () => {
    const late = new Date(week0.getTime() + 3 * DAY_MS + 5_000);
    await query(
      db,
      `INSERT INTO tool_metrics (id, tool_id, tool_name, "timestamp", response_time, is_success) VALUES (gen_random_uuid(), 'ties', 'ties', $1, 1000, true)`,
      [late],
    );
    const before = await app.get(`/api/v1/metrics/tools/ties/stats?${window}`);
    // The other week still answers; the late row's week from its days, its stale day from hourly rows and the late hour raw.
    expect(before.body.sources).toMatchObject({ weekly_rows: 1, daily_rows: 7 });
    const truth = await exactP99('ties');
    expect(before.body.calls).toBe(truth.count);
    const top = await app.get(`/api/v1/metrics/top?entity_type=tool&by=p99&${window}`);
    expect(top.body.sources).toMatchObject({ weekly_rows: 2 * TOOLS.length - 1 });

    const run = await app.post('/api/v1/metrics/rollup', {});
    expect(run.body.tables.tool_metrics_hourly).toMatchObject({ hours: 1, days: 1, weeks: 1 });
    const after = await app.get(`/api/v1/metrics/tools/ties/stats?${window}`);
    expect(after.body.sources).toMatchObject({ weekly_rows: 2, daily_rows: 1 });
    expect(after.body.calls).toBe(truth.count);
    within(after.body.p99, truth.p99);
  });

  it('a weekly row marked pending (partition maintenance moved rows into its range) is not read, and is rebuilt', async () => {
    await query(
      db,
      `UPDATE tool_metrics_hourly SET pending_changes = pending_changes + 1 WHERE period = 'week' AND tool_id = 'skewed' AND hour_start = $1`,
      [week0],
    );
    const before = await app.get(`/api/v1/metrics/tools/skewed/stats?${window}`);
    expect(before.body.sources).toMatchObject({ weekly_rows: 1, daily_rows: 8 });
    expect(before.body.calls).toBe((await exactP99('skewed')).count);
    const run = await app.post('/api/v1/metrics/rollup', {});
    expect(run.body.tables.tool_metrics_hourly).toMatchObject({ weeks: 1 });
    const after = await app.get(`/api/v1/metrics/tools/skewed/stats?${window}`);
    expect(after.body.sources).toMatchObject({ weekly_rows: 2, daily_rows: 1 });
  });
});
