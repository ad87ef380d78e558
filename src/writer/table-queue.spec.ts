import { CopyColumn } from './copy-encoding';
import { TableQueue } from './table-queue';

const column = (name: string): CopyColumn => ({ name, kind: 'text', nullable: true, hasDefault: false });
const AB = [column('a'), column('b')];
const AC = [column('a'), column('c')];
const rows = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}\n`);

describe('TableQueue', () => {
  it('takes nothing from an empty buffer', () => {
    const queue = new TableQueue({ batchRows: 10, maxRows: 100 });
    expect(queue.take(10)).toBeNull();
    expect(queue).toMatchObject({ buffered: 0, inFlight: 0, queued: 0 });
  });

  it('gathers consecutive appends with the same columns into one segment, up to a batch', () => {
    const queue = new TableQueue({ batchRows: 5, maxRows: 100 });
    queue.append(AB, rows('x', 2));
    queue.append(AB, rows('y', 2));
    expect(queue.take(100)!.lines).toEqual([...rows('x', 2), ...rows('y', 2)]);
  });

  it('starts a new segment when the columns differ, and never mixes column lists in one batch', () => {
    const queue = new TableQueue({ batchRows: 10, maxRows: 100 });
    queue.append(AB, rows('x', 2));
    queue.append(AC, rows('y', 2));
    queue.append(AB, rows('z', 2));
    const taken = [queue.take(100)!, queue.take(100)!, queue.take(100)!];
    expect(taken.map((b) => [b.columns, b.lines])).toEqual([
      [AB, rows('x', 2)],
      [AC, rows('y', 2)],
      [AB, rows('z', 2)],
    ]);
    expect(queue.take(100)).toBeNull();
  });

  it('starts a new segment once the last one holds a batch', () => {
    const queue = new TableQueue({ batchRows: 3, maxRows: 100 });
    queue.append(AB, rows('x', 3));
    queue.append(AB, rows('y', 1));
    expect(queue.take(100)!.lines).toEqual(rows('x', 3));
    expect(queue.take(100)!.lines).toEqual(rows('y', 1));
  });

  it('takes at most `max` rows, oldest first', () => {
    const queue = new TableQueue({ batchRows: 100, maxRows: 100 });
    const all = rows('r', 7);
    queue.append(AB, all.slice());
    expect(queue.take(3)!.lines).toEqual(all.slice(0, 3));
    expect(queue.take(3)!.lines).toEqual(all.slice(3, 6));
    expect(queue.take(3)!.lines).toEqual(all.slice(6));
  });

  it('counts taken rows as queued (in flight) until they settle', () => {
    const queue = new TableQueue({ batchRows: 100, maxRows: 100 });
    queue.append(AB, rows('r', 10));
    const first = queue.take(4)!;
    const second = queue.take(4)!;
    expect(queue).toMatchObject({ buffered: 2, inFlight: 2, queued: 10 });
    queue.settle(first);
    expect(queue).toMatchObject({ buffered: 2, inFlight: 1, queued: 6 });
    queue.settle(second);
    expect(queue).toMatchObject({ buffered: 2, inFlight: 0, queued: 2 });
  });

  it('puts rows back at the head of the buffer, ahead of rows that came meanwhile', () => {
    const queue = new TableQueue({ batchRows: 100, maxRows: 100 });
    queue.append(AB, rows('old', 3));
    const batch = queue.take(100)!;
    queue.append(AB, rows('new', 2));
    queue.putBack(batch);
    // Buffered again, and still in flight until the batch settles.
    expect(queue).toMatchObject({ buffered: 5, inFlight: 1, queued: 8 });
    queue.settle(batch);
    expect(queue).toMatchObject({ buffered: 5, inFlight: 0, queued: 5 });
    expect(queue.take(100)!.lines).toEqual(rows('old', 3));
    expect(queue.take(100)!.lines).toEqual(rows('new', 2));
  });

  it('puts back a copy: rows appended to the head segment later do not change the batch the caller holds', () => {
    const queue = new TableQueue({ batchRows: 100, maxRows: 100 });
    queue.append(AB, rows('old', 2));
    const batch = queue.take(100)!;
    queue.putBack(batch);
    queue.append(AB, rows('new', 2));
    expect(batch.lines).toEqual(rows('old', 2));
    queue.settle(batch);
    expect(queue.queued).toBe(4);
  });

  it('has room for rows while buffered plus in flight stays within the limit', () => {
    const queue = new TableQueue({ batchRows: 10, maxRows: 10 });
    queue.append(AB, rows('r', 6));
    expect(queue.hasRoom(4)).toBe(true);
    expect(queue.hasRoom(5)).toBe(false);
    const batch = queue.take(10)!;
    expect(queue.hasRoom(5)).toBe(false); // in flight still counts
    queue.settle(batch);
    expect(queue.hasRoom(10)).toBe(true);
  });
});
