import { appendFileSync, mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRecords, encodeRecord, SpoolRecord, TableSpool } from './spool';

const record = (n: number): SpoolRecord => ({
  columns: ['id', 'name'],
  rows: n,
  copyText: Array.from({ length: n }, (_, i) => `${i}\tname ${i} \\t é\n`).join(''),
});

describe('spool framing', () => {
  it('round-trips records', () => {
    const data = Buffer.concat([encodeRecord(record(1)), encodeRecord(record(3))]);
    const decoded = decodeRecords(data);
    expect(decoded.records).toEqual([record(1), record(3)]);
    expect(decoded).toMatchObject({ tornBytes: 0, corruptRecords: 0 });
  });

  it('skips a torn last record (a write cut short by a crash)', () => {
    const whole = encodeRecord(record(2));
    const torn = encodeRecord(record(5));
    for (const cut of [1, 11, 12, 40, torn.length - 1]) {
      const decoded = decodeRecords(Buffer.concat([whole, torn.subarray(0, cut)]));
      expect(decoded.records).toEqual([record(2)]);
      expect(decoded.tornBytes).toBe(cut);
    }
  });

  it('skips a record whose checksum does not match and reads on', () => {
    const bad = encodeRecord(record(2));
    bad[bad.length - 3] ^= 0xff;
    const decoded = decodeRecords(Buffer.concat([encodeRecord(record(1)), bad, encodeRecord(record(4))]));
    expect(decoded.records).toEqual([record(1), record(4)]);
    expect(decoded.corruptRecords).toBeGreaterThanOrEqual(1);
  });
});

describe('TableSpool', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ff-spool-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends, seals, reads and removes files in order; a new instance finds what is on disk', async () => {
    const spool = new TableSpool(dir);
    await spool.append(encodeRecord(record(1)));
    await spool.append(encodeRecord(record(2)));
    const [first] = await spool.seal();
    await spool.append(encodeRecord(record(3)));
    await spool.close();
    expect(spool.pendingFiles).toBe(2);

    const again = new TableSpool(dir);
    const files = await again.seal();
    expect(files.map((f) => f.seq)).toEqual([first.seq, first.seq + 1]);
    expect((await again.read(files[0])).records.map((r) => r.rows)).toEqual([1, 2]);
    expect((await again.read(files[1])).records.map((r) => r.rows)).toEqual([3]);
    await again.remove(files[0]);
    expect(readdirSync(dir)).toEqual([files[1].path.split('/').pop()]);
    // Appends after a restart go to a new file, never after an old (possibly torn) tail.
    await again.append(encodeRecord(record(4)));
    expect(again.pendingFiles).toBe(2);
    expect(Math.max(...(await again.seal()).map((f) => f.seq))).toBe(first.seq + 2);
  });

  it('reads the intact records of a file whose last append was torn', async () => {
    const spool = new TableSpool(dir);
    await spool.append(encodeRecord(record(2)));
    const [file] = await spool.seal();
    const torn = encodeRecord(record(3));
    appendFileSync(file.path, torn.subarray(0, 20));
    const decoded = await spool.read(file);
    expect(decoded.records.map((r) => r.rows)).toEqual([2]);
    expect(decoded.tornBytes).toBe(20);
    truncateSync(file.path, 0);
    expect((await spool.read(file)).records).toEqual([]);
  });
});
