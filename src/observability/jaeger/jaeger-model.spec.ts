import { assembleTraces, SpanRow } from '../query/trace-detail';
import { envelope, jaegerError, jaegerTag, toJaegerTrace } from './jaeger-model';

const T = 'a'.repeat(32);
const span = (over: Partial<SpanRow>): SpanRow => ({
  trace_id: T,
  span_id: '1'.repeat(16),
  parent_span_id: null,
  name: 'root',
  kind: 'server',
  service: 'gateway',
  start_time: '2030-01-10T11:00:00.000001Z',
  end_time: '2030-01-10T11:00:01.500001Z',
  duration_ms: 1500,
  status: 'unset',
  status_message: null,
  attributes: {},
  resource_attributes: { 'service.name': 'gateway', 'host.name': 'h1' },
  scope_name: 'mcp',
  scope_version: null,
  schema_url: null,
  trace_state: null,
  flags: null,
  links: null,
  dropped_attributes_count: null,
  dropped_events_count: null,
  dropped_links_count: null,
  operation: null,
  resource_type: null,
  resource_name: null,
  resource_id: null,
  model: null,
  input_tokens: null,
  output_tokens: null,
  ...over,
});

describe('Jaeger model', () => {
  const [trace] = assembleTraces(
    [T],
    [],
    [
      span({ attributes: { 'http.status_code': 200, ratio: 0.5, cached: false, route: '/x', list: [1, 2] } }),
      span({
        span_id: '2'.repeat(16),
        parent_span_id: '1'.repeat(16),
        name: 'tools/call',
        kind: 'client',
        service: 'tool-server',
        resource_attributes: { 'service.name': 'tool-server' },
        start_time: '2030-01-10T11:00:00.100000Z',
        end_time: '2030-01-10T11:00:00.350000Z',
        status: 'error',
        status_message: 'boom',
      }),
      span({ span_id: '3'.repeat(16), parent_span_id: '9'.repeat(16), kind: 'unspecified', start_time: '2030-01-10T11:00:00.200000Z' }),
    ],
    [
      {
        trace_id: T,
        span_id: '2'.repeat(16),
        name: 'exception',
        timestamp: '2030-01-10T11:00:00.300000Z',
        attributes: { 'exception.type': 'E' },
      },
    ],
  );
  const j = toJaegerTrace(trace);

  it('gives microsecond times, a process per service and resource, references from parent ids', () => {
    expect(j.traceID).toBe(T);
    const [root, child, orphan] = j.spans;
    expect(root).toMatchObject({
      spanID: '1'.repeat(16),
      operationName: 'root',
      startTime: Date.parse('2030-01-10T11:00:00Z') * 1000 + 1,
      duration: 1_500_000,
      references: [],
    });
    expect(child.references).toEqual([{ refType: 'CHILD_OF', traceID: T, spanID: '1'.repeat(16) }]);
    expect(child.duration).toBe(250_000);
    expect(j.processes[root.processID]).toEqual({ serviceName: 'gateway', tags: [{ key: 'host.name', type: 'string', value: 'h1' }] });
    expect(j.processes[child.processID].serviceName).toBe('tool-server');
    expect(orphan.processID).toBe(root.processID);
    expect(orphan.warnings?.[0]).toMatch(/not stored/);
    expect(Object.keys(j.processes)).toHaveLength(2);
  });

  it('types tags, adds the OpenTelemetry ones Jaeger shows, and turns events into logs', () => {
    const [root, child, orphan] = j.spans;
    expect(root.tags).toEqual(
      expect.arrayContaining([
        { key: 'http.status_code', type: 'int64', value: 200 },
        { key: 'ratio', type: 'float64', value: 0.5 },
        { key: 'cached', type: 'bool', value: false },
        { key: 'list', type: 'string', value: '[1,2]' },
        { key: 'span.kind', type: 'string', value: 'server' },
        { key: 'otel.scope.name', type: 'string', value: 'mcp' },
      ]),
    );
    expect(child.tags).toEqual(
      expect.arrayContaining([
        { key: 'error', type: 'bool', value: true },
        { key: 'otel.status_code', type: 'string', value: 'ERROR' },
        { key: 'otel.status_description', type: 'string', value: 'boom' },
      ]),
    );
    expect(orphan.tags.find((t) => t.key === 'span.kind')).toBeUndefined();
    expect(child.logs).toEqual([
      {
        timestamp: Date.parse('2030-01-10T11:00:00.300Z') * 1000,
        fields: [
          { key: 'event', type: 'string', value: 'exception' },
          { key: 'exception.type', type: 'string', value: 'E' },
        ],
      },
    ]);
  });

  it('answers in Jaeger’s envelope, errors included', () => {
    expect(envelope(['a'])).toEqual({ data: ['a'], total: 1, limit: 0, offset: 0, errors: null });
    expect(jaegerError(404, 'trace not found')).toMatchObject({ data: null, errors: [{ code: 404, msg: 'trace not found' }] });
    expect(jaegerError(400, 'bad', [{ field: 'limit', reason: 'must be a number' }]).errors).toEqual([
      { code: 400, msg: 'limit: must be a number', field: 'limit', reason: 'must be a number' },
    ]);
    expect(jaegerTag('k', null)).toEqual({ key: 'k', type: 'string', value: 'null' });
  });
});
