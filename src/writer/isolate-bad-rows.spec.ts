import { SQLSTATE } from '../common/pg-errors';
import type { OnConflict } from './copy-transaction';
import { isolateBadRows, WriteRows } from './isolate-bad-rows';

const pgError = (code: string | undefined, message = `SQLSTATE ${code}`) => Object.assign(new Error(message), { code });
const tooLong = () => pgError(SQLSTATE.stringDataRightTruncation);
const duplicateKey = () => pgError(SQLSTATE.uniqueViolation);
const connectionLost = () => pgError(undefined, 'Connection terminated unexpectedly');

/**
 * A database in memory: one transaction per write, all or nothing, rows checked in order.
 * A row in `bad` fails the transaction as invalid data; a row already `stored` fails it as
 * a duplicate key unless written with onConflict 'skip'. After `downAfterWrites`
 * transactions it stops answering.
 */
function fakeDatabase(options: { bad?: number[]; stored?: number[]; downAfterWrites?: number } = {}) {
  const bad = new Set(options.bad);
  const stored = new Set(options.stored);
  const written: number[] = [];
  const calls: Array<{ rows: number[]; onConflict: OnConflict }> = [];
  let transactions = 0;
  const write: WriteRows<number> = async (rows, onConflict) => {
    calls.push({ rows, onConflict });
    await Promise.resolve();
    if (options.downAfterWrites !== undefined && transactions >= options.downAfterWrites) throw connectionLost();
    transactions++;
    for (const r of rows) {
      if (bad.has(r)) throw tooLong();
      if (onConflict === 'fail' && stored.has(r)) throw duplicateKey();
    }
    for (const r of rows) {
      if (stored.has(r)) continue;
      stored.add(r);
      written.push(r);
    }
  };
  return { write, written, calls };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('isolateBadRows', () => {
  it('writes a clean batch in one transaction', async () => {
    const db = fakeDatabase();
    const result = await isolateBadRows(range(10), db.write, 'fail');
    expect(result).toEqual({ left: [], rejected: [] });
    expect(db.written).toEqual(range(10));
    expect(db.calls).toHaveLength(1);
  });

  it.each([
    ['at the start', [0]],
    ['in the middle', [17]],
    ['at the end', [39]],
    ['in several places', [0, 5, 6, 22, 39]],
  ])('rejects bad rows %s and writes every neighbour', async (_, bad) => {
    const db = fakeDatabase({ bad });
    const result = await isolateBadRows(range(40), db.write, 'fail');
    expect(result.left).toEqual([]);
    expect(result.rejected.map((r) => r.row)).toEqual(bad);
    expect(result.rejected[0].error).toMatchObject({ code: SQLSTATE.stringDataRightTruncation });
    expect(db.written).toEqual(range(40).filter((r) => !bad.includes(r)));
  });

  it('rejects every row when all are bad', async () => {
    const db = fakeDatabase({ bad: range(9) });
    const result = await isolateBadRows(range(9), db.write, 'fail');
    expect(result.left).toEqual([]);
    expect(result.rejected.map((r) => r.row)).toEqual(range(9));
    expect(db.written).toEqual([]);
  });

  it('hands back every row not written, in order, when the database goes away midway', async () => {
    // Row 3 bad: [0..39], [0..19], [0..9] and [0..4] fail, [0,1] is written, then the database is gone.
    const db = fakeDatabase({ bad: [3], downAfterWrites: 5 });
    const result = await isolateBadRows(range(40), db.write, 'fail');
    expect(db.written).toEqual([0, 1]);
    expect(result.left).toEqual(range(40).slice(2));
    expect(result.cause).toMatchObject({ message: 'Connection terminated unexpectedly' });
    expect(result.rejected).toEqual([]);
  });

  it('keeps the rows already isolated as bad rejected when the database goes away afterwards', async () => {
    // [0..7] fails, [0..3] fails, [0,1] fails, [0] is rejected, [1] is written, then the database is gone.
    const db = fakeDatabase({ bad: [0, 5], downAfterWrites: 5 });
    const result = await isolateBadRows(range(8), db.write, 'fail');
    expect(result.rejected.map((r) => r.row)).toEqual([0]);
    expect(db.written).toEqual([1]);
    expect(result.left).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('hands back the whole batch when the database does not answer at all', async () => {
    const db = fakeDatabase({ downAfterWrites: 0 });
    const result = await isolateBadRows(range(5), db.write, 'skip');
    expect(result.left).toEqual(range(5));
    expect(db.calls).toHaveLength(1);
  });

  it('writes rows that are partly there already (a lost acknowledgement) again, skipping the ones present', async () => {
    const db = fakeDatabase({ stored: [2, 3] });
    const result = await isolateBadRows(range(6), db.write, 'fail');
    expect(result).toEqual({ left: [], rejected: [] });
    expect(db.written).toEqual([0, 1, 4, 5]);
    expect(db.calls.map((c) => c.onConflict)).toEqual(['fail', 'skip']);
  });

  it('keeps skipping present rows while it isolates a bad one among them', async () => {
    const db = fakeDatabase({ stored: [1], bad: [6] });
    const result = await isolateBadRows(range(8), db.write, 'fail');
    expect(result.rejected.map((r) => r.row)).toEqual([6]);
    expect(db.written).toEqual([0, 2, 3, 4, 5, 7]);
    expect(db.calls.map((c) => c.onConflict)).toEqual(['fail', ...Array<OnConflict>(db.calls.length - 1).fill('skip')]);
  });

  it('under skip, treats a duplicate key (another unique constraint) as the rows’ own fault', async () => {
    const write: WriteRows<number> = async (rows) => {
      if (rows.includes(2)) throw duplicateKey();
    };
    const result = await isolateBadRows(range(4), write, 'skip');
    expect(result.left).toEqual([]);
    expect(result.rejected.map((r) => r.row)).toEqual([2]);
  });
});
