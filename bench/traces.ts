/**
 * npm run bench:traces — what self-tracing costs trace ingest, and trace queries, in one run, on
 * its own embedded PostgreSQL (ingest against a COPY of the same rows: npm run bench:otlp):
 *
 *   1. http: POST /v1/traces with protobuf bodies from concurrent keep-alive clients against the
 *      real service (src/main.ts, a child process), until every span is committed; then the same
 *      with OBSERVABILITY_SELF_TRACES=true (the service traces itself into the same tables);
 *   2. queries: with BENCH_QUERY_SPANS (default 5,000,000) spans over the last 24 hours, p50/p95
 *      of GET /api/v1/traces/:id and of a one-hour search by service and min duration, and the
 *      same through the Jaeger API (/jaeger/api/traces/:id, a one-hour search as Grafana sends it),
 *      its services and operations, and its dependency graph over the whole day: folded by the
 *      service's job first (timed), then read folded and, as the baseline, from raw spans alone
 *      (and the same for the operations of each service).
 *
 * BENCH_SPANS (ingest, default 200,000), BENCH_CLIENTS (8), BENCH_TRACES_PER_REQUEST (50: 1,000 spans);
 * BENCH_TRACES_INGEST=off skips 1 (queries only).
 */
import { Agent } from 'node:http';
import { Client } from 'pg';
import { RECHECK_HOURS } from '../src/observability/folds/fold-plan';
import { HOUR_COUNTS_SQL } from '../src/observability/folds/hourly-folds.service';
import { traceRows } from '../src/observability/ingest/span-rows';
import { SpanRecord } from '../src/observability/otlp/otlp-request';
import {
  benchMetadata,
  machineLine,
  postAll,
  rate,
  rowCount,
  send,
  sql,
  startDatabase,
  startService,
  TableCopy,
  untilWritten,
} from './support';
import { makeTrace, protobufBody, SERVICES, SPANS_PER_TRACE } from './traces-data';

const SPANS = Number(process.env.BENCH_SPANS ?? 200_000);
const QUERY_SPANS = Number(process.env.BENCH_QUERY_SPANS ?? 5_000_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const PER_REQUEST = Number(process.env.BENCH_TRACES_PER_REQUEST ?? 50);
const TOKEN = `ff_bench_traces_${Date.now().toString(36)}_0123456789abcdef`;
const HOUR = 3_600_000;
const INGEST = process.env.BENCH_TRACES_INGEST !== 'off';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const reset = (url: string) => sql(url, 'TRUNCATE observability_spans, observability_traces, observability_events; CHECKPOINT');
const spanCount = (url: string, where = 'true') => rowCount(url, 'observability_spans', where);

/** The service as the receiver runs (rollups and service graph folds off); the database is migrated by startDatabase. */
const startReceiver = (url: string, extra: Record<string, string> = {}) =>
  startService(url, TOKEN, { METRICS_ROLLUP_ENABLED: 'false', TRACES_FOLD_INTERVAL_SECONDS: '0', ...extra });

const FOLDED = `scope_name = 'fourfold.hourly_folds' AND name = 'fourfold_folded_spans_total'`;

/**
 * The hourly folds made by the service's own job (every second here): the time until every
 * closed hour holding spans is folded (a backfill of the day), then what a run that finds
 * nothing changed costs (its span counts over the recheck horizon, timed as SQL).
 */
async function foldDay(url: string) {
  const [{ hours }] = await sql<{ hours: number }>(
    url,
    `SELECT count(DISTINCT date_trunc('hour', start_time, 'UTC'))::int AS hours FROM observability_spans WHERE start_time < date_trunc('hour', now(), 'UTC')`,
  );
  const service = await startReceiver(url, { TRACES_FOLD_INTERVAL_SECONDS: '1' });
  const started = performance.now();
  try {
    while ((await rowCount(url, 'observability_metrics', `${FOLDED} AND value > 0`)) < hours) await new Promise((r) => setTimeout(r, 200));
  } finally {
    await service.stop();
  }
  const foldMs = performance.now() - started;
  const recheck: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    await sql(url, HOUR_COUNTS_SQL, [new Date(hour - RECHECK_HOURS * HOUR), new Date(hour)]);
    recheck.push(performance.now() - t);
  }
  recheck.sort((a, b) => a - b);
  return { hours, foldMs, recheckMs: recheck[2] };
}

/** All bodies through POST /v1/traces by CLIENTS clients honouring Retry-After; timed until the writer committed them all. */
async function httpRun(url: string, bodies: Buffer[], spans: number, extra: Record<string, string> = {}) {
  const service = await startReceiver(url, extra);
  const started = performance.now();
  const refused = await postAll(service.port, TOKEN, '/v1/traces', bodies, CLIENTS);
  await untilWritten(service.port, TOKEN, 'observability_spans', spans);
  const ms = performance.now() - started;
  await service.stop();
  const stored = await spanCount(url, `service <> 'fourfold'`);
  if (stored !== spans) throw new Error(`http run stored ${stored} spans, expected ${spans}`);
  return { ms, refused, selfSpans: await spanCount(url, `service = 'fourfold'`) };
}

async function fillForQueries(url: string, copy: TableCopy): Promise<string[]> {
  const traces = Math.ceil(QUERY_SPANS / SPANS_PER_TRACE);
  const now = Date.now() - 5 * 60_000;
  const sample: string[] = [];
  const perChunk = 1000; // traces per COPY transaction (20,000 spans)
  const clients = await Promise.all([0, 1].map(async () => Object.assign(new Client({ connectionString: url }), {})));
  await Promise.all(clients.map((c) => c.connect()));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      while (next < traces) {
        const from = next;
        next += perChunk;
        const spans: SpanRecord[] = [];
        for (let i = from; i < Math.min(from + perChunk, traces); i++) {
          const trace = makeTrace(i, now - (i * 24 * HOUR) / traces - Math.random() * 1000);
          if (i % 997 === 0) sample.push(trace[0].traceId);
          spans.push(...trace);
        }
        await copy.copy(client, [copy.text(traceRows(spans).spans)]);
      }
    }),
  );
  await Promise.all(clients.map((c) => c.end()));
  await sql(url, 'ANALYZE observability_spans; ANALYZE observability_traces');
  console.log(
    `filled ${traces * SPANS_PER_TRACE} spans (${traces} traces) over 24 h in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  return sample;
}

async function latencies(port: number, paths: string[]): Promise<{ p50: number; p95: number; items: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  let items = 0;
  for (const path of paths) {
    const t = performance.now();
    const res = await send(agent, port, TOKEN, 'GET', path);
    times.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text.slice(0, 200)}`);
    const body = JSON.parse(res.text) as { items?: unknown[]; spans?: unknown[]; data?: unknown[] };
    items += (body.items ?? body.spans ?? body.data ?? []).length;
  }
  agent.destroy();
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95), items: items / paths.length };
}

/** The Jaeger API as Grafana and the Jaeger UI call it, over the same spans. */
async function jaegerLatencies(port: number, sample: string[]) {
  const µs = (d: Date) => String(d.getTime() * 1000);
  const searches = Array.from({ length: 200 }, (_, i) => {
    const to = new Date(Date.now() - 5 * 60_000 - Math.random() * 23 * HOUR);
    const q = new URLSearchParams({
      service: SERVICES[i % SERVICES.length],
      minDuration: '1s',
      limit: '20',
      start: µs(new Date(to.getTime() - HOUR)),
      end: µs(to),
      lookback: 'custom',
    });
    return `/jaeger/api/traces?${q}`;
  });
  const endTs = Date.now();
  return [
    [
      'Jaeger: trace by id',
      await latencies(
        port,
        Array.from({ length: 300 }, (_, i) => `/jaeger/api/traces/${sample[i % sample.length]}`),
      ),
      'target p95 < 20 ms',
    ],
    ['Jaeger: 1-hour search (whole traces)', await latencies(port, searches), 'target p95 < 100 ms'],
    ['Jaeger: services (last day)', await latencies(port, Array(20).fill('/jaeger/api/services')), 'picker'],
    [
      'Jaeger: operations of a service',
      await latencies(
        port,
        SERVICES.map((s) => `/jaeger/api/services/${s}/operations`),
      ),
      'picker: folded hours, raw edges',
    ],
    [
      'Jaeger: dependencies over a day',
      await latencies(port, Array(5).fill(`/jaeger/api/dependencies?endTs=${endTs}&lookback=86400000`)),
      'folded hours, raw edges',
    ],
  ] as const;
}

async function main(): Promise<void> {
  const pg = await startDatabase();
  const url = pg.url;
  try {
    console.log(machineLine());
    // Partition maintenance at start: today's partitions exist before anything is written.
    await (await startReceiver(url)).stop();

    const traces = Math.ceil(SPANS / SPANS_PER_TRACE);
    const start = Date.now() - 10 * 60_000;
    const all: SpanRecord[][] = Array.from({ length: traces }, (_, i) => makeTrace(i, start + (i * 5 * 60_000) / traces));
    const copy = new TableCopy(await benchMetadata(url), 'observability_spans', traceRows(all[0]).spans);
    const bodies: Buffer[] = [];
    for (let i = 0; i < traces; i += PER_REQUEST) bodies.push(protobufBody(all.slice(i, i + PER_REQUEST).flat()));
    const spans = traces * SPANS_PER_TRACE;
    const avgBody = Math.round(bodies.reduce((n, b) => n + b.length, 0) / bodies.length);
    console.log(
      `ingest: ${spans} spans (${traces} traces of ${SPANS_PER_TRACE}), ${CLIENTS} clients, ${PER_REQUEST * SPANS_PER_TRACE} spans (${Math.round(avgBody / 1024)} KB protobuf) per request\n`,
    );

    if (INGEST) {
      await reset(url);
      const http = await httpRun(url, bodies, spans);
      await reset(url);
      const traced = await httpRun(url, bodies, spans, { OBSERVABILITY_SELF_TRACES: 'true' });
      const line = (name: string, run: typeof http, note: string) =>
        console.log(
          `${name.padEnd(46)} ${String(rate(spans, run.ms)).padStart(8)} spans/s   ${(run.ms / 1000).toFixed(2)} s, ${run.refused} × 429/503${note}`,
        );
      line(`http: POST /v1/traces protobuf ×${CLIENTS}`, http, '');
      line('http, OBSERVABILITY_SELF_TRACES=true', traced, `, ${traced.selfSpans} own spans stored`);
      console.log(`self-tracing overhead on ingest: ${(((traced.ms - http.ms) / http.ms) * 100).toFixed(1)} %\n`);
    }

    await reset(url);
    const sample = await fillForQueries(url, copy);
    const fold = await foldDay(url);
    console.log(
      `hourly folds: ${fold.hours} closed hours folded in ${(fold.foldMs / 1000).toFixed(1)} s (≈ ${(fold.foldMs / fold.hours).toFixed(0)} ms an hour, with the service's start); a run with nothing changed: ${fold.recheckMs.toFixed(0)} ms of span counts\n`,
    );
    const service = await startReceiver(url);
    try {
      const byId = await latencies(
        service.port,
        Array.from({ length: 300 }, (_, i) => `/api/v1/traces/${sample[i % sample.length]}`),
      );
      const searches = Array.from({ length: 200 }, (_, i) => {
        const to = new Date(Date.now() - 5 * 60_000 - Math.random() * 23 * HOUR);
        const from = new Date(to.getTime() - HOUR);
        return `/api/v1/traces?service=${SERVICES[i % SERVICES.length]}&min_duration_ms=1000&from=${from.toISOString()}&to=${to.toISOString()}`;
      });
      const search = await latencies(service.port, searches);
      console.log(`queries over ${await spanCount(url)} spans (HTTP, authenticated, one client):`);
      console.log(
        `  trace by id (${SPANS_PER_TRACE} spans)             p50 ${byId.p50.toFixed(1)} ms   p95 ${byId.p95.toFixed(1)} ms   (target p95 < 20 ms)`,
      );
      console.log(
        `  1-hour search, service + min duration  p50 ${search.p50.toFixed(1)} ms   p95 ${search.p95.toFixed(1)} ms   (target p95 < 100 ms; ${search.items.toFixed(0)} items a page)`,
      );
      const jaeger = await jaegerLatencies(service.port, sample);
      for (const [name, r, target] of jaeger)
        console.log(
          `  ${name.padEnd(38)} p50 ${r.p50.toFixed(1)} ms   p95 ${r.p95.toFixed(1)} ms   (${target}; ${r.items.toFixed(0)} items)`,
        );
      // Baseline in the same run: the same calls with no folded hour, scans of the day's spans.
      const dayGraph = Array(5).fill(`/jaeger/api/dependencies?endTs=${Date.now()}&lookback=86400000`);
      const serviceOps = SERVICES.map((s) => `/jaeger/api/services/${s}/operations`);
      const folded = [await latencies(service.port, dayGraph), await latencies(service.port, serviceOps)];
      await sql(url, `DELETE FROM observability_metrics WHERE scope_name = 'fourfold.hourly_folds'`);
      const raw = [await latencies(service.port, dayGraph), await latencies(service.port, serviceOps)];
      ['dependencies over a day', 'operations of a service'].forEach((name, i) =>
        console.log(
          `  ${name}: folded p50 ${folded[i].p50.toFixed(1)} ms p95 ${folded[i].p95.toFixed(1)} ms, raw scan p50 ${raw[i].p50.toFixed(1)} ms p95 ${raw[i].p95.toFixed(1)} ms (${(raw[i].p50 / folded[i].p50).toFixed(1)}× faster folded; ${folded[i].items} and ${raw[i].items} items)`,
        ),
      );
    } finally {
      await service.stop();
    }
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await pg.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
