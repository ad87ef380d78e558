import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectSettings, WriterSettings } from '../config/settings';
import { InjectRoleDurability, RoleDurability } from '../database/durability';
import { InjectRoleDataSources, RoleDataSources } from '../database/role-data-sources';
import { Role, ROLES } from '../database/roles';
import { Availability } from './availability';
import { BufferedWrites } from './buffered-writes';
import { Batch, batchColumns, encodeCopyRow } from './copy-encoding';
import { DurableWrites } from './durable-writes';
import { SpoolReplay } from './spool-replay';
import { TableCounters, WriterTables } from './writer-table';

/** The table's buffer is full (or the writer is shutting down): answer 503 with Retry-After. */
export class WriterFullError extends Error {
  constructor(
    readonly role: Role,
    readonly table: string,
    readonly retryAfterSeconds: number,
    reason = `write buffer for ${table} is full`,
  ) {
    super(reason);
    this.name = 'WriterFullError';
  }
}

export interface TableWriterStats extends TableCounters {
  role: Role;
  table: string;
  /** Rows accepted and not yet written or spooled (buffered plus in flight). */
  queued: number;
  spool_bytes: number;
  spool_files: number;
}

export interface WriterStats {
  /** Per role: whether the writer currently reaches its database. */
  roles: Record<Role, { available: boolean }>;
  tables: TableWriterStats[];
  totals: Omit<TableWriterStats, 'role' | 'table'>;
}

/** How long shutdown waits for buffers to reach the database or the spool. */
const SHUTDOWN_FLUSH_DEADLINE_MS = 30_000;

/**
 * Buffered COPY writer shared by every role. Rows wait in a bounded buffer per table and
 * go to the role's database with COPY once WRITER_BATCH_ROWS are waiting or the oldest
 * has waited WRITER_FLUSH_MS (BufferedWrites); durable writes share commits
 * (DurableWrites). When the database does not take them, batches go to an append-only
 * spool on local disk (SPOOL_DIR) and are replayed in order once it answers again
 * (Availability probes, SpoolReplay replays).
 */
@Injectable()
export class RowWriter implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('RowWriter');
  private readonly tables: WriterTables;
  private readonly availability: Availability;
  private readonly spooling: SpoolReplay;
  private readonly buffered: BufferedWrites;
  private readonly durable: DurableWrites;
  private closing = false;

  constructor(
    @InjectRoleDataSources() private readonly dataSources: RoleDataSources,
    @InjectRoleDurability() durability: RoleDurability,
    @InjectSettings('writer') private readonly settings: WriterSettings,
  ) {
    this.tables = new WriterTables(dataSources, settings);
    const probeRound = { run: () => this.spooling.probeAndReplay(), pending: () => this.spooling.pending() };
    this.availability = new Availability(settings, probeRound, this.logger);
    this.spooling = new SpoolReplay(this.tables, this.availability, settings, this.logger);
    this.buffered = new BufferedWrites(settings, durability, this.availability, this.spooling, this.logger);
    this.durable = new DurableWrites(settings, this.availability, this.spooling);
  }

  /** Picks up what a previous process left in the spool; it is replayed once each database answers. */
  onModuleInit(): void {
    this.spooling.adoptLeftovers();
    this.availability.ensureProbe();
  }

  /** Flushes every buffer to the database, or to the spool when it is down; later enqueues answer 503. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.availability.stop();
    this.spooling.stop();
    await this.flush(SHUTDOWN_FLUSH_DEADLINE_MS);
    await Promise.all(this.tables.all().map((t) => t.spool.close()));
  }

  /**
   * Buffers rows for COPY into `table` of `role`'s database. Rows are keyed by column
   * name with `id` assigned by the caller. Throws WriterFullError when the buffer is full;
   * never waits. Relaxed durability, except logs tables when LOGS_DB_DURABLE=true.
   */
  enqueue(role: Role, table: string, rows: Record<string, unknown>[]): void {
    this.enqueueMany(role, [{ table, rows }]);
  }

  /**
   * Whether `rows` more rows would fit in the table's buffer now. Lets an endpoint refuse
   * (503) before reading a request body it could not buffer anyway.
   */
  hasRoom(role: Role, table: string, rows = 1): boolean {
    const known = this.tables.find(role, table);
    return !this.closing && (!known || known.queue.hasRoom(rows));
  }

  /** Seconds a client should wait before retrying a write refused for lack of room. */
  retryAfterSeconds(role: Role): number {
    return this.availability.isAvailable(this.dataSources[role])
      ? Math.max(1, Math.ceil((2 * this.settings.flushMs) / 1000))
      : Math.ceil(this.settings.probeMs / 1000) + 1;
  }

  /** Several tables at once, all or nothing: either every table has room for its rows, or nothing is buffered. */
  enqueueMany(role: Role, entries: Array<{ table: string; rows: Record<string, unknown>[] }>): void {
    const prepared = entries
      .filter((e) => e.rows.length > 0)
      .map((e) => {
        const table = this.tables.get(role, e.table);
        const columns = batchColumns(e.rows, table.schema.columns, e.table);
        return { table, columns, rows: e.rows };
      });
    for (const { table, rows } of prepared) {
      if (this.closing) {
        table.counters.rejected += rows.length;
        throw new WriterFullError(role, table.name, 5, 'the service is shutting down');
      }
      if (!table.queue.hasRoom(rows.length)) {
        table.counters.rejected += rows.length;
        throw new WriterFullError(role, table.name, this.retryAfterSeconds(role));
      }
    }
    // Encode everything before buffering anything: an encoding error leaves no partial batch.
    const encoded = prepared.map(({ table, columns, rows }) => ({
      table,
      batch: { columns, lines: rows.map((r) => encodeCopyRow(r, columns)) },
    }));
    for (const { table, batch } of encoded) this.buffered.add(table, batch);
  }

  /**
   * Durable write: resolves once the rows are committed with synchronous_commit = on
   * (concurrent calls for one table share one transaction: group commit), or, when the
   * database cannot be reached, appended and fsync'd to the spool. Rejects only if
   * neither is possible (or the rows are invalid).
   */
  writeDurable(role: Role, table: string, rows: Record<string, unknown>[]): Promise<void> {
    try {
      const target = this.tables.get(role, table);
      const columns = batchColumns(rows, target.schema.columns, table);
      const batch: Batch = { columns, lines: rows.map((r) => encodeCopyRow(r, columns)) };
      if (batch.lines.length === 0) return Promise.resolve();
      return this.durable.write(target, batch);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /**
   * Flushes every buffer now (tests, shutdown); resolves when every row is written or
   * spooled. With a deadline, gives up then (rows neither database nor disk would take).
   */
  async flush(deadlineMs = Infinity): Promise<void> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const tables = this.tables.all();
      if (tables.every((t) => t.queue.queued === 0 && !this.durable.busy(t))) return;
      if (Date.now() > until) {
        const left = tables.reduce((sum, t) => sum + t.queue.queued, 0);
        this.logger.error(`flush gave up with ${left} rows neither written nor spooled`);
        return;
      }
      for (const t of tables) this.buffered.pump(t, 'everything');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Replays every spool whose database answers; resolves when done (tests, operations). */
  replayNow(): Promise<void> {
    return this.spooling.replayNow();
  }

  stats(): WriterStats {
    const tables = this.tables.all().map<TableWriterStats>((t) => ({
      role: t.role,
      table: t.name,
      queued: t.queue.queued,
      ...t.counters,
      spool_bytes: t.spool.pendingBytes,
      spool_files: t.spool.pendingFiles,
    }));
    const totals = {
      queued: 0,
      written: 0,
      spooled: 0,
      replayed: 0,
      replay_duplicates: 0,
      rejected: 0,
      commits: 0,
      spool_bytes: 0,
      spool_files: 0,
    };
    for (const t of tables) for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += t[k];
    const roles = Object.fromEntries(
      ROLES.map((r) => [r, { available: this.availability.isAvailable(this.dataSources[r]) }]),
    ) as WriterStats['roles'];
    return { roles, tables, totals };
  }
}
