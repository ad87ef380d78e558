import { mkdtempSync, rmSync } from 'node:fs';
import { uuidv7 } from '../src/common/ids';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RowWriter, WriterFullError } from '../src/writer/row-writer';
import { eventually } from './support/wait';
import { startApp, TestApp } from './support/app';
import { createDatabase, query, startTestServer, TestServer } from './support/postgres';

const row = (i: number, extra: Record<string, unknown> = {}) => ({
  id: uuidv7(),
  tool_id: `tool-${i % 3}`,
  tool_name: `name ${i}`,
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
  response_time: i / 1000,
  is_success: i % 5 !== 0,
  error_message: i % 5 === 0 ? `failed #${i}` : null,
  ...extra,
});

describe('RowWriter against a metrics database that can be stopped', () => {
  let server: TestServer;
  let app: TestApp;
  let writer: RowWriter;
  let metricsUrl: string;
  let spoolDir: string;
  const count = async (table: string, where = 'true') =>
    Number((await query<{ n: string }>(metricsUrl, `SELECT count(*) AS n FROM ${table} WHERE ${where}`))[0].n);

  beforeAll(async () => {
    server = await startTestServer();
    metricsUrl = await createDatabase('writer', server.adminUrl);
    spoolDir = mkdtempSync(join(tmpdir(), 'ff-writer-spool-'));
    app = await startApp({
      DATABASE_URL: await createDatabase('writer_core'),
      METRICS_DATABASE_URL: metricsUrl,
      SPOOL_DIR: spoolDir,
      WRITER_BATCH_ROWS: '100',
      WRITER_FLUSH_MS: '50',
      WRITER_MAX_QUEUE_ROWS: '1000',
      WRITER_PROBE_MS: '200',
    });
    writer = app.app.get(RowWriter);
  });

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('COPYs rows with escaping, nulls, jsonb and timestamps intact', async () => {
    const tricky = 'tab\there, newline\nthere, back\\slash, \\N, quote " é 🚀';
    const rows = [row(1, { tool_name: tricky, error_message: 'a\r\nb' }), row(2)];
    writer.enqueue('metrics', 'tool_metrics', rows);
    const snapshot = {
      id: uuidv7(),
      timestamp: new Date(),
      host: 'h',
      worker_id: 'w',
      metrics_json: { rss: 1, note: 'x\ty\\z', list: [1, null] },
    };
    writer.enqueue('metrics', 'performance_snapshots', [snapshot]);
    await writer.flush();
    const back = await query<Record<string, unknown>>(metricsUrl, `SELECT * FROM tool_metrics WHERE id = ANY($1) ORDER BY "timestamp"`, [
      rows.map((r) => r.id),
    ]);
    // Columns the rows do not set (the span-derived execution's error type, session and trace) read back null.
    expect(back).toEqual(rows.map((r) => ({ ...r, error_type: null, session_id: null, trace_id: null })));
    const [snap] = await query<Record<string, unknown>>(metricsUrl, `SELECT metrics_json FROM performance_snapshots WHERE id = $1`, [
      snapshot.id,
    ]);
    expect(snap.metrics_json).toEqual(snapshot.metrics_json);
  });

  it('flushes by size and by age', async () => {
    const before = writer.stats().totals.written;
    writer.enqueue(
      'metrics',
      'tool_metrics',
      Array.from({ length: 250 }, (_, i) => row(i)),
    );
    await eventually(async () => writer.stats().totals.written - before === 250, 5000);
  });

  it('refuses programming errors before buffering anything', () => {
    expect(() => writer.enqueue('metrics', 'tool_metrics', [{ ...row(1), bogus: 1 }])).toThrow(/no column bogus/);
    expect(() => writer.enqueue('metrics', 'no_such_table', [{ id: 'x' }])).toThrow(/no entity maps table no_such_table/);
  });

  it('a full buffer throws WriterFullError with a retry delay and counts the rejected rows', async () => {
    await server.stop(); // nothing drains... except the spool: fill faster than one tick
    try {
      const rejectedBefore = writer.stats().totals.rejected;
      let error: unknown;
      try {
        for (let i = 0; i < 20; i++)
          writer.enqueue(
            'metrics',
            'server_metrics',
            Array.from({ length: 100 }, () => serverRow()),
          );
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WriterFullError);
      expect((error as WriterFullError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(writer.stats().totals.rejected - rejectedBefore).toBe(100);
      await writer.flush();
    } finally {
      await server.restart();
    }
    await eventually(async () => writer.stats().tables.find((t) => t.table === 'server_metrics')!.spool_files === 0);
    expect(await count('server_metrics')).toBe(1000);
  });

  it('spools while the database is down (durable writes included) and replays exactly once when it returns', async () => {
    const before = await count('tool_metrics');
    await server.stop();
    const relaxed = Array.from({ length: 450 }, (_, i) => row(i));
    writer.enqueue('metrics', 'tool_metrics', relaxed);
    const durable = Array.from({ length: 10 }, (_, k) => [row(1000 + k), row(2000 + k)]);
    await Promise.all(durable.map((rows) => writer.writeDurable('metrics', 'tool_metrics', rows)));
    await writer.flush();
    let stats = writer.stats();
    const tool = stats.tables.find((t) => t.table === 'tool_metrics')!;
    expect(stats.roles.metrics.available).toBe(false);
    expect(tool.spool_files).toBeGreaterThan(0);
    expect(tool.spool_bytes).toBeGreaterThan(0);

    await server.restart();
    await eventually(async () => writer.stats().tables.find((t) => t.table === 'tool_metrics')!.spool_files === 0);
    stats = writer.stats();
    expect(await count('tool_metrics')).toBe(before + 450 + 20);
    expect(stats.roles.metrics.available).toBe(true);
    expect(stats.tables.find((t) => t.table === 'tool_metrics')!.replayed).toBe(470);
  });

  it('durable writes commit and resolve when the database is up (group commit)', async () => {
    const before = await count('tool_metrics');
    const commits = writer.stats().totals.commits;
    await Promise.all(Array.from({ length: 50 }, (_, k) => writer.writeDurable('metrics', 'tool_metrics', [row(k)])));
    expect(await count('tool_metrics')).toBe(before + 50);
    // 50 concurrent callers, far fewer commits: they wait for the one in flight, then share the next.
    expect(writer.stats().totals.commits - commits).toBeLessThanOrEqual(5);
    await expect(writer.writeDurable('metrics', 'tool_metrics', [{ ...row(1), tool_id: 'x'.repeat(40) }])).rejects.toThrow(/too long/);
  });

  it('rejects rows the database refuses as invalid without losing their batch neighbours', async () => {
    const before = await count('tool_metrics');
    const rejected = writer.stats().totals.rejected;
    const rows = Array.from({ length: 40 }, (_, i) => row(i, i === 17 ? { tool_id: 'y'.repeat(37) } : {}));
    writer.enqueue('metrics', 'tool_metrics', rows);
    await writer.flush();
    expect(await count('tool_metrics')).toBe(before + 39);
    expect(writer.stats().totals.rejected - rejected).toBe(1);
  });
});

function serverRow() {
  return {
    id: uuidv7(),
    server_id: 's',
    server_name: 'n',
    timestamp: new Date(),
    response_time: 0.1,
    is_success: true,
    error_message: null,
  };
}
