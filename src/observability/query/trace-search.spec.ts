import { encodeCursor } from '../../common/cursor';
import { decodeSearchCursor, encodeSearchCursor } from './trace-search';

describe('trace search cursors', () => {
  it('round-trip', () => {
    const trace = { sort: 'start' as const, key: '2026-03-01T10:00:00.123456Z', traceId: 'a'.repeat(32) };
    expect(decodeSearchCursor(encodeSearchCursor(trace), 'start')).toEqual(trace);
  });

  it('refuses trace cursors whose key its column cannot hold', () => {
    const cursor = (sort: string, key: unknown) => encodeCursor([sort, key as string, 'a'.repeat(32)]);
    for (const key of ['1', '2026-02-30T00:00:00.000000Z', '0000-12-31T00:00:00Z', '10000-01-01T00:00:00Z', 'now'])
      expect(decodeSearchCursor(cursor('start', key), 'start')).toBeNull();
    for (const key of ['1e999', '-1e400', 'NaN', 'Infinity', '0x10', ''])
      expect(decodeSearchCursor(cursor('duration', key), 'duration')).toBeNull();
    for (const key of ['1.5', '99999999999999999999', '1e3']) expect(decodeSearchCursor(cursor('tokens', key), 'tokens')).toBeNull();
    expect(decodeSearchCursor(cursor('duration', '12.5'), 'duration')).not.toBeNull();
    expect(decodeSearchCursor(cursor('duration', '12.5'), 'start')).toBeNull();
  });
});
