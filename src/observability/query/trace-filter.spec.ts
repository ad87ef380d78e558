import { attributeCandidates, FilterError, parseTraceFilter, windowOf } from './trace-filter';
import { decodeSearchCursor, encodeSearchCursor, searchQuery } from './trace-search';

const NOW = new Date('2030-01-10T12:00:00Z');
const problems = (input: Record<string, unknown>) => {
  try {
    parseTraceFilter(input, NOW);
  } catch (error) {
    if (error instanceof FilterError) return error.errors.map((e) => e.field).sort();
    throw error;
  }
  return [];
};

describe('parseTraceFilter', () => {
  it('defaults to the last hour, newest first, 20 items', () => {
    const f = parseTraceFilter({}, NOW);
    expect(f).toMatchObject({ sort: 'start', limit: 20, attributes: [] });
    expect(windowOf(f, NOW)).toEqual({ from: new Date('2030-01-10T11:00:00Z'), to: NOW });
  });

  it('reads query strings and JSON alike', () => {
    const fromQuery = parseTraceFilter(
      { service: 'gw', min_duration_ms: '250', status: 'error', 'attr.http.route': '/x', lookback: '6h', sort: 'duration', limit: '5' },
      NOW,
    );
    const fromJson = parseTraceFilter(
      { service: 'gw', min_duration_ms: 250, status: 'error', 'attr.http.route': '/x', lookback: '6h', sort: 'duration', limit: 5 },
      NOW,
    );
    expect(fromQuery).toEqual(fromJson);
    expect(fromQuery).toMatchObject({
      service: 'gw',
      minDurationMs: 250,
      lookbackMs: 6 * 3_600_000,
      attributes: [{ key: 'http.route', value: '/x' }],
    });
  });

  it('lists every bad field at once', () => {
    expect(
      problems({ status: 'fine', min_duration_ms: 'x', limit: '0', sort: 'name', colour: 'red', lookback: '2y', from: 'yesterday' }),
    ).toEqual(['colour', 'from', 'limit', 'lookback', 'min_duration_ms', 'sort', 'status']);
    expect(problems({ service: ['a', 'b'] })).toEqual(['service']);
    expect(problems({ min_duration_ms: '10', max_duration_ms: '5' })).toEqual(['min_duration_ms']);
    expect(problems({ from: '2030-01-01T00:00:00Z', to: '2030-03-01T00:00:00Z' })).toEqual(['from']);
    expect(problems({ from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' })).toEqual(['from']);
  });

  it('matches an attribute as a string and as the number or boolean it spells', () => {
    expect(attributeCandidates('code', '200')).toEqual([{ code: '200' }, { code: 200 }]);
    expect(attributeCandidates('cached', 'true')).toEqual([{ cached: 'true' }, { cached: true }]);
    expect(attributeCandidates('route', '/x')).toEqual([{ route: '/x' }]);
  });
});

describe('searchQuery', () => {
  it('binds every value and pages with a keyset cursor of the sort order', () => {
    const f = parseTraceFilter({ service: "x' OR 1=1 --", 'attr.k': 'v', sort: 'duration' }, NOW);
    const cursor = decodeSearchCursor(encodeSearchCursor({ sort: 'duration', key: '12.5', traceId: 'a'.repeat(32) }), 'duration');
    const { sql, params } = searchQuery(f, cursor, NOW);
    expect(sql).not.toContain("x'");
    expect(params).toContain("x' OR 1=1 --");
    expect(sql).toMatch(/ORDER BY t\.duration_ms DESC, t\.trace_id DESC/);
    expect(sql).toMatch(/\(t\.duration_ms, t\.trace_id\) < \(\$\d+::double precision, \$\d+\)/);
    expect(params).toContain(JSON.stringify({ k: 'v' }));
  });

  it('refuses cursors that are not ours or belong to another order', () => {
    const c = encodeSearchCursor({ sort: 'start', key: '2030-01-10T11:00:00.000001Z', traceId: 'b'.repeat(32) });
    expect(decodeSearchCursor(c, 'start')).toEqual({ sort: 'start', key: '2030-01-10T11:00:00.000001Z', traceId: 'b'.repeat(32) });
    expect(decodeSearchCursor(c, 'tokens')).toBeNull();
    expect(decodeSearchCursor('garbage', 'start')).toBeNull();
    expect(decodeSearchCursor(Buffer.from('["start","x","y"]').toString('base64url'), 'start')).toBeNull();
  });
});
