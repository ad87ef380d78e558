import { startApp, TestApp } from './support/app';
import { exportSignalWithOfficialSdk, hexId, nanos } from './support/otlp';
import { createDatabase, dropDatabase, freePort, query } from './support/postgres';
import { flushWriter, member, Member } from './support/registry';

/** An OTLP/JSON ExportMetricsServiceRequest of one resource and scope. */
const metricsRequest = (service: string, metrics: Array<Record<string, unknown>>) => ({
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeMetrics: [{ scope: { name: 'e2e' }, metrics }],
    },
  ],
});
const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });

describe('OTLP metrics: /v1/metrics into observability_metrics, read back through /api/v1/otel-metrics', () => {
  let app: TestApp;
  let url: string;
  let developer: Member;
  let viewer: Member;
  let grpcUrl: string;

  beforeAll(async () => {
    url = await createDatabase('otlpmetrics');
    const grpcPort = await freePort();
    grpcUrl = `http://127.0.0.1:${grpcPort}`;
    app = await startApp({ DATABASE_URL: url, WRITER_FLUSH_MS: '20', OTLP_GRPC_PORT: String(grpcPort), OTLP_HTTP_PORT: '0' });
    developer = await member(app, 'dev@metrics.test', 'developer');
    viewer = await member(app, 'viewer@metrics.test', 'viewer');
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase(url);
  });

  const post = (body: unknown) =>
    app.request('POST', '/v1/metrics', {
      token: developer.token,
      rawBody: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  const series = async (params: string) => {
    const res = await app.get(`/api/v1/otel-metrics/series?${params}`, viewer.token);
    expect(res.status).toBe(200);
    return res.body;
  };

  it.each([
    ['protobuf', 'cumulative'],
    ['json', 'delta'],
    ['grpc', 'cumulative'],
  ] as const)(
    'stores every type the official %s exporter sends (%s), read back as rates, gauges and quantiles',
    async (format, temporality) => {
      const service = `gw-metrics-${format}`;
      const exported = await exportSignalWithOfficialSdk({
        url: app.baseUrl,
        token: developer.token,
        format,
        signal: 'metrics',
        grpcUrl,
        service,
        temporality,
      });
      expect(exported.failures).toEqual([]);
      expect(exported.exports).toBeGreaterThanOrEqual(2); // two collections, and shutdown's
      await flushWriter(app);

      const names = await app.get(`/api/v1/otel-metrics?service=${service}`, viewer.token);
      expect(names.status).toBe(200);
      const byName = Object.fromEntries(names.body.metrics.map((m: { name: string }) => [m.name, m]));
      expect(byName['tool.calls']).toMatchObject({
        type: 'sum',
        unit: '{call}',
        description: 'Tool invocations',
        monotonic: true,
        temporality,
        series: 2,
      });
      expect(byName['sessions.active']).toMatchObject({ type: 'sum', monotonic: false });
      expect(byName['tool.duration']).toMatchObject({ type: 'histogram', unit: 'ms', temporality });
      expect(byName['gen_ai.tokens']).toMatchObject({ type: 'exponential_histogram' });
      expect(byName['queue.depth']).toMatchObject({ type: 'gauge' });

      const q = `service=${service}&bucket=1h`;
      const calls = await series(`name=tool.calls&attr.tool=weather&${q}`);
      expect(calls.series).toHaveLength(1);
      expect(calls.series[0].attributes).toEqual({ tool: 'weather' });
      const increase = calls.series[0].buckets.reduce((s: number, b: { increase: number }) => s + b.increase, 0);
      expect(increase).toBe(20); // two rounds of 10, whether sent as deltas or as a running total
      expect(calls.series[0].buckets[0].rate).toBeCloseTo(calls.series[0].buckets[0].increase / 3600);

      const gauge = await series(`name=queue.depth&${q}`);
      expect(gauge.series[0].buckets.at(-1)).toMatchObject({ last: 4, min: 4 });
      const upDown = await series(`name=sessions.active&${q}`);
      expect(upDown.series[0].buckets.at(-1).last).toBe(2); // the SDK keeps up-down counters cumulative under a delta preference

      const duration = await series(`name=tool.duration&attr.tool=weather&${q}`);
      const d = duration.series[0].buckets.reduce(
        (acc: { count: number; sum: number }, b: { count: number; sum: number }) => ({ count: acc.count + b.count, sum: acc.sum + b.sum }),
        { count: 0, sum: 0 },
      );
      expect(d).toEqual({ count: 10, sum: 830 });
      const last = duration.series[0].buckets.at(-1);
      expect(last.p50).toBeGreaterThan(10);
      expect(last.p50).toBeLessThanOrEqual(50);
      expect(last.p99).toBeLessThanOrEqual(300); // clamped to the observed max

      const tokens = await series(`name=gen_ai.tokens&${q}`);
      const t = tokens.series[0].buckets.reduce((s: number, b: { count: number }) => s + b.count, 0);
      expect(t).toBe(8);
      expect(tokens.series[0].buckets.at(-1).p50).toBeGreaterThanOrEqual(100);
      expect(tokens.series[0].buckets.at(-1).p99).toBeLessThanOrEqual(800);
    },
  );

  it('keeps summaries and exemplars, links exemplars to traces, stores a resent batch once', async () => {
    const traceId = hexId(16);
    const spanId = hexId(8);
    const now = Date.now();
    const body = metricsRequest('hand', [
      {
        name: 'rpc.latency',
        unit: 's',
        summary: {
          dataPoints: [
            {
              timeUnixNano: nanos(now - 1000),
              startTimeUnixNano: nanos(now - 60_000),
              count: '4',
              sum: 2.5,
              quantileValues: [
                { quantile: 0.5, value: 0.4 },
                { quantile: 0.99, value: 1.2 },
              ],
              attributes: [attr('route', '/mcp')],
            },
          ],
        },
      },
      {
        name: 'http.requests',
        sum: {
          aggregationTemporality: 2,
          isMonotonic: true,
          dataPoints: [
            { timeUnixNano: nanos(now - 2000), startTimeUnixNano: nanos(now - 7_200_000), asInt: '100' },
            {
              timeUnixNano: nanos(now - 1500),
              startTimeUnixNano: nanos(now - 7_200_000),
              asInt: '130',
              exemplars: [{ timeUnixNano: nanos(now - 1600), asInt: '1', traceId, spanId }],
            },
            { timeUnixNano: nanos(now - 1000), startTimeUnixNano: nanos(now - 1200), asInt: '7' }, // restarted
            { asInt: '1' }, // no time: rejected alone
          ],
        },
      },
    ]);
    for (let i = 0; i < 2; i++) {
      const res = await post(body);
      expect(res.status).toBe(200);
      expect(res.body.partialSuccess).toEqual({
        rejectedDataPoints: '1',
        errorMessage: expect.stringContaining('timeUnixNano is missing'),
      });
    }
    await flushWriter(app);
    const [{ n }] = await query<{ n: string }>(url, `SELECT count(*) AS n FROM observability_metrics WHERE service = 'hand'`);
    expect(Number(n)).toBe(4);

    const requests = await series('name=http.requests&service=hand&bucket=1h');
    expect(requests.series[0].buckets.reduce((s: number, b: { increase: number }) => s + b.increase, 0)).toBe(37); // 30, then 7 after the reset
    expect(requests.exemplars).toEqual([
      expect.objectContaining({ trace_id: traceId, span_id: spanId, value: 1, trace: `/api/v1/traces/${traceId}` }),
    ]);
    const latency = await series('name=rpc.latency&attr.route=/mcp&bucket=1h');
    expect(latency.series[0].buckets[0]).toMatchObject({
      count: 4,
      sum: 2.5,
      quantiles: [
        [0.5, 0.4],
        [0.99, 1.2],
      ],
    });
  });

  it('refuses bad input with 400 naming the field, and malformed exports whole', async () => {
    const missing = await app.get('/api/v1/otel-metrics/series?bucket=1m', viewer.token);
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['name']);
    const tooMany = await app.get('/api/v1/otel-metrics/series?name=x&lookback=7d&bucket=1m', viewer.token);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].field).toBe('bucket');
    const wide = await app.get('/api/v1/otel-metrics?lookback=90d&colour=red', viewer.token);
    expect(wide.status).toBe(400);
    expect(wide.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'lookback']);
    expect((await app.get('/api/v1/otel-metrics', null)).status).toBe(401);

    const bad = await post(
      metricsRequest('bad', [{ name: 'g', gauge: { dataPoints: [{ timeUnixNano: nanos(Date.now()), asDouble: 'many' }] } }]),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asDouble');
    const buckets = await post(
      metricsRequest('bad', [
        {
          name: 'h',
          histogram: {
            aggregationTemporality: 1,
            dataPoints: [{ timeUnixNano: nanos(Date.now()), count: '1', bucketCounts: ['1'], explicitBounds: [1, 2] }],
          },
        },
      ]),
    );
    expect(buckets.status).toBe(200);
    expect(buckets.body.partialSuccess.errorMessage).toContain('bucketCounts has 1 buckets for 2 explicitBounds');
  });
});
