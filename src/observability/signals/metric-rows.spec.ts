import { readMetricsRequest } from '../otlp/otlp-metrics-request';
import { jsonReader } from '../otlp/otlp-values';
import { encodeCopyValue, JsonText } from '../../writer/copy-encoding';
import { canonicalJson, nameUuid } from '../../common/ids';
import { metricRows } from './metric-rows';

const options = { oldestMs: 0, newestMs: Number.MAX_SAFE_INTEGER, maxPoints: 1000 };
const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });
const request = (resource: unknown[], points: unknown[]) => ({
  resourceMetrics: [
    {
      resource: { attributes: resource },
      scopeMetrics: [
        { scope: { name: 's' }, metrics: [{ name: 'calls', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: points } }] },
      ],
    },
  ],
});
const rows = (body: unknown) => metricRows(readMetricsRequest(jsonReader, body, options).points);

describe('OTLP data points as observability_metrics rows', () => {
  const points = [
    { timeUnixNano: '2000', startTimeUnixNano: '1000', asInt: '5', attributes: [kv('tool', 'a'), kv('team', 't')] },
    { timeUnixNano: '3000', startTimeUnixNano: '1000', asInt: '7', attributes: [kv('team', 't'), kv('tool', 'a')] },
    { timeUnixNano: '3000', startTimeUnixNano: '1000', asInt: '1', attributes: [kv('tool', 'b')] },
  ];

  it('gives a series one id whatever the order of its attributes, and each point its own', () => {
    const [a1, a2, b] = rows(request([kv('service.name', 'gw')], points));
    expect(a1.series_id).toBe(a2.series_id);
    expect(b.series_id).not.toBe(a1.series_id);
    expect(new Set([a1.id, a2.id, b.id]).size).toBe(3);
    expect(a1).toMatchObject({ metric_type: 'sum', temporality: 'cumulative', is_monotonic: true, value: 5, service: 'gw' });
  });

  it('keeps the series id of the whole series tuple as canonical JSON (the ids already stored stay valid)', () => {
    const read = readMetricsRequest(jsonReader, request([kv('service.name', 'gw')], points), options).points;
    const ids = metricRows(read).map((r) => r.series_id);
    const tuple = (p: (typeof read)[number]) =>
      canonicalJson([
        p.name,
        p.type,
        p.unit,
        p.temporality,
        canonicalJson(p.resourceAttributes),
        p.scopeName,
        p.scopeVersion,
        p.attributes,
      ]);
    expect(ids).toEqual(read.map((p) => nameUuid(tuple(p))));
  });

  it("encodes a resource's attributes once for all its points", () => {
    const [a, b] = rows(request([kv('service.name', 'gw'), kv('host.name', 'h\t1')], points));
    expect(a.resource_attributes).toBeInstanceOf(JsonText);
    expect(b.resource_attributes).toBe(a.resource_attributes);
    const column = { name: 'resource_attributes', kind: 'json' as const, nullable: true, hasDefault: false };
    expect(encodeCopyValue(a.resource_attributes, column)).toBe('{"service.name":"gw","host.name":"h\\\\t1"}');
  });

  it('maps a resent point to the same id, another resource to another series', () => {
    const first = rows(request([kv('service.name', 'gw')], points));
    expect(rows(request([kv('service.name', 'gw')], points)).map((r) => r.id)).toEqual(first.map((r) => r.id));
    expect(rows(request([kv('service.name', 'other')], points))[0].series_id).not.toBe(first[0].series_id);
  });

  it('keeps the first traced exemplar in trace_id and every exemplar whole', () => {
    const traceId = 'ab'.repeat(16);
    const [row] = rows(
      request(
        [],
        [
          {
            timeUnixNano: '2000',
            asDouble: 1.5,
            exemplars: [{ asDouble: 0.2 }, { timeUnixNano: '1500', asInt: '3', traceId, spanId: 'cd'.repeat(8) }],
          },
        ],
      ),
    );
    expect(row.trace_id).toBe(traceId);
    expect(row.exemplars).toEqual([
      { time: null, value: 0.2, trace_id: null, span_id: null, attributes: {} },
      { time: expect.any(String), value: 3, trace_id: traceId, span_id: 'cd'.repeat(8), attributes: {} },
    ]);
  });
});
