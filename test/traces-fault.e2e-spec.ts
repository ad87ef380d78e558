import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RowWriter } from '../src/writer/row-writer';
import { startApp, TestApp } from './support/app';
import { hexId, jsonRequest, jsonSpan } from './support/otlp';
import { createDatabase, dropDatabase, query, startTestServer, TestServer } from './support/postgres';
import { eventually, sleep } from './support/wait';

describe('observability database outage', () => {
  let server: TestServer;
  let app: TestApp;
  let core: string;
  let observability: string;
  let spoolDir: string;

  beforeAll(async () => {
    server = await startTestServer();
    core = await createDatabase('tfcore');
    observability = await createDatabase('tfobs', server.adminUrl);
    spoolDir = mkdtempSync(join(tmpdir(), 'ff-traces-fault-'));
    app = await startApp({
      DATABASE_URL: core,
      OBSERVABILITY_DATABASE_URL: observability,
      SPOOL_DIR: spoolDir,
      WRITER_FLUSH_MS: '50',
      WRITER_PROBE_MS: '300',
    });
  });

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
    await dropDatabase(core);
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('keeps answering while the database is down; after restart every accepted span is stored exactly once', async () => {
    const sent: Array<Record<string, unknown>> = [];
    let acceptedSpans = 0;
    let refused = 0;
    let sending = true;
    const sender = (async () => {
      while (sending) {
        const traceId = hexId(16);
        const root = hexId(8);
        const start = Date.now() - 1000;
        const spans = [
          jsonSpan({ traceId, spanId: root, name: 'root', startMs: start, durationMs: 100 }),
          ...Array.from({ length: 19 }, (_, i) =>
            jsonSpan({ traceId, spanId: hexId(8), parentSpanId: root, name: `child ${i}`, startMs: start + i, durationMs: 5 }),
          ),
        ];
        const body = jsonRequest('outage', spans);
        const res = await app.post('/v1/traces', body);
        if (res.status === 200) {
          acceptedSpans += spans.length;
          sent.push(body);
        } else refused++;
        await sleep(10);
      }
    })();

    await sleep(500);
    await server.stop();
    const beforeOutage = acceptedSpans;
    await sleep(1500);
    expect(acceptedSpans).toBeGreaterThan(beforeOutage); // the receiver keeps answering 200
    expect((await app.get('/status/database')).body.writers.roles.observability.available).toBe(false);

    await server.restart();
    await sleep(500);
    sending = false;
    await sender;
    expect(refused).toBe(0);
    // Clients retry: some accepted batches arrive again after the restart.
    for (const body of sent.slice(0, 5)) expect((await app.post('/v1/traces', body)).status).toBe(200);

    await app.app.get(RowWriter).flush();
    await eventually(async () => (await app.get('/status/database')).body.writers.totals.spool_files === 0, 60_000, 250);
    const [spans] = await query<{ n: string; distinct: string }>(
      observability,
      `SELECT count(*) AS n, count(DISTINCT (trace_id, span_id)) AS distinct FROM observability_spans`,
    );
    expect(Number(spans.n)).toBe(acceptedSpans);
    expect(Number(spans.distinct)).toBe(acceptedSpans);
    const [traces] = await query<{ n: string; spans: string; roots: string }>(
      observability,
      `SELECT count(*) AS n, sum(span_count) AS spans, count(name) AS roots FROM observability_traces`,
    );
    expect(Number(traces.n)).toBe(sent.length);
    expect(Number(traces.spans)).toBe(acceptedSpans);
    expect(Number(traces.roots)).toBe(sent.length);
  });
});
