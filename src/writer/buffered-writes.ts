import { Logger } from '@nestjs/common';
import { describeError } from '../common/pg-errors';
import { WriterSettings } from '../config/settings';
import { RoleDurability } from '../database/durability';
import { Availability } from './availability';
import { Batch } from './copy-encoding';
import { copyTransaction } from './copy-transaction';
import { isolateBadRows } from './isolate-bad-rows';
import { SpoolReplay } from './spool-replay';
import { WriterTable } from './writer-table';

/** Which buffered rows a flush starts on: only full batches, or everything (age, explicit flush). */
export type FlushScope = 'full batches' | 'everything';

/**
 * The buffered write path (`enqueue`): a table's rows go to its database with COPY once
 * WRITER_BATCH_ROWS are waiting or the oldest has waited WRITER_FLUSH_MS, at most
 * WRITER_CONCURRENCY batches at a time, committed with the role's synchronous_commit. What
 * the database does not take goes to the spool, or back into the buffer: never dropped.
 */
export class BufferedWrites {
  private readonly timers = new Map<WriterTable, NodeJS.Timeout>();

  constructor(
    private readonly settings: Pick<WriterSettings, 'batchRows' | 'flushMs' | 'concurrency' | 'probeMs' | 'timeoutMs'>,
    private readonly durability: RoleDurability,
    private readonly availability: Availability,
    private readonly spooling: SpoolReplay,
    private readonly logger: Logger,
  ) {}

  /** Buffers encoded rows (the table keeps `batch.lines`) and schedules their flush. */
  add(table: WriterTable, batch: Batch): void {
    table.queue.append(batch.columns, batch.lines);
    this.schedule(table);
  }

  /** Starts flushes while the table has flight slots free: full batches, or everything buffered. */
  pump(table: WriterTable, scope: FlushScope): void {
    const { queue } = table;
    const { concurrency, batchRows } = this.settings;
    while (queue.inFlight < concurrency && queue.buffered > 0 && (scope === 'everything' || queue.buffered >= batchRows)) {
      const batch = queue.take(batchRows)!;
      void this.deliver(table, batch).finally(() => {
        queue.settle(batch);
        if (queue.buffered > 0) this.schedule(table);
      });
    }
    const timer = this.timers.get(table);
    if (queue.buffered === 0 && timer) {
      clearTimeout(timer);
      this.timers.delete(table);
    }
  }

  /** A full batch is written now; anything less once its oldest row is WRITER_FLUSH_MS old. */
  private schedule(table: WriterTable): void {
    if (table.queue.buffered >= this.settings.batchRows) this.pump(table, 'full batches');
    else if (!this.timers.has(table)) {
      const timer = setTimeout(() => {
        this.timers.delete(table);
        this.pump(table, 'everything');
      }, this.settings.flushMs);
      timer.unref();
      this.timers.set(table, timer);
    }
  }

  /** One batch: to the database, else to the spool, else back into the buffer. */
  private async deliver(table: WriterTable, batch: Batch): Promise<void> {
    const left = this.availability.isAvailable(table.dataSource) ? await this.write(table, batch) : batch;
    if (left.lines.length === 0) return;
    try {
      await this.spooling.spool(table, left);
    } catch (error) {
      this.logger.error(`${table.key}: cannot spool ${left.lines.length} rows (${describeError(error)}); keeping them in memory`);
      table.queue.putBack(left);
      await new Promise((r) => setTimeout(r, this.settings.probeMs).unref());
    }
  }

  /** Writes a batch, rejecting the rows the database refuses as invalid; returns what is left for the spool. */
  private async write(table: WriterTable, batch: Batch): Promise<Batch> {
    const { columns } = batch;
    const synchronousCommit = this.durability[table.role];
    const { left, cause, rejected } = await isolateBadRows(
      batch.lines,
      async (lines, onConflict) => {
        const written = await copyTransaction(table, [{ columns, lines }], { synchronousCommit, onConflict }, this.settings.timeoutMs);
        table.counters.written += written; // not `+= await`: that would read the counter before the await
      },
      'fail',
    );
    for (const { error } of rejected) {
      table.counters.rejected++;
      this.logger.warn(`${table.key}: row rejected by the database: ${describeError(error)}`);
    }
    if (left.length > 0) this.availability.markUnavailable(table.dataSource, cause);
    return { columns, lines: left };
  }
}
