import { FilterError, parseTraceFilter } from '../query/trace-filter';
import { jaegerDependencyWindow, jaegerSearch, parseGoDuration, parseTags } from './jaeger-params';

const NOW = new Date('2030-01-10T12:00:00Z');
const fields = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof FilterError) return error.errors.map((e) => e.field).sort();
    throw error;
  }
  return [];
};

describe('Jaeger parameters', () => {
  it('reads Go durations as Jaeger does', () => {
    expect(parseGoDuration('1.2s')).toBe(1200);
    expect(parseGoDuration('300ms')).toBe(300);
    expect(parseGoDuration('1h30m')).toBe(90 * 60_000);
    expect(parseGoDuration('250us')).toBe(0.25);
    expect(parseGoDuration('250µs')).toBe(0.25);
    expect(parseGoDuration('0')).toBe(0);
    for (const bad of ['', '1', 's', '1.2', '5 ms', '-1s', '1d']) expect(parseGoDuration(bad)).toBeNull();
  });

  it('reads tags as the JSON map Grafana sends and as logfmt', () => {
    expect(parseTags('{"http.status_code":"500","error":true}')).toEqual({ 'http.status_code': '500', error: 'true' });
    expect(parseTags('http.status_code=500 error=true route="/a b"')).toEqual({ 'http.status_code': '500', error: 'true', route: '/a b' });
    expect(parseTags('{"a":{"b":1}}')).toBeNull();
    expect(parseTags('{"a":')).toBeNull();
    expect(parseTags('[1]')).toEqual(null);
  });

  it('maps exactly what Grafana sends onto the native filter', () => {
    // Grafana: service, operation, tags (logfmt turned to JSON), minDuration, maxDuration, limit, start, end (µs), lookback=custom
    const start = Date.parse('2030-01-10T10:00:00Z') * 1000;
    const end = Date.parse('2030-01-10T11:00:00Z') * 1000;
    const { filter } = jaegerSearch(
      {
        service: 'gateway',
        operation: 'tools/call',
        tags: '{"error":"true","tool.name":"search"}',
        minDuration: '1.2s',
        maxDuration: '5s',
        limit: '20',
        start: String(start),
        end: String(end),
        lookback: 'custom',
      },
      NOW,
    );
    expect(filter).toEqual({
      service: 'gateway',
      operation: 'tools/call',
      status: 'error',
      'attr.tool.name': 'search',
      min_duration_ms: 1200,
      max_duration_ms: 5000,
      limit: 20,
      from: '2030-01-10T10:00:00.000Z',
      to: '2030-01-10T11:00:00.000Z',
    });
    expect(parseTraceFilter(filter!, NOW)).toMatchObject({ operation: 'tools/call', minDurationMs: 1200 });
  });

  it('defaults as Jaeger: the last hour (or the UI lookback) before end, limit 100', () => {
    expect(jaegerSearch({ service: 's' }, NOW).filter).toMatchObject({
      from: '2030-01-10T11:00:00.000Z',
      to: NOW.toISOString(),
      limit: 100,
    });
    expect(jaegerSearch({ service: 's', lookback: '2d' }, NOW).filter).toMatchObject({ from: '2030-01-08T12:00:00.000Z' });
    expect(jaegerSearch({ traceID: ['ABC', 'a'.repeat(32)] }, NOW)).toMatchObject({
      filter: null,
      traceIds: ['0'.repeat(29) + 'abc', 'a'.repeat(32)],
    });
    expect(jaegerSearch({ service: 's', tag: ['a:b', 'c:d:e'] }, NOW).filter).toMatchObject({ 'attr.a': 'b', 'attr.c': 'd:e' });
  });

  it('lists every bad parameter', () => {
    expect(fields(() => jaegerSearch({ minDuration: 'fast', start: 'yesterday', limit: 'x', tags: '{', colour: 'red' }, NOW))).toEqual([
      'colour',
      'limit',
      'minDuration',
      'service',
      'start',
      'tags',
    ]);
    expect(fields(() => jaegerSearch({ service: ['a', 'b'] }, NOW))).toEqual(['service', 'service']);
    expect(fields(() => jaegerSearch({ traceID: 'xyz' }, NOW))).toEqual(['traceID']);
  });

  it('reads the dependencies window in milliseconds, a week by default', () => {
    const endTs = Date.parse('2030-01-10T00:00:00Z');
    expect(jaegerDependencyWindow({ endTs: String(endTs), lookback: '86400000' }, NOW)).toEqual({
      from: new Date('2030-01-09T00:00:00Z'),
      to: new Date('2030-01-10T00:00:00Z'),
    });
    expect(jaegerDependencyWindow({}, NOW).from).toEqual(new Date('2030-01-03T12:00:00Z'));
    expect(fields(() => jaegerDependencyWindow({ endTs: 'now', lookback: '0', x: '1' }, NOW))).toEqual(['endTs', 'lookback', 'x']);
  });
});
