import { DAY_MS, HOUR_MS } from '../src/common/time';
import { startApp, TestApp } from './support/app';
import { DISTRIBUTIONS } from './support/distributions';
import { createDatabase, dropDatabase, query } from './support/postgres';

/**
 * The percentile bound, proven against percentile_cont over the same rows: skewed,
 * multi-modal, heavy-tailed and tied data, answered from daily rows, merged hourly sketches
 * with a raw edge, and merged across days for a ranking.
 */
const BOUND = 0.01;
const QS = [0.5, 0.9, 0.95, 0.99];
const N = 12_000; // per entity, over three days

const within = (estimate: number | null, exact: number) => {
  expect(estimate).not.toBeNull();
  // Relative to the exact answer; below a nanosecond the bound is absolute (sketch-sql.ts).
  expect(Math.abs(estimate! - exact)).toBeLessThanOrEqual(BOUND * Math.abs(exact) + 1e-9);
};

describe('percentiles from merged sketches: within 1 % of percentile_cont', () => {
  let app: TestApp;
  let db: string;
  const day0 = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 4 * DAY_MS);
  const day3 = new Date(day0.getTime() + 3 * DAY_MS);

  const exact = async (tool: string, from: Date, to: Date) => {
    const [row] = await query<{ p: number[] }>(
      db,
      `SELECT percentile_cont($4::float8[]) WITHIN GROUP (ORDER BY response_time) AS p
         FROM tool_metrics WHERE tool_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3`,
      [tool, from, to, QS],
    );
    return row.p.map(Number);
  };

  beforeAll(async () => {
    db = await createDatabase('sketch');
    app = await startApp({ DATABASE_URL: db });
    await query(db, `SELECT setseed(0.42)`);
    for (const [tool, expr] of Object.entries(DISTRIBUTIONS)) {
      await query(
        db,
        `INSERT INTO tool_metrics (id, tool_id, tool_name, "timestamp", response_time, is_success)
         SELECT gen_random_uuid(), $1, $1, $2::timestamptz + random() * interval '3 days', ${expr}, random() > 0.05
           FROM (SELECT 1 - random() AS u FROM generate_series(1, ${N})) g`,
        [tool, day0],
      );
    }
    const run = await app.post('/api/v1/metrics/rollup', {});
    expect(run.body).toMatchObject({ ran: true });
    expect(run.body.tables.tool_metrics_hourly).toMatchObject({ hours: 72, days: 3 });
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await dropDatabase(db);
  });

  it.each(Object.keys(DISTRIBUTIONS))('%s: closed days from their daily rows (no raw rescan)', async (tool) => {
    const res = await app.get(`/api/v1/metrics/tools/${tool}/timeseries?bucket=day&from=${day0.toISOString()}&to=${day3.toISOString()}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ source: 'daily', exact: false, error_bound: BOUND, sources: { daily_rows: 3, raw_ranges: 0 } });
    expect(res.body.points).toHaveLength(3);
    for (const point of res.body.points) {
      const start = new Date(point.bucket_start);
      const p = await exact(tool, start, new Date(start.getTime() + DAY_MS));
      [point.p50, point.p90, point.p95, point.p99].forEach((v: number, i: number) => within(v, p[i]));
    }
  });

  it.each(Object.keys(DISTRIBUTIONS))('%s: partial days merge hourly sketches with a raw edge', async (tool) => {
    const from = new Date(day0.getTime() + 5.5 * HOUR_MS);
    const to = new Date(day3.getTime() - 6.25 * HOUR_MS);
    const res = await app.get(`/api/v1/metrics/tools/${tool}/timeseries?bucket=day&from=${from.toISOString()}&to=${to.toISOString()}`);
    expect(res.body.points.map((p: { source: string }) => p.source)).toEqual(['mixed', 'daily', 'mixed']);
    for (const point of res.body.points) {
      const start = new Date(Math.max(new Date(point.bucket_start).getTime(), from.getTime()));
      const end = new Date(Math.min(new Date(point.bucket_start).getTime() + DAY_MS, to.getTime()));
      const p = await exact(tool, start, end);
      [point.p50, point.p90, point.p95, point.p99].forEach((v: number, i: number) => within(v, p[i]));
    }
  });

  it('top by p99 merges three days per entity and ranks like percentile_cont', async () => {
    const res = await app.get(`/api/v1/metrics/top?entity_type=tool&by=p99&from=${day0.toISOString()}&to=${day3.toISOString()}`);
    expect(res.body).toMatchObject({ source: 'daily', exact: false, error_bound: BOUND });
    const truth = await Promise.all(Object.keys(DISTRIBUTIONS).map(async (tool) => ({ tool, p99: (await exact(tool, day0, day3))[3] })));
    truth.sort((a, b) => b.p99 - a.p99);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual(truth.map((t) => t.tool));
    res.body.items.forEach((item: { p99: number }, i: number) => within(item.p99, truth[i].p99));
  });

  it('hourly rows keep exact percentiles; exact=true answers from raw rows with percentile_cont', async () => {
    const from = new Date(day0.getTime() + 10 * HOUR_MS);
    const to = new Date(from.getTime() + 3 * HOUR_MS);
    const hourly = await app.get(`/api/v1/metrics/tools/skewed/timeseries?bucket=hour&from=${from.toISOString()}&to=${to.toISOString()}`);
    expect(hourly.body).toMatchObject({ source: 'hourly', exact: true, error_bound: 0 });
    const forensic = await app.get(
      `/api/v1/metrics/tools/skewed/timeseries?bucket=day&exact=true&from=${day0.toISOString()}&to=${day3.toISOString()}`,
    );
    expect(forensic.body).toMatchObject({ source: 'raw', exact: true });
    for (const [i, point] of hourly.body.points.entries()) {
      const start = new Date(from.getTime() + i * HOUR_MS);
      expect([point.p50, point.p90, point.p95, point.p99]).toEqual(await exact('skewed', start, new Date(start.getTime() + HOUR_MS)));
    }
    for (const point of forensic.body.points) {
      const start = new Date(point.bucket_start);
      expect([point.p50, point.p90, point.p95, point.p99]).toEqual(await exact('skewed', start, new Date(start.getTime() + DAY_MS)));
    }
  });
});
