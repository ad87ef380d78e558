import { CALLS_METRIC, FOLDS_SCOPE, HourlyFoldsService, SPAN_CALLS_METRIC } from '../src/observability/folds/hourly-folds.service';
import { readFoldLag } from '../src/observability/folds/fold-lag';
import { startApp, TestApp } from './support/app';
import { hexId, jsonSpan } from './support/otlp';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter } from './support/registry';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * What the Jaeger API reads over a day of every service's spans (the service graph, a service's
 * operations), kept by folds of closed hours (HourlyFoldsService): the same answer as a scan of
 * raw spans, read from folded points where a window covers whole folded hours, and kept right
 * when spans arrive late or children before their parents.
 */
describe('Jaeger dependencies and operations from hourly folds', () => {
  let url: string;
  let app: TestApp;
  let folds: HourlyFoldsService;
  const now = Date.now();
  const H = Math.floor(now / HOUR) * HOUR - 3 * HOUR;
  const late = { traceId: hexId(16), parent: hexId(8) };

  const send = async (service: string, spans: Array<Record<string, unknown>>) => {
    const res = await app.request('POST', '/v1/traces', {
      body: {
        resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans }] }],
      },
    });
    expect(res.status).toBe(200);
  };
  /** A trace of spans [service, start, parent index] sent per service (each service exports its own). */
  const trace = async (spans: Array<[string, number, number | null]>) => {
    const traceId = hexId(16);
    const ids = spans.map(() => hexId(8));
    const bySvc = new Map<string, Array<Record<string, unknown>>>();
    spans.forEach(([service, startMs, parent], i) => {
      const span = jsonSpan({
        traceId,
        spanId: ids[i],
        parentSpanId: parent === null ? undefined : ids[parent],
        name: `op-${i}`,
        startMs,
        durationMs: 5,
      });
      bySvc.set(service, [...(bySvc.get(service) ?? []), span]);
    });
    for (const [service, list] of bySvc) await send(service, list);
  };
  const dependencies = async (from: number, to: number) => {
    const res = await app.get(`/jaeger/api/dependencies?endTs=${to}&lookback=${to - from}`);
    expect(res.status).toBe(200);
    return res.body.data;
  };
  const callPoints = () =>
    query<{ hour: string; client: string; server: string; value: number }>(
      url,
      `SELECT start_timestamp AS hour, attributes->>'client' AS client, attributes->>'server' AS server, value FROM observability_metrics
        WHERE name = $1 ORDER BY 1, 2, 3`,
      [CALLS_METRIC],
    );

  beforeAll(async () => {
    url = await createDatabase('hourlyfolds');
    app = await startApp({ DATABASE_URL: url, WRITER_FLUSH_MS: '20', OBSERVABILITY_RETENTION_DAYS: '1' });
    folds = app.app.get(HourlyFoldsService);
    await trace([
      ['gw', H + 10 * MINUTE, null],
      ['tools', H + 10 * MINUTE + 5, 0],
      ['db', H + 10 * MINUTE + 9, 1],
      ['gw', H + 10 * MINUTE + 1, 0],
    ]);
    await trace([
      ['gw', H + 20 * MINUTE, null],
      ['tools', H + 20 * MINUTE + 5, 0],
    ]);
    // Across an hour's end: the child is counted in the next hour, its parent found in this one.
    await trace([
      ['gw', H + HOUR - 1000, null],
      ['tools', H + HOUR + 1000, 0],
    ]);
    // In the current hour: never folded, always read from raw spans.
    await trace([
      ['gw', now - MINUTE, null],
      ['tools', now - MINUTE + 5, 0],
    ]);
    // A child whose parent arrives later (after the hour was folded).
    await send('tools', [
      jsonSpan({
        traceId: late.traceId,
        spanId: hexId(8),
        parentSpanId: late.parent,
        name: 'op',
        startMs: H + 30 * MINUTE + 5,
        durationMs: 5,
      }),
    ]);
    await flushWriter(app);
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  const before = [
    { parent: 'gw', child: 'tools', callCount: 4 },
    { parent: 'tools', child: 'db', callCount: 1 },
  ];

  const operations = async () => {
    const byName = await app.get('/jaeger/api/services/tools/operations');
    const internal = await app.get('/jaeger/api/operations?service=tools&spanKind=internal');
    const server = await app.get('/jaeger/api/operations?service=tools&spanKind=server');
    return { names: byName.body.data, internal: internal.body.data, server: server.body.data };
  };
  const toolOperations = {
    names: ['op', 'op-1'],
    internal: [
      { name: 'op', spanKind: 'internal' },
      { name: 'op-1', spanKind: 'internal' },
    ],
    server: [],
  };

  const lag = () => readFoldLag({ query: (text, params) => query(url, text, params) }, new Date(now));

  it('answers from raw spans before any fold', async () => {
    expect(await dependencies(H, now)).toEqual(before);
    expect(await operations()).toEqual(toolOperations);
    expect(await lag()).toEqual({ newestHour: null, lagSeconds: 48 * 3600 });
  });

  it('folds every closed hour once, and reads the folded hours back with the same answer', async () => {
    const first = await folds.fold(new Date(now));
    expect(first.ran).toBe(true);
    expect(first.hours).toEqual(expect.arrayContaining([new Date(H).toISOString(), new Date(H + HOUR).toISOString()]));
    expect(first.hours.length).toBe(24 - 1);
    expect(await callPoints()).toEqual([
      { hour: new Date(H), client: 'gw', server: 'tools', value: 2 },
      { hour: new Date(H), client: 'tools', server: 'db', value: 1 },
      { hour: new Date(H + HOUR), client: 'gw', server: 'tools', value: 1 },
    ]);
    expect(await dependencies(H, now)).toEqual(before);
    expect(await operations()).toEqual(toolOperations);
    expect(await lag()).toEqual({ newestHour: new Date(Math.floor(now / HOUR) * HOUR - HOUR), lagSeconds: 0 });
    // Nothing changed: a run folds nothing again.
    expect((await folds.fold(new Date(now))).hours).toEqual([]);
  });

  it('reads whole folded hours from their points and the partial hours at the edges from raw spans, for the graph and the operations', async () => {
    await query(
      url,
      `UPDATE observability_metrics SET value = value + 100 WHERE name = $1 AND start_timestamp = $2 AND attributes->>'client' = 'gw'`,
      [CALLS_METRIC, new Date(H)],
    );
    try {
      // [H - 30 min, H + 90 min): hour H from its points (2 + 100), the child after H + 1 h from raw spans (1).
      expect(await dependencies(H - 30 * MINUTE, H + 90 * MINUTE)).toEqual([
        { parent: 'gw', child: 'tools', callCount: 103 },
        { parent: 'tools', child: 'db', callCount: 1 },
      ]);
      // No whole hour inside: raw spans only.
      expect(await dependencies(H + 15 * MINUTE, H + 75 * MINUTE)).toEqual([{ parent: 'gw', child: 'tools', callCount: 2 }]);
    } finally {
      await query(
        url,
        `UPDATE observability_metrics SET value = value - 100 WHERE name = $1 AND start_timestamp = $2 AND attributes->>'client' = 'gw'`,
        [CALLS_METRIC, new Date(H)],
      );
    }
    // The operations of the last day: hour H's (the late child's 'op') from its fold, renamed there.
    const rename = (from: string, to: string) =>
      query(
        url,
        `UPDATE observability_metrics SET attributes = jsonb_set(attributes, '{span.name}', to_jsonb($3::text))
          WHERE name = $1 AND start_timestamp = $2 AND attributes->>'span.name' = $4`,
        [SPAN_CALLS_METRIC, new Date(H), to, from],
      );
    await rename('op', 'op-from-the-fold');
    try {
      expect((await operations()).names).toEqual(['op-1', 'op-from-the-fold']);
    } finally {
      await rename('op-from-the-fold', 'op');
    }
  });

  it('folds an hour again when a late span changes it, and its neighbours with it', async () => {
    await send('gw', [
      jsonSpan({ traceId: late.traceId, spanId: late.parent, name: 'late-parent', startMs: H + 30 * MINUTE, durationMs: 10 }),
    ]);
    await flushWriter(app);
    const run = await folds.fold(new Date(now));
    expect(run.hours).toEqual([H + HOUR, H, H - HOUR].map((h) => new Date(h).toISOString()));
    expect(await dependencies(H, now)).toEqual([
      { parent: 'gw', child: 'tools', callCount: 5 },
      { parent: 'tools', child: 'db', callCount: 1 },
    ]);
  });

  it('stores each point once when replicas fold at the same time', async () => {
    await trace([
      ['gw', H + 40 * MINUTE, null],
      ['tools', H + 40 * MINUTE + 5, 0],
    ]);
    await flushWriter(app);
    const runs = await Promise.all([folds.fold(new Date(now)), folds.fold(new Date(now))]);
    expect(new Set(runs.flatMap((r) => r.hours))).toEqual(new Set([H + HOUR, H, H - HOUR].map((h) => new Date(h).toISOString())));
    const [{ rows, ids }] = await query<{ rows: number; ids: number }>(
      url,
      `SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids FROM observability_metrics WHERE scope_name = $1`,
      [FOLDS_SCOPE],
    );
    expect(rows).toBe(ids);
    expect(await dependencies(H, now)).toEqual([
      { parent: 'gw', child: 'tools', callCount: 6 },
      { parent: 'tools', child: 'db', callCount: 1 },
    ]);
  });

  it('exposes the folded calls as a metric of its own in the OTLP metrics API', async () => {
    const res = await app.get(
      `/api/v1/otel-metrics?from=${new Date(H - HOUR).toISOString()}&to=${new Date(now).toISOString()}&service=fourfold`,
    );
    expect(res.status).toBe(200);
    expect(res.body.metrics).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: CALLS_METRIC, type: 'sum', unit: '{call}', temporality: 'delta' })]),
    );
    const series = await app.get(
      `/api/v1/otel-metrics/series?name=${CALLS_METRIC}&service=fourfold&attr.server=tools&bucket=1h&from=${new Date(H - HOUR).toISOString()}&to=${new Date(H + 3 * HOUR).toISOString()}`,
    );
    expect(series.status).toBe(200);
    // A delta point is at the end of its hour: hour H's calls (4: two traces, the late parent's, the one of the last run) in the bucket from H + 1 h.
    expect(series.body.series).toEqual([
      expect.objectContaining({
        attributes: { client: 'gw', server: 'tools' },
        buckets: [
          expect.objectContaining({ bucket_start: new Date(H + HOUR).toISOString(), increase: 4 }),
          expect.objectContaining({ bucket_start: new Date(H + 2 * HOUR).toISOString(), increase: 1 }),
        ],
      }),
    ]);
  });
});
