import { classifyWriteError, describeError } from '../common/pg-errors';
import { WriterSettings } from '../config/settings';
import { Availability } from './availability';
import { Batch } from './copy-encoding';
import { copyTransaction, OnConflict } from './copy-transaction';
import { SpoolReplay } from './spool-replay';
import { WriterTable } from './writer-table';

interface DurableWaiter {
  batch: Batch;
  resolve(): void;
  reject(error: Error): void;
}

/** One table's group commit: callers waiting for the next commit, and whether one is under way. */
interface TableGroup {
  waiting: DurableWaiter[];
  running: boolean;
}

/**
 * The durable write path (`writeDurable`): rows are acknowledged once committed with
 * synchronous_commit = on, or, when the database cannot be reached, appended and fsync'd
 * to the spool. Group commit: the callers for one table that arrive while a commit is
 * under way share the next one.
 */
export class DurableWrites {
  private readonly groups = new Map<WriterTable, TableGroup>();

  constructor(
    private readonly settings: Pick<WriterSettings, 'timeoutMs'>,
    private readonly availability: Availability,
    private readonly spooling: SpoolReplay,
  ) {}

  /** Resolves once the batch is committed or spooled; rejects only if neither is possible (or the rows are invalid). */
  write(table: WriterTable, batch: Batch): Promise<void> {
    const group = this.groupOf(table);
    return new Promise<void>((resolve, reject) => {
      group.waiting.push({ batch, resolve, reject });
      if (!group.running) void this.run(table, group);
    });
  }

  /** Whether a group commit for the table is under way. */
  busy(table: WriterTable): boolean {
    return this.groups.get(table)?.running ?? false;
  }

  private groupOf(table: WriterTable): TableGroup {
    let group = this.groups.get(table);
    if (!group) {
      group = { waiting: [], running: false };
      this.groups.set(table, group);
    }
    return group;
  }

  private async run(table: WriterTable, group: TableGroup): Promise<void> {
    group.running = true;
    try {
      while (group.waiting.length > 0) await this.deliver(table, group.waiting.splice(0));
    } finally {
      group.running = false;
    }
  }

  private copy(table: WriterTable, batches: Batch[], onConflict: OnConflict): Promise<number> {
    return copyTransaction(table, batches, { synchronousCommit: 'on', onConflict }, this.settings.timeoutMs);
  }

  private async deliver(table: WriterTable, waiters: DurableWaiter[]): Promise<void> {
    if (this.availability.isAvailable(table.dataSource)) {
      try {
        const written = await this.copy(
          table,
          waiters.map((w) => w.batch),
          'fail',
        );
        table.counters.written += written;
        for (const w of waiters) w.resolve();
        return;
      } catch (error) {
        const failure = classifyWriteError(error);
        if (failure === 'unavailable') {
          this.availability.markUnavailable(table.dataSource, error);
        } else if (waiters.length > 1 || failure === 'duplicate') {
          // Someone's rows are bad (or already there): write each caller's rows on its own.
          await this.deliverEach(table, waiters, failure === 'duplicate' ? 'skip' : 'fail');
          return;
        } else {
          table.counters.rejected += waiters[0].batch.lines.length;
          waiters[0].reject(error as Error);
          return;
        }
      }
    }
    await this.spool(table, waiters);
  }

  private async deliverEach(table: WriterTable, waiters: DurableWaiter[], onConflict: OnConflict): Promise<void> {
    for (const w of waiters) {
      try {
        const written = await this.copy(table, [w.batch], onConflict);
        table.counters.written += written;
        w.resolve();
      } catch (error) {
        if (classifyWriteError(error) === 'unavailable') {
          this.availability.markUnavailable(table.dataSource, error);
          await this.spool(table, [w]);
        } else {
          table.counters.rejected += w.batch.lines.length;
          w.reject(error as Error);
        }
      }
    }
  }

  private async spool(table: WriterTable, waiters: DurableWaiter[]): Promise<void> {
    for (const w of waiters) {
      try {
        await this.spooling.spool(table, w.batch);
        w.resolve();
      } catch (error) {
        table.counters.rejected += w.batch.lines.length;
        w.reject(new Error(`${table.name}: database unavailable and spool failed: ${describeError(error)}`));
      }
    }
  }
}
