import { Logger } from '@nestjs/common';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { describeError } from '../common/pg-errors';
import { WriterSettings } from '../config/settings';
import { ROLES } from '../database/roles';
import { Availability } from './availability';
import { Batch } from './copy-encoding';
import { copyTransaction } from './copy-transaction';
import { isolateBadRows } from './isolate-bad-rows';
import { encodeRecord, SpoolRecord } from './spool';
import { WriterTable, WriterTables } from './writer-table';

/**
 * The way round a database that does not answer: batches go to the table's spool on local
 * disk (bounded by SPOOL_MAX_MB over all tables) and are replayed in order once the
 * database answers again. Replays cannot double-count: every row's id is fixed at ingest
 * and replays skip rows already there.
 */
export class SpoolReplay {
  private readonly replaying = new Set<WriterTable>();
  private stopped = false;

  constructor(
    private readonly tables: WriterTables,
    private readonly availability: Availability,
    private readonly settings: Pick<WriterSettings, 'spoolDir' | 'spoolMaxBytes' | 'timeoutMs'>,
    private readonly logger: Logger,
  ) {}

  /** Picks up what a previous process left in the spool; it is replayed once each database answers. */
  adoptLeftovers(): void {
    for (const role of ROLES) {
      const roleDir = join(this.settings.spoolDir, role);
      if (!existsSync(roleDir)) continue;
      for (const name of readdirSync(roleDir)) {
        try {
          const { spool } = this.tables.get(role, name);
          if (spool.pendingFiles > 0) {
            this.logger.log(`spool ${role}/${name}: ${spool.pendingFiles} file(s), ${spool.pendingBytes} bytes to replay`);
          }
        } catch (error) {
          this.logger.warn(`spool ${role}/${name} ignored: ${(error as Error).message}`);
        }
      }
    }
  }

  /** Appends a batch to the table's spool (fsync'd) and makes sure a probe will come to replay it; throws when the spool is full. */
  async spool(table: WriterTable, batch: Batch): Promise<void> {
    const record: SpoolRecord = { columns: batch.columns.map((c) => c.name), rows: batch.lines.length, copyText: batch.lines.join('') };
    const bytes = encodeRecord(record);
    const total = this.tables.all().reduce((sum, t) => sum + t.spool.pendingBytes, 0);
    const { spoolMaxBytes } = this.settings;
    if (total + bytes.length > spoolMaxBytes) throw new Error(`spool is full (SPOOL_MAX_MB=${spoolMaxBytes / 1024 / 1024})`);
    await table.spool.append(bytes);
    table.counters.spooled += batch.lines.length;
    this.availability.ensureProbe();
  }

  /** Replays every spool whose database answers; resolves when done. */
  async replayNow(): Promise<void> {
    await Promise.all(
      this.tables.all().map(async (table) => {
        if (table.spool.pendingFiles === 0) return;
        if (await this.availability.probe(table.dataSource)) await this.replay(table);
      }),
    );
  }

  /** The probe loop's round: probes each database that is down or has spooled rows, and replays where it answers. */
  async probeAndReplay(): Promise<void> {
    const byDataSource = new Map<DataSource, WriterTable[]>();
    for (const table of this.tables.all()) {
      if (table.spool.pendingFiles === 0 && this.availability.isAvailable(table.dataSource)) continue;
      byDataSource.set(table.dataSource, [...(byDataSource.get(table.dataSource) ?? []), table]);
    }
    await Promise.all(
      [...byDataSource].map(async ([dataSource, tables]) => {
        if (!(await this.availability.probe(dataSource))) return;
        for (const table of tables) if (table.spool.pendingFiles > 0) await this.replay(table);
      }),
    );
  }

  /** Whether the probe loop has more to do: a spool holding rows, or a database still down. */
  pending(): boolean {
    return this.tables.all().some((t) => t.spool.pendingFiles > 0 || !this.availability.isAvailable(t.dataSource));
  }

  /** No replay starts from now on (shutdown). */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Replays a table's spool, oldest file first, record by record with synchronous_commit =
   * on, skipping rows already there: a file is deleted only once all its rows are durably
   * committed, and a file replayed twice (crash between commit and delete) inserts nothing
   * the second time.
   */
  private async replay(table: WriterTable): Promise<void> {
    if (this.replaying.has(table) || this.stopped) return;
    this.replaying.add(table);
    try {
      for (const file of await table.spool.seal()) {
        const { records, tornBytes, corruptRecords } = await table.spool.read(file);
        if (tornBytes > 0 || corruptRecords > 0) {
          this.logger.warn(
            `spool ${file.path}: skipped ${corruptRecords} corrupt record(s) and ${tornBytes} torn byte(s) (an interrupted write)`,
          );
        }
        for (const record of records) {
          if (!(await this.replayRecord(table, record))) return; // database went away again: keep the file, try later
        }
        await table.spool.remove(file);
      }
    } catch (error) {
      this.logger.error(`${table.key}: replay stopped: ${describeError(error)}`);
    } finally {
      this.replaying.delete(table);
    }
  }

  /** Writes one spooled record, isolating rows the database rejects; false when the database went away meanwhile. */
  private async replayRecord(table: WriterTable, record: SpoolRecord): Promise<boolean> {
    const columns = record.columns.map((name) => {
      const column = table.schema.columns.find((c) => c.name === name);
      if (!column) throw new Error(`spooled column ${name} no longer exists in ${table.name}`);
      return column;
    });
    const { left, cause, rejected } = await isolateBadRows(
      record.copyText.split(/(?<=\n)/),
      async (lines, onConflict) => {
        const inserted = await copyTransaction(
          table,
          [{ columns, lines }],
          { synchronousCommit: 'on', onConflict },
          this.settings.timeoutMs,
        );
        table.counters.replayed += inserted;
        table.counters.replay_duplicates += lines.length - inserted;
      },
      'skip',
    );
    for (const { error } of rejected) {
      table.counters.rejected++;
      this.logger.warn(`${table.key}: spooled row rejected by the database: ${describeError(error)}`);
    }
    if (left.length === 0) return true;
    this.availability.markUnavailable(table.dataSource, cause);
    return false;
  }
}
