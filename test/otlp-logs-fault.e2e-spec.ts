import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RowWriter } from '../src/writer/row-writer';
import { startApp, TestApp } from './support/app';
import { hexId, nanos } from './support/otlp';
import { createDatabase, dropDatabase, query, startTestServer, TestServer } from './support/postgres';
import { eventually, sleep } from './support/wait';

const RECORDS_PER_REQUEST = 20;

/** A request of fresh records, all of one trace (so that the spec can count them per trace). */
function logsBody(traceId: string): string {
  const now = Date.now();
  const logRecords = Array.from({ length: RECORDS_PER_REQUEST }, (_, i) => ({
    timeUnixNano: nanos(now, i),
    severityNumber: 9,
    body: { stringValue: `record ${i} ${'x'.repeat(400)}` },
    traceId,
    spanId: hexId(8),
  }));
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords }] }] });
}

describe('logs database outage during OTLP log export', () => {
  let server: TestServer;
  let app: TestApp;
  let core: string;
  let logs: string;
  let spoolDir: string;

  beforeAll(async () => {
    server = await startTestServer();
    core = await createDatabase('lfcore');
    logs = await createDatabase('lflogs', server.adminUrl);
    spoolDir = mkdtempSync(join(tmpdir(), 'ff-logs-fault-'));
    app = await startApp({
      DATABASE_URL: core,
      LOGS_DATABASE_URL: logs,
      SPOOL_DIR: spoolDir,
      // A small spool and buffer, so that the outage outlasts them and clients are told to retry.
      SPOOL_MAX_MB: '1',
      WRITER_MAX_QUEUE_ROWS: '2000',
      WRITER_FLUSH_MS: '50',
      WRITER_PROBE_MS: '300',
      LOG_DB_LEVEL: 'fatal',
    });
  });

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
    await dropDatabase(core);
    rmSync(spoolDir, { recursive: true, force: true });
  });

  const send = (body: string) =>
    app.request('POST', '/v1/logs', { token: app.adminToken, rawBody: body, headers: { 'content-type': 'application/json' } });

  it('answers retry (503 with Retry-After) once spool and buffer are full; after restart every accepted record is stored once', async () => {
    const accepted: string[] = [];
    const refused: string[] = [];
    const retryAfter = new Set<string | null>();
    let sending = true;
    const sender = (async () => {
      while (sending) {
        const traceId = hexId(16);
        const body = logsBody(traceId);
        const res = await send(body);
        if (res.status === 200) accepted.push(body);
        else {
          expect([429, 503]).toContain(res.status);
          retryAfter.add(res.headers.get('retry-after'));
          refused.push(body);
        }
        await sleep(5);
      }
    })();

    await sleep(500);
    await server.stop();
    await eventually(async () => refused.length >= 3, 60_000, 100);
    expect((await app.get('/status/database')).body.writers.roles.logs.available).toBe(false);
    expect([...retryAfter].every((v) => v !== null && Number(v) >= 1)).toBe(true);

    await server.restart();
    sending = false;
    await sender;
    // The clients retry what was refused, until it is taken; and resend a few accepted batches.
    for (const body of refused) {
      let status = 0;
      for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
        status = (await send(body)).status;
        if (status !== 200) await sleep(200);
      }
      expect(status).toBe(200);
    }
    for (const body of accepted.slice(0, 5)) expect((await send(body)).status).toBe(200);

    await app.app.get(RowWriter).flush();
    await eventually(async () => (await app.get('/status/database')).body.writers.totals.spool_files === 0, 60_000, 250);
    await app.app.get(RowWriter).flush();
    const expected = (accepted.length + refused.length) * RECORDS_PER_REQUEST;
    const [rows] = await query<{ n: string; distinct: string; traces: string }>(
      logs,
      `SELECT count(*) AS n, count(DISTINCT span_id) AS distinct, count(DISTINCT trace_id) AS traces FROM structured_log_entries WHERE trace_id IS NOT NULL`,
    );
    expect(Number(rows.n)).toBe(expected);
    expect(Number(rows.distinct)).toBe(expected);
    expect(Number(rows.traces)).toBe(accepted.length + refused.length);
  });
});
