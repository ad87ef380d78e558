import { isSupportedTime, MAX_TIME_MS, MIN_TIME_MS, parseDecimalInt, parseIsoDateTime } from './time';

describe('parseIsoDateTime', () => {
  it('reads ISO 8601 date-times with a time zone', () => {
    expect(parseIsoDateTime('2026-01-31T12:00:00Z')).toEqual(new Date('2026-01-31T12:00:00Z'));
    expect(parseIsoDateTime('2026-01-31T12:00:00.123456+01:30')).toEqual(new Date('2026-01-31T10:30:00.123Z'));
    expect(parseIsoDateTime('2024-02-29T00:00:00z')).toEqual(new Date('2024-02-29T00:00:00Z'));
    expect(parseIsoDateTime('2026-01-31T12:00+0100')).toEqual(new Date('2026-01-31T11:00:00Z'));
    expect(parseIsoDateTime('0001-01-01T00:00:00Z')!.getUTCFullYear()).toBe(1);
    expect(parseIsoDateTime('0099-12-31T23:59:59Z')!.toISOString()).toBe('0099-12-31T23:59:59.000Z');
    expect(parseIsoDateTime('9999-12-31T23:59:59Z')!.toISOString()).toBe('9999-12-31T23:59:59.000Z');
    expect(parseIsoDateTime('2000-02-29T00:00:00Z')).toEqual(new Date('2000-02-29T00:00:00Z'));
  });

  it('reads the common UTC shape exactly, whatever the fraction length', () => {
    expect(parseIsoDateTime('2026-01-31T12:00:00.5Z')!.toISOString()).toBe('2026-01-31T12:00:00.500Z');
    expect(parseIsoDateTime('2026-01-31T12:00:00.29Z')!.toISOString()).toBe('2026-01-31T12:00:00.290Z');
    expect(parseIsoDateTime('2026-01-31T12:00:00.123Z')!.toISOString()).toBe('2026-01-31T12:00:00.123Z');
    expect(parseIsoDateTime('2026-01-31T12:00:00.123456789Z')!.toISOString()).toBe('2026-01-31T12:00:00.123Z');
    for (const text of ['2026-01-31T12:00:00.Z', '2026-01-31T12:00:00.1234567890Z', '2026-01-31T12:00:0xZ']) {
      expect(parseIsoDateTime(text)).toBeNull();
    }
  });

  it.each([
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2026-02-29T00:00:00.000Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:60:00Z',
    '2026-01-01T00:00:60Z',
    '2026-01-01T00:00:00+24:00',
    '0000-01-01T00:00:00Z',
    '-271821-04-20T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '2026-01-01T00:00:00',
    '2026-01-01',
    'yesterday',
    '1',
  ])('refuses %s', (text) => {
    expect(parseIsoDateTime(text)).toBeNull();
  });
});

describe('parseDecimalInt', () => {
  it('reads decimal digits only', () => {
    expect(parseDecimalInt('16')).toBe(16);
    for (const text of ['0x10', '1e1', ' 16', '16 ', '', '-1', '1.5', '9999999999999999999']) expect(parseDecimalInt(text)).toBeNull();
  });
});

describe('the supported range', () => {
  it('refuses an offset that carries an instant out of years 0001-9999', () => {
    expect(parseIsoDateTime('0001-01-01T00:30:00+01:00')).toBeNull();
    expect(parseIsoDateTime('9999-12-31T23:30:00-01:00')).toBeNull();
    expect(parseIsoDateTime('0001-01-01T00:00:00Z')?.toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(parseIsoDateTime('9999-12-31T23:59:59.999Z')?.toISOString()).toBe('9999-12-31T23:59:59.999Z');
    expect(isSupportedTime(new Date(MIN_TIME_MS - 1))).toBe(false);
    expect(isSupportedTime(new Date(MAX_TIME_MS + 1))).toBe(false);
    expect(isSupportedTime(new Date(NaN))).toBe(false);
  });
});
