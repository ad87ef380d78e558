import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTraceRequest, PbSpan } from '../src/observability/otlp/otlp-proto';
import { RowWriter } from '../src/writer/row-writer';
import { startApp, TestApp } from './support/app';
import { hexId } from './support/otlp';
import { grpcExport } from './support/otlp-grpc';
import { createDatabase, dropDatabase, freePort, query, startTestServer, TestServer } from './support/postgres';
import { eventually, sleep } from './support/wait';

const SPANS_PER_EXPORT = 50;
const OK = 0;
const RETRYABLE = new Set([8, 14]); // RESOURCE_EXHAUSTED, UNAVAILABLE (with RetryInfo)

/** One export of a fresh trace (or of `hex`): a root and its children, as protobuf. */
function exportBody(hex = hexId(16)): Buffer {
  const traceId = Buffer.from(hex, 'hex');
  const root = Buffer.from(hexId(8), 'hex');
  const start = Date.now() - 1000;
  const spans: PbSpan[] = Array.from({ length: SPANS_PER_EXPORT }, (_, i) => ({
    traceId,
    spanId: i === 0 ? root : Buffer.from(hexId(8), 'hex'),
    parentSpanId: i === 0 ? null : root,
    name: i === 0 ? 'POST /rpc' : `tool.invoke ${i}`,
    kind: i === 0 ? 2 : 1,
    startTimeUnixNano: (start + i) * 1e6,
    endTimeUnixNano: (start + i + 5) * 1e6,
    attributes: [{ key: 'padding', value: { stringValue: 'x'.repeat(200) } }],
  }));
  return encodeTraceRequest({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'outage' } }] }, scopeSpans: [{ spans }] }],
  });
}

describe('OTLP/gRPC while the observability database is down', () => {
  let server: TestServer;
  let app: TestApp;
  let core: string;
  let observability: string;
  let spoolDir: string;
  let grpcPort: number;

  beforeAll(async () => {
    server = await startTestServer();
    core = await createDatabase('gocore');
    observability = await createDatabase('goobs', server.adminUrl);
    spoolDir = mkdtempSync(join(tmpdir(), 'ff-grpc-outage-'));
    grpcPort = await freePort();
    app = await startApp({
      DATABASE_URL: core,
      OBSERVABILITY_DATABASE_URL: observability,
      SPOOL_DIR: spoolDir,
      // A small spool and buffer, so that the outage fills them and the receiver must say "retry".
      SPOOL_MAX_MB: '1',
      WRITER_MAX_QUEUE_ROWS: '2000',
      WRITER_FLUSH_MS: '50',
      WRITER_PROBE_MS: '300',
      OTLP_GRPC_PORT: String(grpcPort),
    });
  });

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
    await dropDatabase(core);
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('tells clients to retry (UNAVAILABLE with RetryInfo) once the buffers are full; after restart every accepted span is stored once', async () => {
    let accepted = 0;
    let exports = 0;
    const refusals: Array<{ code: number; retry: number | null }> = [];
    let sending = true;
    // A client as the official exporters are: a refused export is sent again after the delay it was told.
    const client = async () => {
      while (sending) {
        const body = exportBody();
        for (;;) {
          const answer = await grpcExport(grpcPort, body, { token: app.adminToken });
          if (answer.code === OK) break;
          refusals.push({ code: answer.code, retry: answer.retryDelaySeconds });
          if (!RETRYABLE.has(answer.code)) throw new Error(`not retryable: ${answer.code} ${answer.details}`);
          await sleep(Math.min(answer.retryDelaySeconds ?? 1, 1) * 1000);
        }
        accepted += SPANS_PER_EXPORT;
        exports++;
        await sleep(5);
      }
    };
    const clients = [client(), client()];

    await sleep(500);
    await server.stop();
    await eventually(async () => refusals.some((r) => r.code === 14), 60_000, 100);
    expect((await app.get('/status/database')).body.writers.roles.observability.available).toBe(false);
    await server.restart();
    await eventually(async () => (await app.get('/status/database')).body.writers.roles.observability.available === true, 60_000, 250);
    await sleep(500);
    sending = false;
    await Promise.all(clients);

    expect(refusals.length).toBeGreaterThan(0);
    for (const r of refusals) {
      expect(RETRYABLE.has(r.code)).toBe(true);
      expect(r.retry).toBeGreaterThanOrEqual(1);
    }

    await app.app.get(RowWriter).flush();
    await eventually(async () => (await app.get('/status/database')).body.writers.totals.spool_files === 0, 60_000, 250);
    const [spans] = await query<{ n: string; distinct: string }>(
      observability,
      `SELECT count(*) AS n, count(DISTINCT (trace_id, span_id)) AS distinct FROM observability_spans`,
    );
    expect(Number(spans.n)).toBe(accepted);
    expect(Number(spans.distinct)).toBe(accepted);
    const [traces] = await query<{ n: string; spans: string }>(
      observability,
      `SELECT count(*) AS n, sum(span_count) AS spans FROM observability_traces`,
    );
    expect(Number(traces.n)).toBe(exports);
    expect(Number(traces.spans)).toBe(accepted);
  });
});

describe('OTLP/gRPC at shutdown', () => {
  it('finishes the exports in flight and stores every accepted span: the receiver drains before the writer flushes', async () => {
    const url = await createDatabase('godrain');
    const grpcPort = await freePort();
    // Rows wait in the buffer (a long flush interval): only the shutdown's flush writes them.
    const app = await startApp({ DATABASE_URL: url, WRITER_FLUSH_MS: '60000', OTLP_GRPC_PORT: String(grpcPort) });
    try {
      const traces = Array.from({ length: 20 }, () => hexId(16));
      const answers = traces.map((t) => grpcExport(grpcPort, exportBody(t), { token: app.adminToken }));
      await Promise.race(answers);
      await app.close(); // while the other exports are in flight or not yet taken
      const codes = await Promise.all(answers.map((a) => a.then((r) => r.code)));
      expect(codes.filter((c) => c === OK).length).toBeGreaterThan(0);
      const stored = await query<{ trace_id: string; n: string }>(
        url,
        'SELECT trace_id, count(*) AS n FROM observability_spans GROUP BY trace_id',
      );
      const spansOf = new Map(stored.map((r) => [r.trace_id, Number(r.n)]));
      traces.forEach((t, i) => {
        if (codes[i] === OK) expect(`${t}: ${spansOf.get(t) ?? 0}`).toBe(`${t}: ${SPANS_PER_EXPORT}`);
      });
    } finally {
      await dropDatabase(url);
    }
  });
});
