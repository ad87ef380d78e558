/**
 * npm run bench:otlp — OTLP ingest end to end against a plain COPY of the same rows, in one run,
 * on its own embedded PostgreSQL, with the real service (src/main.ts, a child process):
 *
 *   spans   1. bare COPY of the span rows the receiver writes (session_replication_role =
 *              replica: the per-trace summary trigger off);
 *           2. the same COPY with the summary trigger (as the table is), 5,000 rows a statement
 *              and transaction as the writer's batches (and, for reference, all in one statement);
 *           3. gRPC: ExportTraceServiceRequests (the official proto, raw @grpc/grpc-js clients,
 *              one channel each) to TraceService/Export on OTLP_GRPC_PORT;
 *           4. HTTP: the same bodies as protobuf to POST /v1/traces on OTLP_HTTP_PORT;
 *   metrics 5. COPY of the metric rows the receiver writes (built by its own decoding and mapping);
 *           6. HTTP: the same ExportMetricsServiceRequests to POST /v1/metrics.
 *
 * First, the receiver's own steps (decode, read, rows, COPY text) in this process: CPU per span.
 * Each end-to-end run is timed from the first request until the writer reports every row
 * committed; refusals (429/503, RESOURCE_EXHAUSTED/UNAVAILABLE) are retried after the wait they
 * answer. Stored rows and trace summaries are counted after each run.
 *
 * Every measure is taken BENCH_ROUNDS times (default 2), interleaved; the best round is reported.
 * BENCH_SPANS (default 100,000), BENCH_TRACES_PER_REQUEST (50: 1,000 spans), BENCH_METRIC_POINTS
 * (100,000), BENCH_POINTS_PER_REQUEST (1,000), BENCH_METRIC_SERIES (50), BENCH_CLIENTS (8);
 * BENCH_CPU_PROF_DIR writes the service's CPU profile there (node --cpu-prof).
 */
import { Client as GrpcClient, credentials, Metadata, ServiceError } from '@grpc/grpc-js';
import { decodeSignalRequest, encodeSignalRequest } from '../src/observability/otlp/otlp-proto';
import { readTraceRequest } from '../src/observability/otlp/otlp-request';
import { readMetricsRequest } from '../src/observability/otlp/otlp-metrics-request';
import { protobufReader } from '../src/observability/otlp/otlp-values';
import { traceRows } from '../src/observability/ingest/span-rows';
import { metricRows } from '../src/observability/signals/metric-rows';
import { decodeStatus } from '../src/otlp/otlp-wire';
import { metricsRequest } from './metrics-data';
import {
  benchMetadata,
  freePort,
  machineLine,
  postAll,
  rate,
  rowCount,
  sendAll,
  Service,
  sql,
  startDatabase,
  startService,
  TableCopy,
  untilWritten,
} from './support';
import { makeTrace, protobufBody, SPANS_PER_TRACE } from './traces-data';

const SPANS = Number(process.env.BENCH_SPANS ?? 100_000);
const TRACES_PER_REQUEST = Number(process.env.BENCH_TRACES_PER_REQUEST ?? 50);
const POINTS = Number(process.env.BENCH_METRIC_POINTS ?? 100_000);
const POINTS_PER_REQUEST = Number(process.env.BENCH_POINTS_PER_REQUEST ?? 1000);
const SERIES = Number(process.env.BENCH_METRIC_SERIES ?? 50);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const TOKEN = `ff_bench_otlp_${Date.now().toString(36)}_0123456789abcdef`;
const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
/** Span rows per COPY chunk of the baseline: the writer's default batch (WRITER_BATCH_ROWS). */
const ROWS_PER_CHUNK = 5000;
const RETRYABLE_GRPC = new Set([8, 14]); // RESOURCE_EXHAUSTED, UNAVAILABLE

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

const raw = (bytes: Buffer) => bytes;

/**
 * Each measure's durations over the rounds. The best round is reported (on a shared machine,
 * the one least slowed by the neighbours; ratios are taken between best rounds), every round shown.
 */
class Rounds {
  private readonly ms = new Map<string, number[]>();

  constructor(
    private readonly items: number,
    private readonly unit: string,
  ) {}

  add(measure: string, ms: number): void {
    this.ms.set(measure, [...(this.ms.get(measure) ?? []), ms]);
  }

  best(measure: string): number {
    return rate(this.items, Math.min(...this.ms.get(measure)!));
  }

  ratio(measure: string, base: string): string {
    return (this.best(measure) / this.best(base)).toFixed(2);
  }

  line(measure: string, name: string, note = ''): void {
    const each = this.ms.get(measure)!.map((ms) => `${rate(this.items, ms)}`);
    console.log(`  ${name.padEnd(44)} ${String(this.best(measure)).padStart(8)} ${this.unit}   rounds: ${each.join(', ')}   ${note}`);
  }
}
const reset = (url: string) =>
  sql(url, 'TRUNCATE observability_spans, observability_traces, observability_events, observability_metrics; CHECKPOINT');

/** Every body to TraceService/Export, one gRPC channel per client. */
async function grpcAll(port: number, bodies: Buffer[]): Promise<number> {
  const clients = Array.from(
    { length: CLIENTS },
    () => new GrpcClient(`127.0.0.1:${port}`, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }),
  );
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${TOKEN}`);
  try {
    return await sendAll(
      bodies,
      CLIENTS,
      (client, body) =>
        new Promise((resolve) =>
          clients[client].makeUnaryRequest(TRACE_EXPORT, raw, raw, body, metadata, (error: ServiceError | null) => {
            if (!error) return resolve({ ok: true });
            const detail = error.metadata?.get('grpc-status-details-bin')[0];
            const seconds = Buffer.isBuffer(detail) ? decodeStatus(detail).retryDelaySeconds : null;
            resolve({
              ok: false,
              retryAfterMs: RETRYABLE_GRPC.has(error.code) ? 1000 * (seconds ?? 1) : undefined,
              error: `gRPC ${error.code}: ${error.details}`,
            });
          }),
        ),
    );
  } finally {
    for (const c of clients) c.close();
  }
}

/**
 * CPU per span of the receiver's own steps, in this process over the same bodies: protobuf
 * decoding, reading (validation), rows, COPY encoding (with the chunk's join into one buffer).
 * Less disturbed by neighbours than the end-to-end figures (CPU time, not wall time).
 */
function stageCosts(bodies: Buffer[], copy: TableCopy): void {
  const options = { oldestMs: 0, newestMs: Number.MAX_SAFE_INTEGER, maxSpans: Number.MAX_SAFE_INTEGER };
  const cpu = { decode: 0, read: 0, rows: 0, encode: 0 };
  const used = (since: NodeJS.CpuUsage) => {
    const d = process.cpuUsage(since);
    return d.user + d.system;
  };
  let spans = 0;
  for (let round = 0; round < 3; round++)
    for (const body of bodies) {
      let t = process.cpuUsage();
      const message = decodeSignalRequest('traces', body);
      const decode = used(t);
      t = process.cpuUsage();
      const read = readTraceRequest(protobufReader, message, options).spans;
      const reading = used(t);
      t = process.cpuUsage();
      const rows = traceRows(read).spans;
      const building = used(t);
      t = process.cpuUsage();
      Buffer.from(copy.text(rows));
      const encoding = used(t);
      if (round === 0) continue; // warm-up
      Object.assign(cpu, {
        decode: cpu.decode + decode,
        read: cpu.read + reading,
        rows: cpu.rows + building,
        encode: cpu.encode + encoding,
      });
      spans += read.length;
    }
  const each = Object.entries(cpu).map(([stage, µs]) => `${stage} ${(µs / spans).toFixed(1)}`);
  const total = Object.values(cpu).reduce((a, b) => a + b, 0) / spans;
  console.log(`  receiver CPU per span, µs (this process): ${each.join(', ')}; total ${total.toFixed(1)}`);
}

/** The spans part: bare COPY, COPY with the trigger, gRPC, HTTP; figures and ratios. */
async function spans(url: string, service: Service, grpcPort: number, httpPort: number): Promise<void> {
  const traces = Math.ceil(SPANS / SPANS_PER_TRACE);
  const start = Date.now() - 10 * 60_000;
  const all = Array.from({ length: traces }, (_, i) => makeTrace(i, start + (i * 5 * 60_000) / traces));
  const total = traces * SPANS_PER_TRACE;
  const copy = new TableCopy(await benchMetadata(url), 'observability_spans', traceRows(all[0]).spans);
  const perChunk = ROWS_PER_CHUNK / SPANS_PER_TRACE;
  const chunks: string[] = [];
  for (let i = 0; i < traces; i += perChunk) chunks.push(copy.text(traceRows(all.slice(i, i + perChunk).flat()).spans));
  const bodies: Buffer[] = [];
  const perBody: number[] = [];
  for (let i = 0; i < traces; i += TRACES_PER_REQUEST) {
    const batch = all.slice(i, i + TRACES_PER_REQUEST).flat();
    bodies.push(protobufBody(batch));
    perBody.push(batch.length);
  }
  const kb = Math.round(bodies.reduce((n, b) => n + b.length, 0) / bodies.length / 1024);
  console.log(
    `spans: ${total} (${traces} traces of ${SPANS_PER_TRACE}), ${CLIENTS} clients, ${TRACES_PER_REQUEST * SPANS_PER_TRACE} spans (${kb} KB protobuf) per request; COPY ${ROWS_PER_CHUNK} rows a statement and transaction, as the writer's batches`,
  );

  const checked = async (what: string) => {
    const stored = await rowCount(url, 'observability_spans');
    const summaries = await rowCount(url, 'observability_traces');
    if (stored !== total || summaries !== traces)
      throw new Error(`${what} stored ${stored} spans, ${summaries} summaries; expected ${total}, ${traces}`);
    await reset(url);
  };
  let written = 0;
  const endToEnd = async (send: () => Promise<number>, spans = total) => {
    const started = performance.now();
    const refused = await send();
    written += spans;
    await untilWritten(service.port, TOKEN, 'observability_spans', written);
    return { ms: performance.now() - started, refused };
  };
  // Warm-up (JIT, connections, channels): a few requests over each transport, then forgotten.
  const warm = Math.min(4, bodies.length);
  const warmSpans = perBody.slice(0, warm).reduce((a, b) => a + b, 0);
  await reset(url);
  await endToEnd(() => grpcAll(grpcPort, bodies.slice(0, warm)), warmSpans);
  await reset(url);
  await endToEnd(() => postAll(httpPort, TOKEN, '/v1/traces', bodies.slice(0, warm), CLIENTS), warmSpans);
  await reset(url);

  stageCosts(bodies, copy);
  const rounds = new Rounds(total, 'spans/s');
  let refused = 0;
  for (let round = 0; round < ROUNDS; round++) {
    rounds.add('bare', await copy.timed(url, chunks, total, { triggers: false, perTransaction: 1 }));
    await reset(url);
    rounds.add('trigger', await copy.timed(url, chunks, total, { triggers: true, perTransaction: 1 }));
    await checked('COPY with the trigger');
    if (round === 0) {
      // For reference: every row in one statement, so that the trigger sees one transition table of them all.
      rounds.add('one statement', await copy.timed(url, chunks, total, { triggers: true }));
      await checked('COPY in one statement');
    }
    const grpc = await endToEnd(() => grpcAll(grpcPort, bodies));
    rounds.add('grpc', grpc.ms);
    await checked('gRPC');
    const http = await endToEnd(() => postAll(httpPort, TOKEN, '/v1/traces', bodies, CLIENTS));
    rounds.add('http', http.ms);
    await checked('HTTP');
    refused += grpc.refused + http.refused;
  }
  rounds.line('bare', 'bare COPY (summary trigger off)');
  rounds.line('trigger', 'COPY with the summary trigger', `(${rounds.ratio('trigger', 'bare')} of bare)`);
  rounds.line('one statement', '  the same, all rows in one statement', `(${rounds.ratio('one statement', 'bare')} of bare; reference)`);
  rounds.line('grpc', `gRPC TraceService/Export ×${CLIENTS}`);
  rounds.line('http', `HTTP POST /v1/traces protobuf ×${CLIENTS}`, `${refused} refused in all`);
  const ratio = (name: string, of: string, base: string, target: number) =>
    console.log(`  ${name.padEnd(44)} ${rounds.ratio(of, base)}   (target ≥ ${target.toFixed(2)})`);
  ratio('gRPC / COPY with the trigger', 'grpc', 'trigger', 0.8);
  ratio('gRPC / bare COPY', 'grpc', 'bare', 0.6);
  ratio('HTTP / COPY with the trigger', 'http', 'trigger', 0.8);
  ratio('HTTP / bare COPY', 'http', 'bare', 0.6);
}

/** The metrics part: COPY of the receiver's own rows against POST /v1/metrics. */
async function metrics(url: string, service: Service, httpPort: number): Promise<void> {
  const t0 = Date.now() - 10 * 60_000;
  const bodies: Buffer[] = [];
  for (let k = 0; k * POINTS_PER_REQUEST < POINTS; k++)
    bodies.push(
      encodeSignalRequest('metrics', metricsRequest(Math.min(POINTS_PER_REQUEST, POINTS - k * POINTS_PER_REQUEST), t0, k, SERIES)),
    );
  const options = { oldestMs: 0, newestMs: Number.MAX_SAFE_INTEGER, maxPoints: Number.MAX_SAFE_INTEGER };
  const rows = bodies.map((b) => metricRows(readMetricsRequest(protobufReader, decodeSignalRequest('metrics', b), options).points));
  const copy = new TableCopy(await benchMetadata(url), 'observability_metrics', rows[0]);
  const chunks = rows.map((r) => copy.text(r));
  const points = rows.reduce((n, r) => n + r.length, 0);
  const kb = Math.round(bodies.reduce((n, b) => n + b.length, 0) / bodies.length / 1024);
  console.log(
    `\nmetric data points: ${points} (sums, gauges, histograms; ${SERIES} series each), ${CLIENTS} clients, ${POINTS_PER_REQUEST} points (${kb} KB protobuf) per request; COPY 5,000 rows a transaction`,
  );
  // Warm-up: the first request, then forgotten.
  await reset(url);
  await postAll(httpPort, TOKEN, '/v1/metrics', bodies.slice(0, 1), 1);
  let written = rows[0].length;
  await untilWritten(service.port, TOKEN, 'observability_metrics', written);
  await reset(url);
  const rounds = new Rounds(points, 'points/s');
  let refused = 0;
  for (let round = 0; round < ROUNDS; round++) {
    rounds.add('copy', await copy.timed(url, chunks, points, { triggers: true, perTransaction: 5 }));
    await reset(url);
    const started = performance.now();
    refused += await postAll(httpPort, TOKEN, '/v1/metrics', bodies, CLIENTS);
    await untilWritten(service.port, TOKEN, 'observability_metrics', (written += points));
    rounds.add('http', performance.now() - started);
    const stored = await rowCount(url, 'observability_metrics');
    if (stored !== points) throw new Error(`HTTP stored ${stored} metric rows, expected ${points}`);
    await reset(url);
  }
  rounds.line('copy', 'COPY of the same rows');
  rounds.line('http', `HTTP POST /v1/metrics protobuf ×${CLIENTS}`, `${refused} refused in all`);
  console.log(`  ${'HTTP / COPY'.padEnd(44)} ${rounds.ratio('http', 'copy')}   (target ≥ 0.50)`);
}

async function main(): Promise<void> {
  const pg = await startDatabase();
  let service: Service | undefined;
  try {
    console.log(machineLine());
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    const profile = process.env.BENCH_CPU_PROF_DIR;
    // One service for every run (its start also makes today's partitions); idle while the baselines COPY.
    service = await startService(
      pg.url,
      TOKEN,
      { METRICS_ROLLUP_ENABLED: 'false', OTLP_GRPC_PORT: String(grpcPort), OTLP_HTTP_PORT: String(httpPort) },
      profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
    );
    if (SPANS > 0) await spans(pg.url, service, grpcPort, httpPort);
    if (POINTS > 0) await metrics(pg.url, service, httpPort);
    console.log(machineLine().replace(/^.*; (load average)/, '\nafter the run: $1'));
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await service?.stop();
    await pg.dispose();
  }
}

void main();
