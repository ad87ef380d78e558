import { batchColumns, columnKind, CopyColumn, encodeCopyRow, encodeCopyValue, escapeCopyText, isoString, JsonText } from './copy-encoding';

const col = (name: string, kind: CopyColumn['kind'], nullable = true, hasDefault = false): CopyColumn => ({
  name,
  kind,
  nullable,
  hasDefault,
});

describe('COPY text encoding', () => {
  it('maps database types to encodings', () => {
    expect(columnKind('jsonb')).toBe('json');
    expect(columnKind('simple-json')).toBe('json');
    expect(columnKind('timestamp with time zone')).toBe('timestamp');
    expect(columnKind('boolean')).toBe('boolean');
    expect(columnKind('double precision')).toBe('number');
    expect(columnKind('bigint')).toBe('number');
    expect(columnKind('character varying')).toBe('text');
    expect(columnKind('uuid')).toBe('text');
  });

  it('escapes backslashes, tabs, newlines and carriage returns; drops NUL', () => {
    expect(escapeCopyText('plain')).toBe('plain');
    expect(escapeCopyText('a\tb\nc\rd\\e\u0000f')).toBe('a\\tb\\nc\\rd\\\\ef');
    expect(escapeCopyText('\\N')).toBe('\\\\N'); // the literal text "\N" is not NULL
  });

  it('encodes nulls, booleans, numbers, dates and JSON', () => {
    expect(encodeCopyValue(null, col('x', 'text'))).toBe('\\N');
    expect(encodeCopyValue(undefined, col('x', 'json'))).toBe('\\N');
    expect(encodeCopyValue(true, col('x', 'boolean'))).toBe('t');
    expect(encodeCopyValue(false, col('x', 'boolean'))).toBe('f');
    expect(encodeCopyValue(0.125, col('x', 'number'))).toBe('0.125');
    expect(encodeCopyValue(NaN, col('x', 'number'))).toBe('NaN');
    expect(encodeCopyValue(-Infinity, col('x', 'number'))).toBe('-Infinity');
    expect(encodeCopyValue(12n, col('x', 'number'))).toBe('12');
    expect(encodeCopyValue(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), col('x', 'timestamp'))).toBe('2026-01-02T03:04:05.006Z');
    expect(encodeCopyValue({ a: 'x\ty', b: [1, 'q"\\'] }, col('x', 'json'))).toBe('{"a":"x\\\\ty","b":[1,"q\\\\"\\\\\\\\"]}');
    expect(encodeCopyValue('just a string', col('x', 'json'))).toBe('"just a string"');
    expect(encodeCopyValue({ s: 'a\u0000b' }, col('x', 'json'))).toBe('{"s":"ab"}');
  });

  it('refuses values that do not fit the column', () => {
    expect(() => encodeCopyValue(null, col('x', 'text', false))).toThrow(/x is NOT NULL/);
    expect(() => encodeCopyValue('yes', col('x', 'boolean'))).toThrow(/expects a boolean/);
    expect(() => encodeCopyValue('12abc', col('x', 'number'))).toThrow(/expects a number/);
    expect(() => encodeCopyValue(new Date('nope'), col('x', 'timestamp'))).toThrow(/invalid Date/);
    expect(() => encodeCopyValue({}, col('x', 'text'))).toThrow(/expects text/);
  });

  it('formats timestamps exactly like toISOString, cache or not', () => {
    for (const ms of [
      0, 1, 999, 1000, 1_767_225_599_999, 1_767_225_600_000, 1_767_225_600_005, 1_767_225_600_050, 1_767_225_600_000, -1, 253402300799999,
    ]) {
      expect(isoString(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('encodes a row as one tab-separated line', () => {
    const columns = [col('id', 'text', false), col('ok', 'boolean'), col('err', 'text'), col('meta', 'json')];
    expect(encodeCopyRow({ id: 'a', ok: true, err: 'line1\nline2', meta: null }, columns)).toBe('a\tt\tline1\\nline2\t\\N\n');
  });

  it('encodes a shared JsonText exactly as the value it stands for; a value whose JSON holds a NUL escape stays a value', () => {
    const json = col('meta', 'json');
    const value = { 'service.name': 'gw', note: 'tab\there', nested: { back: 'a\\b' } };
    const shared = JsonText.of(value);
    expect(shared).toBeInstanceOf(JsonText);
    expect(encodeCopyValue(shared, json)).toBe(encodeCopyValue(value, json));
    expect(encodeCopyValue(shared, json)).toBe(encodeCopyValue(shared, json));
    const withNul = { k: 'a\u0000b' };
    expect(JsonText.of(withNul)).toBe(withNul);
    expect(encodeCopyValue(JsonText.of(withNul), json)).toBe('{"k":"ab"}');
  });

  it('chooses the batch columns: named ones plus required ones; unknown or missing required columns throw', () => {
    const table = [col('id', 'text', false), col('name', 'text', false), col('kind', 'text', false, true), col('note', 'text')];
    expect(batchColumns([{ id: '1', name: 'n' }], table, 't').map((c) => c.name)).toEqual(['id', 'name', 'note']);
    expect(batchColumns([{ id: '1', name: 'n', kind: 'k' }], table, 't').map((c) => c.name)).toEqual(['id', 'name', 'kind', 'note']);
    expect(() => batchColumns([{ id: '1', name: 'n', bogus: 1 }], table, 't')).toThrow(/t has no column bogus/);
    expect(() => batchColumns([{ id: '1' }], table, 't')).toThrow(/column name is required/);
  });
});
