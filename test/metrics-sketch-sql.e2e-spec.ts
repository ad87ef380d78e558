import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAY_MS } from '../src/common/time';
import { ResponseTimeSketch } from '../src/metrics/sketch/response-time-sketch';
import { startApp, TestApp } from './support/app';
import { DISTRIBUTIONS } from './support/distributions';
import { createDatabase, dropDatabase, query } from './support/postgres';

/**
 * fourfold_sketch_merge and fourfold_sketch_quantile (the metrics role's SQL functions) agree
 * with the service's percentiles and with percentile_cont within the bound, on the percentile
 * specs' distributions; every ad hoc query of docs/sql.md runs and returns rows.
 */
const BOUND = 0.01;
const QS = [0.5, 0.9, 0.95, 0.99];
const N = 6_000; // per tool, over three days

/** The ```sql blocks of a Markdown page. */
function sqlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1].trim());
}

const close = (a: number | null, b: number, bound: number) => {
  expect(a).not.toBeNull();
  expect(Math.abs(a! - b)).toBeLessThanOrEqual(bound * Math.abs(b) + 1e-9);
};

describe('percentiles in plain SQL over the stored sketches', () => {
  let app: TestApp;
  let db: string;
  const day0 = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 4 * DAY_MS);
  const day3 = new Date(day0.getTime() + 3 * DAY_MS);
  const tools = { ...DISTRIBUTIONS, web_search: DISTRIBUTIONS.skewed, fetch_url: DISTRIBUTIONS.heavy };

  beforeAll(async () => {
    db = await createDatabase('sketchsql');
    app = await startApp({ DATABASE_URL: db });
    await query(db, `SELECT setseed(0.16)`);
    for (const [tool, expr] of Object.entries(tools)) {
      // Three closed days, and calls in each of the last 4 hours (the docs' windows).
      await query(
        db,
        `INSERT INTO tool_metrics (id, tool_id, tool_name, "timestamp", response_time, is_success)
         SELECT gen_random_uuid(), $1, $1,
                CASE WHEN i % 10 = 0 THEN now() - random() * interval '4 hours' ELSE $2::timestamptz + random() * interval '3 days' END,
                ${expr}, random() > 0.05
           FROM (SELECT i, 1 - random() AS u FROM generate_series(1, ${N}) i) g`,
        [tool, day0],
      );
    }
    const run = await app.post('/api/v1/metrics/rollup', {});
    expect(run.body).toMatchObject({ ran: true });
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await dropDatabase(db);
  });

  const sqlQuantiles = async (tool: string, period: 'hour' | 'day', from: Date, to: Date) => {
    const [row] = await query<{ p: number[] }>(
      db,
      `SELECT array_agg(fourfold_sketch_quantile(m.s, q) ORDER BY q) AS p
         FROM (SELECT fourfold_sketch_merge(response_time_sketch) AS s FROM tool_metrics_hourly
                WHERE tool_id = $1 AND period = $2 AND hour_start >= $3 AND hour_start < $4) m, unnest($5::float8[]) q`,
      [tool, period, from, to, QS],
    );
    return row.p.map(Number);
  };

  it.each(Object.keys(DISTRIBUTIONS))('%s: the service’s percentiles per day, and percentile_cont, within the bound', async (tool) => {
    const res = await app.get(`/api/v1/metrics/tools/${tool}/timeseries?bucket=day&from=${day0.toISOString()}&to=${day3.toISOString()}`);
    expect(res.status).toBe(200);
    expect(res.body.points).toHaveLength(3);
    for (const point of res.body.points) {
      const start = new Date(point.bucket_start);
      const end = new Date(start.getTime() + DAY_MS);
      const fromDaily = await sqlQuantiles(tool, 'day', start, end);
      const fromHours = await sqlQuantiles(tool, 'hour', start, end);
      const [exact] = await query<{ p: number[] }>(
        db,
        `SELECT percentile_cont($4::float8[]) WITHIN GROUP (ORDER BY response_time) AS p
           FROM tool_metrics WHERE tool_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3`,
        [tool, start, end, QS],
      );
      [point.p50, point.p90, point.p95, point.p99].forEach((api: number, i: number) => {
        close(fromDaily[i], api, BOUND);
        close(fromDaily[i], exact.p.map(Number)[i], BOUND);
        // 24 hours merged are the day's bins: the same answer.
        close(fromHours[i], fromDaily[i], 1e-12);
      });
    }
  });

  it('computes exactly what the service computes from the same stored sketches', async () => {
    for (const tool of Object.keys(DISTRIBUTIONS)) {
      const rows = await query<{ s: Buffer }>(
        db,
        `SELECT response_time_sketch AS s FROM tool_metrics_hourly WHERE tool_id = $1 AND period = 'hour'`,
        [tool],
      );
      const merged = new ResponseTimeSketch();
      for (const r of rows) merged.merge(r.s);
      const sql = await sqlQuantiles(tool, 'hour', new Date(0), new Date(Date.now() + DAY_MS));
      QS.forEach((q, i) => close(sql[i], merged.quantile(q)!, 1e-9));
      const [bytes] = await query<{ s: Buffer }>(
        db,
        `SELECT fourfold_sketch_merge(response_time_sketch) AS s FROM tool_metrics_hourly WHERE tool_id = $1 AND period = 'hour'`,
        [tool],
      );
      expect(new ResponseTimeSketch().merge(bytes.s).count).toBe(merged.count);
    }
  });

  it('refuses what is not a sketch or a quantile, and is NULL over nothing', async () => {
    await expect(query(db, `SELECT fourfold_sketch_quantile('\\x01'::bytea || int2send(1::int2) || int4send(3), 1.5)`)).rejects.toThrow(
      /between 0 and 1/,
    );
    await expect(query(db, `SELECT fourfold_sketch_quantile('\\x02abcdef'::bytea, 0.5)`)).rejects.toThrow(/not a fourfold/);
    await expect(query(db, `SELECT fourfold_sketch_merge(s) FROM (VALUES ('\\x0100'::bytea)) v(s)`)).rejects.toThrow(/not a fourfold/);
    const [row] = await query<{ m: Buffer | null; q: number | null }>(
      db,
      `SELECT fourfold_sketch_merge(response_time_sketch) AS m, fourfold_sketch_quantile(fourfold_sketch_merge(response_time_sketch), 0.5) AS q
         FROM tool_metrics_hourly WHERE tool_id = 'no such tool'`,
    );
    expect(row).toEqual({ m: null, q: null });
  });

  it('answers every ad hoc query of docs/sql.md with rows', async () => {
    const blocks = sqlBlocks(readFileSync(join(__dirname, '..', 'docs', 'sql.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    for (const sql of blocks) {
      const rows = await query<Record<string, unknown>>(db, sql);
      expect({ sql, rows: rows.length > 0 }).toEqual({ sql, rows: true });
    }
  });
});
