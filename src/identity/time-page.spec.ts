import { decodeTimeCursor, encodeTimeCursor, timePage, timePageSql, timeWindow } from './time-page';

const id = '0190a6b2-0000-7000-8000-000000000001';

describe('time pages', () => {
  it('bound every read by a window: a day by default, at most 31 days, since before until', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    expect(timeWindow({}, now)).toEqual({ since: new Date('2026-12-06T12:00:00Z'), until: now });
    expect(() => timeWindow({ since: new Date('2026-10-01T00:00:00Z') }, now)).toThrow(/at most 31 days/);
    expect(() => timeWindow({ since: now, until: now })).toThrow(/before until/);
    try {
      timeWindow({ since: new Date('2026-01-01T00:00:00Z') }, now);
    } catch (error) {
      expect((error as { getResponse(): { errors: unknown } }).getResponse().errors).toEqual([
        { field: 'since', reason: expect.any(String) },
      ]);
    }
  });

  it('round-trip cursors exactly (microseconds as text) and refuse anything else naming the field', () => {
    const c = { micros: '1796300000123456', id };
    expect(decodeTimeCursor(encodeTimeCursor(c))).toEqual(c);
    for (const bad of ['', 'abc', Buffer.from(`1_${id}_x`).toString('base64url'), Buffer.from('1_nope').toString('base64url')])
      expect(() => decodeTimeCursor(bad)).toThrow(/cursor must be/);
  });

  it('number their parameters after the caller’s, and compare (time, id) with the cursor', () => {
    const window = { since: new Date(0), until: new Date(1000) };
    const sql = timePageSql({
      timeColumn: 't.ts',
      idColumn: 't.id',
      idType: 'uuid',
      window,
      params: ['a@x'],
      cursor: encodeTimeCursor({ micros: '5', id }),
    });
    expect(sql.where).toBe(
      `t.ts >= $2 AND t.ts < $3 AND (t.ts, t.id) < (timestamptz 'epoch' + $4::bigint * interval '1 microsecond', $5::uuid)`,
    );
    expect(sql.params).toEqual(['a@x', window.since, window.until, '5', id]);
    expect(sql.orderBy).toBe('t.ts DESC, t.id DESC');
  });

  it('cut limit + 1 rows into a page and a cursor to its last row', () => {
    const rows = [3, 2, 1].map((n) => ({ id: `${id.slice(0, -1)}${n}`, cursor_micros: String(n), v: n }));
    const page = timePage(rows, 2);
    expect(page.rows).toEqual([rows[0], rows[1]].map(({ cursor_micros: _, ...r }) => r));
    expect(decodeTimeCursor(page.next_cursor!)).toEqual({ micros: '2', id: rows[1].id });
    expect(timePage(rows, 3).next_cursor).toBeNull();
  });
});
