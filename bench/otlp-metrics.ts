/**
 * npm run bench:otlp-metrics — OTLP metric data points/s through POST /v1/metrics against a
 * plain COPY of the same rows, in one run, on its own embedded PostgreSQL:
 *
 *   1. baseline: the rows the receiver would write (built by its own mapping, so identical),
 *      COPYed into the partitioned observability_metrics in one transaction per chunk;
 *   2. http: the same points as protobuf ExportMetricsServiceRequests from concurrent keep-alive
 *      clients against the real service (src/main.ts, a child process), honouring Retry-After,
 *      timed until the writer committed every row.
 *
 * The points are a gateway's usual mix: monotonic sums, gauges and explicit-bucket histograms,
 * over BENCH_METRIC_SERIES series per metric. BENCH_METRIC_POINTS (default 200,000),
 * BENCH_CLIENTS (8), BENCH_POINTS_PER_REQUEST (1,000); BENCH_CPU_PROF_DIR writes the service's CPU profile there.
 */
import { Agent, request } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { resolveTopology } from '../src/database/database-topology';
import { decodeSignalRequest, encodeSignalRequest } from '../src/observability/otlp/otlp-proto';
import { readMetricsRequest } from '../src/observability/otlp/otlp-metrics-request';
import { protobufReader } from '../src/observability/otlp/otlp-values';
import { metricRows } from '../src/observability/signals/metric-rows';
import { ROLE_DEFINITIONS } from '../src/role-registry';
import { batchColumns, encodeCopyRow, quoteColumns } from '../src/writer/copy-encoding';
import { tableSchema } from '../src/writer/table-schema';
import { startDatabase, startService } from './support';

const POINTS = Number(process.env.BENCH_METRIC_POINTS ?? 200_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const PER_REQUEST = Number(process.env.BENCH_POINTS_PER_REQUEST ?? 1000);
const SERIES = Number(process.env.BENCH_METRIC_SERIES ?? 50);
const TOKEN = `ff_bench_metrics_${Date.now().toString(36)}_0123456789abcdef`;
const NS = 1_000_000n;

const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** One request's worth of points: a third each of sums, gauges and histograms, `n` in all, at `t0 + k` ms. */
function requestOf(n: number, t0: number, k: number): unknown {
  const per = Math.ceil(n / 3);
  const time = (i: number) => String(BigInt(t0 + k) * NS + BigInt(i));
  const attrs = (i: number) => [str('tool', `tool-${i % SERIES}`), str('team', `team-${i % 7}`)];
  const points = (count: number, make: (i: number) => Record<string, unknown>) =>
    Array.from({ length: count }, (_, i) => ({
      attributes: attrs(i),
      startTimeUnixNano: String(BigInt(t0) * NS),
      timeUnixNano: time(i),
      ...make(i),
    }));
  return {
    resourceMetrics: [
      {
        resource: { attributes: [str('service.name', 'gateway'), str('host.name', 'gw-1')] },
        scopeMetrics: [
          {
            scope: { name: 'gateway.metrics', version: '1.0.0' },
            metrics: [
              {
                name: 'tool.calls',
                unit: '{call}',
                sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: points(per, (i) => ({ asInt: k * 10 + i })) },
              },
              { name: 'queue.depth', gauge: { dataPoints: points(per, (i) => ({ asDouble: (i * 7) % 100 })) } },
              {
                name: 'tool.duration',
                unit: 'ms',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: points(n - 2 * per, (i) => ({
                    count: 10 + i,
                    sum: 1234.5,
                    min: 1,
                    max: 900,
                    explicitBounds: [5, 10, 25, 50, 100, 250, 500],
                    bucketCounts: [1, 2, 3, 4, i, 3, 2, 1],
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

function send(
  agent: Agent,
  port: number,
  method: string,
  path: string,
  body?: Buffer,
): Promise<{ status: number; retryAfter?: string; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${TOKEN}` };
    if (body) Object.assign(headers, { 'content-type': 'application/x-protobuf', 'content-length': body.length });
    const req = request({ agent, host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'] as string | undefined,
          text: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function count(url: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query('SELECT count(*) AS n FROM observability_metrics')).rows[0].n);
  } finally {
    await c.end();
  }
}

async function reset(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query('TRUNCATE observability_metrics; CHECKPOINT');
  await c.end();
}

async function main(): Promise<void> {
  const pg = await startDatabase();
  const url = pg.url;
  try {
    console.log(
      `machine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GB RAM; node ${process.version}; PostgreSQL embedded 18`,
    );
    await (await startService(url, TOKEN, { METRICS_ROLLUP_ENABLED: 'false' })).stop(); // today's partitions
    const db = resolveTopology({ core: url, metrics: undefined, logs: undefined, observability: undefined }).databases[0];
    const ds = new DataSource(dataSourceOptions(db, ROLE_DEFINITIONS, { poolSize: 1, connectTimeoutMs: 5000 }));
    await (ds as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();

    const t0 = Date.now() - 10 * 60_000;
    const bodies: Buffer[] = [];
    for (let k = 0; k * PER_REQUEST < POINTS; k++)
      bodies.push(encodeSignalRequest('metrics', requestOf(Math.min(PER_REQUEST, POINTS - k * PER_REQUEST), t0, k)));
    // The baseline's rows: the receiver's own decoding and mapping of the very same bodies.
    const options = { oldestMs: 0, newestMs: Number.MAX_SAFE_INTEGER, maxPoints: Number.MAX_SAFE_INTEGER };
    const rows = bodies.map((b) => metricRows(readMetricsRequest(protobufReader, decodeSignalRequest('metrics', b), options).points));
    const schema = tableSchema(ds, 'observability_metrics');
    const columns = batchColumns(rows[0], schema.columns, 'observability_metrics');
    const text = rows.map((chunk) => chunk.map((r) => encodeCopyRow(r, columns)).join(''));
    const points = rows.reduce((n, r) => n + r.length, 0);
    const avg = Math.round(bodies.reduce((n, b) => n + b.length, 0) / bodies.length / 1024);
    console.log(
      `${points} data points (sums, gauges, histograms; ${SERIES} series each), ${CLIENTS} clients, ${PER_REQUEST} points (${avg} KB protobuf) per request\n`,
    );

    await reset(url);
    const c = new Client({ connectionString: url });
    await c.connect();
    const copyStarted = performance.now();
    for (let i = 0; i < text.length; i += 5) {
      await c.query('BEGIN');
      await c.query('SET LOCAL synchronous_commit = off');
      await pipeline(
        Readable.from(text.slice(i, i + 5)),
        c.query(copyFrom(`COPY observability_metrics (${quoteColumns(columns.map((x) => x.name))}) FROM STDIN`)),
      );
      await c.query('COMMIT');
    }
    const copyMs = performance.now() - copyStarted;
    await c.end();
    if ((await count(url)) !== points) throw new Error('baseline row count mismatch');

    await reset(url);
    const profile = process.env.BENCH_CPU_PROF_DIR; // a CPU profile of the service, for finding where the time goes
    const service = await startService(
      url,
      TOKEN,
      { METRICS_ROLLUP_ENABLED: 'false' },
      profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
    );
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    let next = 0;
    let refused = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          for (;;) {
            const res = await send(agent, service.port, 'POST', '/v1/metrics', body);
            if (res.status === 200) break;
            if (res.status !== 429 && res.status !== 503) throw new Error(`receiver answered ${res.status}: ${res.text}`);
            refused++;
            await sleep(1000 * Number(res.retryAfter ?? 1));
          }
        }
      }),
    );
    for (;;) {
      const status = JSON.parse((await send(agent, service.port, 'GET', '/status/database')).text) as {
        writers: { tables: Array<{ table: string; written: number; queued: number }> };
      };
      const t = status.writers.tables.find((x) => x.table === 'observability_metrics');
      if (t && t.written >= points && t.queued === 0) break;
      await sleep(20);
    }
    const httpMs = performance.now() - started;
    agent.destroy();
    await service.stop();
    const stored = await count(url);
    if (stored !== points) throw new Error(`http run stored ${stored} rows, expected ${points}`);

    const base = rate(points, copyMs);
    const http = rate(points, httpMs);
    console.log(`baseline: plain COPY of the same rows          ${String(base).padStart(8)} points/s   ${(copyMs / 1000).toFixed(2)} s`);
    console.log(
      `http: POST /v1/metrics protobuf ×${CLIENTS}            ${String(http).padStart(8)} points/s   ${(httpMs / 1000).toFixed(2)} s, ${refused} × 429/503`,
    );
    console.log(`ratio ${(http / base).toFixed(2)} (target ≥ 0.50)`);
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await pg.dispose();
  }
}

void main();
