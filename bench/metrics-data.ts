/** Synthetic OTLP metrics for bench/otlp.ts: a gateway's usual mix of sums, gauges and histograms. */

const NS = 1_000_000n;
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** One request's worth of points: a third each of sums, gauges and histograms, `n` in all, at `t0 + k` ms, over `series` series per metric. */
export function metricsRequest(n: number, t0: number, k: number, series: number): unknown {
  const per = Math.ceil(n / 3);
  const time = (i: number) => String(BigInt(t0 + k) * NS + BigInt(i));
  const attrs = (i: number) => [str('tool', `tool-${i % series}`), str('team', `team-${i % 7}`)];
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
