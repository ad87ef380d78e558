/**
 * npm run bench:dashboards — 30-day dashboards from rollups, against raw SQL in the same run.
 *
 * Loads BENCH_ROWS executions (default 10,000,000) of 50 tools over the last 30 days into
 * tool_metrics, in time order, one INSERT per hour, after asking partition maintenance for
 * the partitions of the range (a backfill: nothing lands in the DEFAULT partition). The last
 * whole day is a peak day holding BENCH_PEAK_DAY_ROWS of them (default 15.7 %). Then, against
 * the real service (src/main.ts in a child process, over HTTP with a token):
 *
 *   - the rollup of every pending hour (the whole import) and of the peak day alone, each
 *     beside a plain scan + aggregate of the same rows;
 *   - each dashboard call, BENCH_RUNS times (default 20), beside the raw-SQL answer to the same
 *     question, BENCH_RAW_RUNS times (default 3), and the p95 of each;
 *   - the error of the service's percentiles against percentile_cont (bound: 1 %).
 *
 * Runs its own embedded PostgreSQL; prints a table.
 */
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DAY_MS, HOUR_MS } from '../src/common/time';
import { settingsFromEnv } from '../src/config/settings';
import { parseEnv } from '../src/config/configuration';
import { PartitionMaintainer } from '../src/partitioning/partition-maintainer';
import { PARTITIONED_TABLES } from '../src/role-registry';
import { RELATIVE_ACCURACY } from '../src/metrics/sketch/response-time-sketch';
import { fmtMs, p, startDatabase, startService, timed } from './support';
import { topBreakdown } from './top-breakdown';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const PEAK = Number(process.env.BENCH_PEAK_DAY_ROWS ?? Math.round(ROWS * 0.157));
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const RAW_RUNS = Number(process.env.BENCH_RAW_RUNS ?? 3);
const TOOLS = Number(process.env.BENCH_TOOLS ?? 50);
const TOKEN = `ff_bench_${randomBytes(24).toString('hex')}`;

// Per tool: a log-normal with its own median and spread; every seventh tool is bimodal (a slow path).
const RESPONSE = `CASE WHEN t % 7 = 3 AND u2 < 0.12 THEN 2.5 * exp(0.3 * random_normal())
                       ELSE (0.04 + (t % 10) * 0.015) * exp((0.5 + (t % 5) * 0.2) * random_normal()) END`;

async function load(db: Client, nowHour: Date): Promise<{ start: Date; peakDay: Date; loaded: number }> {
  const start = new Date(nowHour.getTime() - 720 * HOUR_MS);
  const peakDay = new Date(Math.floor(nowHour.getTime() / DAY_MS) * DAY_MS - DAY_MS);
  const peakHours = 24;
  const perHour = Math.round((ROWS - PEAK) / (720 - peakHours));
  let loaded = 0;
  for (let h = start.getTime(); h < nowHour.getTime(); h += HOUR_MS) {
    const rows = h >= peakDay.getTime() && h < peakDay.getTime() + DAY_MS ? Math.round(PEAK / peakHours) : perHour;
    await db.query(
      `INSERT INTO tool_metrics (id, tool_id, tool_name, "timestamp", response_time, is_success, error_message)
       SELECT gen_random_uuid(), 'tool-' || lpad(t::text, 4, '0'), 'Tool number ' || t, $1::timestamptz + (g::float8 / $2) * interval '1 hour',
              ${RESPONSE}, u > 0.05, CASE WHEN u <= 0.05 THEN 'upstream timed out after 30s' END
         FROM (SELECT g, g % ${TOOLS} AS t, random() AS u, random() AS u2 FROM generate_series(0, $2 - 1) g) s`,
      [new Date(h), rows],
    );
    loaded += rows;
  }
  // A few rows in the open hour: the raw tail every dashboard reads.
  await db.query(
    `INSERT INTO tool_metrics (id, tool_id, tool_name, "timestamp", response_time, is_success)
     SELECT gen_random_uuid(), 'tool-' || lpad((g % ${TOOLS})::text, 4, '0'), 'Tool number ' || (g % ${TOOLS}), $1::timestamptz + g * interval '10 ms', 0.1, true
       FROM generate_series(0, 999) g`,
    [nowHour],
  );
  return { start, peakDay, loaded: loaded + 1000 };
}

const relError = (estimate: number | null, exact: number) => (estimate === null ? Infinity : Math.abs(estimate - exact) / Math.abs(exact));

async function main(): Promise<void> {
  const pg = await startDatabase();
  const db = new Client({ connectionString: pg.url });
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  try {
    await db.connect();
    const now = new Date();
    const nowHour = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
    console.log(
      `machine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GB RAM; node ${process.version}; PostgreSQL embedded 18`,
    );

    // Partitions before the import (what an import asks for), then the rows.
    const ds = await new DataSource({ type: 'postgres', url: pg.url }).initialize();
    const partitions = settingsFromEnv(parseEnv({ METRICS_RETENTION_DAYS: '90' })).partitions;
    const spec = PARTITIONED_TABLES.filter((t) => t.table === 'tool_metrics');
    const maintainer = new PartitionMaintainer({ metrics: ds }, partitions, () => new Date(), console, spec);
    await maintainer.run(['metrics']);
    await maintainer.ensure(spec[0], new Date(nowHour.getTime() - 721 * HOUR_MS), now);
    await ds.destroy();
    let started = performance.now();
    const { start, peakDay, loaded } = await load(db, nowHour);
    const [{ n: inDefault }] = (await db.query(`SELECT count(*)::int AS n FROM tool_metrics_default`)).rows;
    console.log(
      `loaded ${loaded} rows (${TOOLS} tools, 30 days, peak day ${PEAK}) in ${fmtMs(performance.now() - started)}; DEFAULT partition: ${inDefault}`,
    );
    await db.query('VACUUM ANALYZE tool_metrics');

    service = await startService(pg.url, TOKEN, { METRICS_ROLLUP_ENABLED: 'false', PERFORMANCE_ENABLED: 'false' });
    const api = async (path: string, body?: unknown) => {
      const res = await fetch(service!.base + path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const sql = (text: string, params: unknown[] = []) => db.query(text, params).then((r) => r.rows);
    const rows: string[][] = [];
    const report = (call: string, service: number, raw: number, goal: string, met: boolean, note = '') =>
      rows.push([call, fmtMs(service), fmtMs(raw), (raw / service).toFixed(1), goal, met ? 'yes' : 'NO', note]);

    // Rollups: the whole import (every hour pending), then the peak day alone, beside a plain aggregate of the same rows.
    const plain = (from: Date, to: Date) =>
      sql(
        `SELECT tool_id, date_bin('1 hour', "timestamp", 'epoch'), count(*), count(*) FILTER (WHERE is_success), min(response_time), max(response_time), avg(response_time)
           FROM tool_metrics WHERE "timestamp" >= $1 AND "timestamp" < $2 GROUP BY 1, 2`,
        [from, to],
      );
    started = performance.now();
    const full = (await api('/api/v1/metrics/rollup', {})) as { tables: Record<string, { hours: number; days: number }> };
    const fullMs = performance.now() - started;
    const fullPlain = p(await timed(1, () => plain(start, nowHour)), 1);
    report(
      `rollup, ${full.tables.tool_metrics_hourly.hours} hours / ${loaded - 1000} rows`,
      fullMs,
      fullPlain,
      '< 10 s',
      fullMs < 10_000,
      `${full.tables.tool_metrics_hourly.days} days compacted`,
    );
    const peakEnd = new Date(peakDay.getTime() + DAY_MS);
    const peakRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      await sql(
        `UPDATE tool_metrics_hourly SET pending_changes = pending_changes + 1 WHERE period = 'hour' AND hour_start >= $1 AND hour_start < $2`,
        [peakDay, peakEnd],
      );
      started = performance.now();
      await api('/api/v1/metrics/rollup', {});
      peakRuns.push(performance.now() - started);
    }
    const peakMs = p(
      peakRuns.sort((a, b) => a - b),
      0.5,
    );
    const peakPlain = p(await timed(3, () => plain(peakDay, peakEnd)), 0.5);
    const peakRatio = peakMs / peakPlain;
    report(
      `rollup, 24 h / ${PEAK} rows (median of 3)`,
      peakMs,
      peakPlain,
      '< 2 s, ≤ 3× plain',
      peakMs < 2000 && peakRatio <= 3,
      `${peakRatio.toFixed(1)}× the plain aggregate`,
    );

    // Dashboard calls.
    const from30 = new Date(now.getTime() - 30 * DAY_MS).toISOString();
    const from7 = new Date(now.getTime() - 7 * DAY_MS).toISOString();
    const from90 = new Date(now.getTime() - 90 * DAY_MS).toISOString();
    const to = now.toISOString();
    const tool = 'tool-0003';
    const calls: Array<{ name: string; path: string; raw: string; params: unknown[]; goal: number }> = [
      {
        name: 'summary, one tool, 30 days',
        path: `/api/v1/metrics/tools/${tool}/summary?from=${from30}&to=${to}`,
        raw: `SELECT count(*), count(*) FILTER (WHERE NOT is_success), min(response_time), max(response_time), avg(response_time), max("timestamp")
                FROM tool_metrics WHERE tool_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3`,
        params: [tool, from30, to],
        goal: 50,
      },
      {
        name: 'timeseries by day, one tool, 30 days',
        path: `/api/v1/metrics/tools/${tool}/timeseries?bucket=day&from=${from30}&to=${to}`,
        raw: `SELECT date_bin('1 day', "timestamp", 'epoch') AS b, count(*), count(*) FILTER (WHERE NOT is_success),
                     percentile_cont(ARRAY[0.5, 0.9, 0.95, 0.99]::float8[]) WITHIN GROUP (ORDER BY response_time) AS p
                FROM tool_metrics WHERE tool_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3 GROUP BY 1 ORDER BY 1`,
        params: [tool, from30, to],
        goal: 50,
      },
      {
        name: 'timeseries by hour, one tool, 7 days',
        path: `/api/v1/metrics/tools/${tool}/timeseries?bucket=hour&from=${from7}&to=${to}`,
        raw: `SELECT date_bin('1 hour', "timestamp", 'epoch') AS b, count(*), count(*) FILTER (WHERE NOT is_success),
                     percentile_cont(ARRAY[0.5, 0.9, 0.95, 0.99]::float8[]) WITHIN GROUP (ORDER BY response_time) AS p
                FROM tool_metrics WHERE tool_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3 GROUP BY 1 ORDER BY 1`,
        params: [tool, from7, to],
        goal: 30,
      },
      {
        name: 'top 10 by p99, all tools, 30 days',
        path: `/api/v1/metrics/top?entity_type=tool&by=p99&limit=10&from=${from30}&to=${to}`,
        raw: `SELECT tool_id, count(*), percentile_cont(0.99) WITHIN GROUP (ORDER BY response_time) AS p99
                FROM tool_metrics WHERE "timestamp" >= $1 AND "timestamp" < $2 GROUP BY 1 ORDER BY 3 DESC LIMIT 10`,
        params: [from30, to],
        goal: 100,
      },
      {
        name: 'usage report: top 10 by count, 90 days',
        path: `/api/v1/metrics/top?entity_type=tool&by=count&limit=10&from=${from90}&to=${to}`,
        raw: `SELECT tool_id, count(*) FROM tool_metrics WHERE "timestamp" >= $1 AND "timestamp" < $2 GROUP BY 1 ORDER BY 2 DESC LIMIT 10`,
        params: [from90, to],
        goal: 100,
      },
    ];
    const answers: Record<string, { service: unknown; raw: Array<Record<string, unknown>> }> = {};
    for (const call of calls) {
      await api(call.path); // warm
      const service = await timed(RUNS, () => api(call.path));
      const raw = await timed(RAW_RUNS, () => sql(call.raw, call.params));
      answers[call.name] = { service: await api(call.path), raw: await sql(call.raw, call.params) };
      report(call.name, p(service, 0.95), p(raw, 0.95), `< ${call.goal} ms`, p(service, 0.95) < call.goal);
    }

    // The same top 10 in plain SQL from the rollups (fourfold_sketch_quantile), beside percentile_cont over the raw rows.
    const sketchTop = `SELECT tool_id, sum(total_count) AS calls, fourfold_sketch_quantile(fourfold_sketch_merge(response_time_sketch), 0.99) AS p99
                         FROM tool_metrics_hourly WHERE period = 'day' AND hour_start >= $1 AND hour_start < $2
                        GROUP BY 1 ORDER BY 3 DESC LIMIT 10`;
    const dayFrom = new Date(Math.ceil(Date.parse(from30) / DAY_MS) * DAY_MS);
    const dayTo = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
    const sketchRuns = await timed(RUNS, () => sql(sketchTop, [dayFrom, dayTo]));
    const exactRuns = await timed(RAW_RUNS, () => sql(calls[3].raw, [dayFrom, dayTo]));
    const sketchRows = await sql(sketchTop, [dayFrom, dayTo]);
    const exactRows = new Map((await sql(calls[3].raw, [dayFrom, dayTo])).map((r) => [r.tool_id as string, Number(r.p99)]));
    const sqlWorst = Math.max(
      ...sketchRows.filter((r) => exactRows.has(r.tool_id)).map((r) => relError(Number(r.p99), exactRows.get(r.tool_id)!)),
    );
    report(
      `SQL: top 10 by p99, fourfold_sketch_quantile, ${Math.round((dayTo.getTime() - dayFrom.getTime()) / DAY_MS)} days`,
      p(sketchRuns, 0.95),
      p(exactRuns, 0.95),
      '≤ 1 % of percentile_cont',
      sqlWorst <= RELATIVE_ACCURACY,
      `daily rows of ${TOOLS} tools; worst error ${(sqlWorst * 100).toFixed(3)} %`,
    );
    console.log('\ntop 10 by p99, 30 days, window ending now — where the time goes (p50 of each part alone):');
    for (const [part, ms, note] of await topBreakdown(db, new Date(from30), now, now, 5))
      console.log(`  ${part.padEnd(48)} ${fmtMs(ms).padStart(8)}   ${note}`);

    // Error bound: the service's percentiles against percentile_cont over the same rows.
    let worst = 0;
    const series = answers['timeseries by day, one tool, 30 days'];
    const byDay = new Map(series.raw.map((r) => [new Date(r.b as string).toISOString(), (r.p as number[]).map(Number)]));
    for (const point of (series.service as { points: Array<Record<string, number>> }).points) {
      const exact = byDay.get(point.bucket_start as unknown as string)!;
      [point.p50, point.p90, point.p95, point.p99].forEach((v, i) => (worst = Math.max(worst, relError(v, exact[i]))));
    }
    const top = answers['top 10 by p99, all tools, 30 days'];
    const rawTop = new Map(top.raw.map((r) => [r.tool_id as string, Number(r.p99)]));
    for (const item of (top.service as { items: Array<{ id: string; p99: number }> }).items) {
      if (rawTop.has(item.id)) worst = Math.max(worst, relError(item.p99, rawTop.get(item.id)!));
    }
    rows.push([
      'percentile error vs percentile_cont',
      `${(worst * 100).toFixed(3)} %`,
      '0',
      '',
      `≤ ${RELATIVE_ACCURACY * 100} %`,
      worst <= RELATIVE_ACCURACY ? 'yes' : 'NO',
      '30 daily points × 4, top-10 p99',
    ]);

    const header = ['call', 'service p95', 'raw SQL p95', 'raw ÷ service', 'goal', 'met', ''];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    console.log(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}`);
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await service?.stop();
    await db.end().catch(() => undefined);
    await pg.dispose();
  }
}

void main();
