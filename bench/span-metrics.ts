/**
 * npm run bench:span-metrics — metrics from spans, in one run, on its own embedded PostgreSQL:
 *
 *   1. ingest: ContextForge-shaped traces (a request span, tool.invoke spans naming a virtual
 *      server, helper spans) through POST /v1/traces (protobuf, concurrent keep-alive clients)
 *      against the real service, timed until every span and every derived row is committed,
 *      with METRICS_FROM_SPANS=off (the baseline) and on (both profiles), alternately, twice;
 *   2. analytics: BENCH_ANALYTICS_ROWS derived tool rows (default 1,000,000) over 30 days, rolled
 *      up, then p50/p95 of the 30-day stats, heatmap and top-N and of a 7-day chains query.
 *
 * BENCH_SPANS (default 100,000), BENCH_CLIENTS (8), BENCH_TRACES_PER_REQUEST (50: 1,000 spans).
 */
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { Client } from 'pg';
import { PLAIN_SPAN_FIELDS, SpanRecord } from '../src/observability/otlp/otlp-request';
import { fmtMs, p, startDatabase, startService, timed } from './support';
import { protobufBody } from './traces-data';

const SPANS = Number(process.env.BENCH_SPANS ?? 100_000);
const ROWS = Number(process.env.BENCH_ANALYTICS_ROWS ?? 1_000_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const PER_REQUEST = Number(process.env.BENCH_TRACES_PER_REQUEST ?? 50);
const SPANS_PER_TRACE = 20;
const TOOLS_PER_TRACE = 8;
const TOKEN = `ff_bench_spanmetrics_${Date.now().toString(36)}_0123456789abcdef`;
const DAY = 86_400_000;

async function sql<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

const ns = (ms: number) => BigInt(Math.round(ms * 1000)) * 1000n;
const id = (bytes: number) => randomBytes(bytes).toString('hex');

/** One trace as the ContextForge gateway sends it: the request span, tool.invoke spans with their helpers. */
function gatewayTrace(i: number, startMs: number): SpanRecord[] {
  const traceId = id(16);
  const rootId = id(8);
  const base = { ...PLAIN_SPAN_FIELDS, traceId, statusMessage: null, service: 'mcp-gateway', scopeName: 'mcp-gateway', events: [] };
  const resourceAttributes = { 'service.name': 'mcp-gateway', 'service.version': '1.0.8' };
  const spans: SpanRecord[] = [
    {
      ...base,
      spanId: rootId,
      parentSpanId: id(8),
      name: 'POST /servers/bench-server/mcp',
      kind: 'server',
      startNanos: ns(startMs),
      endNanos: ns(startMs + 400),
      status: 'unset',
      attributes: { 'http.request.method': 'POST', 'http.response.status_code': 200, correlation_id: `c-${i}` },
      resourceAttributes,
    },
  ];
  for (let k = 0; spans.length < SPANS_PER_TRACE; k++) {
    const tool = `tool-${(i * 7 + k) % 50}`;
    const at = startMs + 10 + k * 45;
    const invoke = k < TOOLS_PER_TRACE;
    spans.push({
      ...base,
      spanId: id(8),
      parentSpanId: rootId,
      name: invoke ? 'tool.invoke' : k % 2 ? 'tool.lookup' : 'mcp.client.call',
      kind: invoke ? 'internal' : 'client',
      startNanos: ns(at),
      endNanos: ns(at + 5 + ((i + k) % 40)),
      status: 'unset',
      attributes: invoke
        ? { 'tool.id': tool, 'tool.name': tool, server_id: 'bench-server', success: (i + k) % 17 ? 'true' : 'false', arguments_count: 2 }
        : { 'tool.id': tool, 'mcp.tool.name': tool },
      resourceAttributes,
    });
  }
  return spans;
}

interface WriterStatus {
  writers: { tables: Array<{ table: string; written: number; queued: number }> };
}

/** Every body through POST /v1/traces; timed until the writer committed every span and derived row. */
async function run(url: string, bodies: Buffer[], expect: Record<string, number>, env: Record<string, string>) {
  await sql(url, 'TRUNCATE observability_spans, observability_traces, observability_events, tool_metrics, server_metrics; CHECKPOINT');
  const service = await startService(url, TOKEN, { METRICS_ROLLUP_ENABLED: 'false', ...env });
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-protobuf' };
  let next = 0;
  let refused = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        for (;;) {
          const res = await fetch(`${service.base}/v1/traces`, { method: 'POST', headers, body });
          await res.arrayBuffer();
          if (res.status === 200) break;
          if (res.status !== 429 && res.status !== 503) throw new Error(`receiver answered ${res.status}`);
          refused++;
          await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
        }
      }
    }),
  );
  for (;;) {
    const status = (await (await fetch(`${service.base}/status/database`, { headers })).json()) as WriterStatus;
    const done = Object.entries(expect).every(([table, n]) => {
      const t = status.writers.tables.find((x) => x.table === table);
      return t && t.written >= n && t.queued === 0;
    });
    if (done) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - started;
  await service.stop();
  for (const [table, n] of Object.entries(expect)) {
    const [{ count }] = await sql<{ count: string }>(url, `SELECT count(*) FROM ${table}`);
    if (Number(count) !== n) throw new Error(`${table}: ${count} rows, expected ${n}`);
  }
  return { ms, refused };
}

async function analytics(url: string): Promise<void> {
  const now = Date.now();
  // Derived tool rows over 30 days: 50 tools, 5 calls per trace, 5 % failures with two error kinds.
  await sql(
    url,
    `INSERT INTO tool_metrics (id, tool_id, tool_name, "timestamp", response_time, is_success, error_message, error_type, trace_id)
     SELECT gen_random_uuid(), 'tool-' || (g % 50), 'tool-' || (g % 50), now() - (g::float8 / ${ROWS}) * interval '30 days',
            exp(((g * 37) % 97) / 12.0 - 6), g % 20 <> 0, CASE WHEN g % 20 = 0 THEN 'upstream said no' END,
            CASE WHEN g % 20 = 0 THEN CASE WHEN g % 40 = 0 THEN 'tool_error' ELSE 'TimeoutError' END END, md5((g / 5)::text)
       FROM generate_series(1, ${ROWS}) g`,
  );
  const service = await startService(url, TOKEN, { METRICS_ROLLUP_ENABLED: 'false' });
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const rolled = performance.now();
  const rollup = await fetch(`${service.base}/api/v1/metrics/rollup`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ hours_back: 31 * 24 }),
  });
  if (rollup.status !== 200) throw new Error(`rollup answered ${rollup.status}`);
  console.log(`analytics: ${ROWS} tool rows over 30 days, rolled up in ${fmtMs(performance.now() - rolled)}`);
  const from = new Date(now - 30 * DAY).toISOString();
  const week = new Date(now - 7 * DAY).toISOString();
  const paths: Array<[string, string]> = [
    ['stats (30 d, p50-p99, top errors)', `/api/v1/metrics/tools/tool-7/stats?from=${from}`],
    ['heatmap (30 d, day buckets)', `/api/v1/metrics/tools/tool-7/heatmap?from=${from}&bucket=day`],
    ['heatmap (30 d, hour buckets)', `/api/v1/metrics/tools/tool-7/heatmap?from=${from}`],
    ['top 10 slowest (30 d, by p99)', `/api/v1/metrics/top?entity_type=tool&by=p99&from=${from}`],
    ['top 10 failing (30 d)', `/api/v1/metrics/top?entity_type=tool&by=failure_rate&from=${from}`],
    ['chains (7 d, by trace)', `/api/v1/metrics/chains?from=${week}&to=${new Date(now).toISOString()}`],
  ];
  for (const [name, path] of paths) {
    const runs = await timed(20, async () => {
      const res = await fetch(`${service.base}${path}`, { headers });
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      await res.json();
    });
    console.log(`  ${name.padEnd(36)} p50 ${fmtMs(p(runs, 0.5)).padStart(8)}   p95 ${fmtMs(p(runs, 0.95)).padStart(8)}`);
  }
  await service.stop();
}

async function main(): Promise<void> {
  const pg = await startDatabase();
  try {
    console.log(`machine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GB RAM; node ${process.version}`);
    await (await startService(pg.url, TOKEN)).stop(); // partitions for today
    const traces = Math.ceil(SPANS / SPANS_PER_TRACE);
    const start = Date.now() - 10 * 60_000;
    const all = Array.from({ length: traces }, (_, i) => gatewayTrace(i, start + (i * 5 * 60_000) / traces));
    const bodies: Buffer[] = [];
    for (let i = 0; i < traces; i += PER_REQUEST) bodies.push(protobufBody(all.slice(i, i + PER_REQUEST).flat()));
    const spans = traces * SPANS_PER_TRACE;
    const derived = traces * TOOLS_PER_TRACE;
    console.log(`ingest: ${spans} spans (${traces} ContextForge traces, ${derived} tool.invoke), ${CLIENTS} clients\n`);
    const off = { observability_spans: spans };
    const on = { observability_spans: spans, tool_metrics: derived, server_metrics: derived };
    const results = { off: [] as number[], on: [] as number[] };
    for (let round = 0; round < 2; round++) {
      results.off.push((await run(pg.url, bodies, off, { METRICS_FROM_SPANS: 'off' })).ms);
      results.on.push((await run(pg.url, bodies, on, {})).ms);
    }
    const best = (list: number[]) => Math.min(...list);
    const rate = (ms: number) => Math.round(spans / (ms / 1000));
    console.log(`baseline METRICS_FROM_SPANS=off   ${rate(best(results.off))} spans/s (best of 2: ${results.off.map(fmtMs).join(', ')})`);
    console.log(
      `METRICS_FROM_SPANS=both           ${rate(best(results.on))} spans/s (best of 2: ${results.on.map(fmtMs).join(', ')}), ${2 * derived} derived rows`,
    );
    const cost = (best(results.on) - best(results.off)) / best(results.off);
    console.log(
      `ratio on/off ${(rate(best(results.on)) / rate(best(results.off))).toFixed(2)}; derivation cost ${(cost * 100).toFixed(1)} % (target ≤ 15 %)\n`,
    );
    await analytics(pg.url);
  } finally {
    await pg.dispose();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
