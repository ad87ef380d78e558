import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { FileHandle, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * Append-only spool of batches the database could not take, one directory per role and
 * table, files named by an increasing sequence number (`000000000042.spool`).
 *
 * Record framing: magic `FFS1` | payload length (u32 BE) | CRC-32 of payload (u32 BE) |
 * payload. The payload is a JSON header line (`{"columns":[...],"rows":n}`) followed by
 * the rows in COPY text form. A crash in the middle of an append leaves a torn record at
 * the end of the file: its length or checksum does not match, and reading skips it.
 */
export const RECORD_MAGIC = Buffer.from('FFS1', 'latin1');
const HEADER_BYTES = 12;
/** A spool file is closed and a new one started past this size. */
export const SPOOL_FILE_MAX_BYTES = 16 * 1024 * 1024;

export interface SpoolRecord {
  columns: string[];
  rows: number;
  /** Rows in COPY text form, each line ending with a newline. */
  copyText: string;
}

export function encodeRecord(record: SpoolRecord): Buffer {
  const payload = Buffer.from(`${JSON.stringify({ columns: record.columns, rows: record.rows })}\n${record.copyText}`, 'utf8');
  const header = Buffer.alloc(HEADER_BYTES);
  RECORD_MAGIC.copy(header, 0);
  header.writeUInt32BE(payload.length, 4);
  header.writeUInt32BE(crc32(payload), 8);
  return Buffer.concat([header, payload]);
}

export interface DecodedSpool {
  records: SpoolRecord[];
  /** Bytes at the end of the file that do not form a whole record (a torn last write). */
  tornBytes: number;
  /** Records skipped because their checksum did not match. */
  corruptRecords: number;
}

/** Reads every whole, intact record; skips a torn tail and resynchronises after a corrupt record. */
export function decodeRecords(data: Buffer): DecodedSpool {
  const records: SpoolRecord[] = [];
  let corruptRecords = 0;
  let offset = 0;
  while (offset < data.length) {
    if (data.length - offset < HEADER_BYTES) break;
    if (!data.subarray(offset, offset + 4).equals(RECORD_MAGIC)) {
      const next = data.indexOf(RECORD_MAGIC, offset + 1);
      corruptRecords++;
      if (next < 0) return { records, tornBytes: 0, corruptRecords };
      offset = next;
      continue;
    }
    const length = data.readUInt32BE(offset + 4);
    const checksum = data.readUInt32BE(offset + 8);
    const end = offset + HEADER_BYTES + length;
    if (end > data.length) break;
    const payload = data.subarray(offset + HEADER_BYTES, end);
    if (crc32(payload) !== checksum) {
      corruptRecords++;
      const next = data.indexOf(RECORD_MAGIC, offset + 1);
      if (next < 0) return { records, tornBytes: 0, corruptRecords };
      offset = next;
      continue;
    }
    const newline = payload.indexOf(0x0a);
    const header = JSON.parse(payload.subarray(0, newline).toString('utf8')) as { columns: string[]; rows: number };
    records.push({ columns: header.columns, rows: header.rows, copyText: payload.subarray(newline + 1).toString('utf8') });
    offset = end;
  }
  return { records, tornBytes: data.length - offset, corruptRecords };
}

const FILE_PATTERN = /^(\d{12})\.spool$/;

export interface SpoolFile {
  path: string;
  seq: number;
  bytes: number;
}

/**
 * The spool of one table. Appends are serialised, each followed by fdatasync, so an
 * acknowledged append survives a process crash and a power cut. Replay takes sealed
 * files only: seal() closes the file being appended to, and later appends open a new one.
 */
export class TableSpool {
  private nextSeq = 1;
  private current: { handle: FileHandle; file: SpoolFile } | null = null;
  private readonly files: SpoolFile[] = [];
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir).sort()) {
      const match = FILE_PATTERN.exec(name);
      if (!match) continue;
      const path = join(dir, name);
      const seq = Number(match[1]);
      this.files.push({ path, seq, bytes: statSync(path).size });
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
    }
  }

  /** Bytes and files waiting for replay (the file being appended to included). */
  get pendingBytes(): number {
    return this.files.reduce((sum, f) => sum + f.bytes, 0);
  }

  get pendingFiles(): number {
    return this.files.length;
  }

  /** Appends one record and syncs it to disk; resolves once it is durable. */
  append(record: Buffer): Promise<void> {
    return this.serial(async () => {
      if (!this.current || this.current.file.bytes >= SPOOL_FILE_MAX_BYTES) await this.openNext();
      const { handle, file } = this.current!;
      try {
        let written = 0;
        while (written < record.length) {
          const { bytesWritten } = await handle.write(record, written, record.length - written, null);
          written += bytesWritten;
          file.bytes += bytesWritten;
        }
        await handle.datasync();
      } catch (error) {
        // A partial write (disk full) leaves a torn record: start a new file so that the
        // torn bytes stay at the end of this one, where reading skips them.
        await this.closeCurrent().catch(() => undefined);
        throw error;
      }
    });
  }

  /** Closes the file being appended to; returns every file now closed, oldest first. */
  seal(): Promise<SpoolFile[]> {
    return this.serial(async () => {
      await this.closeCurrent();
      return [...this.files];
    });
  }

  async read(file: SpoolFile): Promise<DecodedSpool> {
    return decodeRecords(await readFile(file.path));
  }

  /** Deletes a file once every one of its rows is committed. */
  remove(file: SpoolFile): Promise<void> {
    return this.serial(async () => {
      await unlink(file.path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      const i = this.files.indexOf(file);
      if (i >= 0) this.files.splice(i, 1);
    });
  }

  close(): Promise<void> {
    return this.serial(() => this.closeCurrent());
  }

  private async openNext(): Promise<void> {
    await this.closeCurrent();
    const seq = this.nextSeq++;
    const path = join(this.dir, `${String(seq).padStart(12, '0')}.spool`);
    const handle = await open(path, 'a');
    // Make the new directory entry durable too, or a power cut could lose the whole file.
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    const file = { path, seq, bytes: 0 };
    this.files.push(file);
    this.current = { handle, file };
  }

  private async closeCurrent(): Promise<void> {
    if (!this.current) return;
    const { handle } = this.current;
    this.current = null;
    await handle.close();
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
