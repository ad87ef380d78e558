import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { InjectSettings, WriterSettings } from '../config/settings';
import { cutAfter } from '../database/deadline';
import { InjectRoleDurability, RoleDurability } from '../database/durability';
import { poolOf } from '../database/pool';
import { InjectRoleDataSources, RoleDataSources } from '../database/role-data-sources';
import { isRole, Role, ROLES } from '../database/roles';
import { batchColumns, CopyColumn, encodeCopyRow, quoteColumns, quoteIdent } from './copy-encoding';
import { classifyWriteError, describeError } from '../common/pg-errors';
import { encodeRecord, SpoolRecord, TableSpool } from './spool';
import { tableSchema, TableSchema } from './table-schema';

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

export interface TableWriterStats {
  role: Role;
  table: string;
  /** Rows accepted and not yet written or spooled (buffered plus in flight). */
  queued: number;
  /** Rows committed by a regular flush or a durable write. */
  written: number;
  /** Rows appended to the spool because the database did not take them. */
  spooled: number;
  /** Rows inserted by spool replays. */
  replayed: number;
  /** Replayed rows that were already in the database (an earlier commit whose acknowledgement was lost). */
  replay_duplicates: number;
  /** Rows refused: buffer full, shutting down, or rows the database rejects as invalid. */
  rejected: number;
  /** Transactions committed (flushes, durable groups, replays): rows per commit shows the batching at work. */
  commits: number;
  spool_bytes: number;
  spool_files: number;
}

export interface WriterStats {
  /** Per role: whether the writer currently reaches its database. */
  roles: Record<Role, { available: boolean }>;
  tables: TableWriterStats[];
  totals: Omit<TableWriterStats, 'role' | 'table'>;
}

/** Rows ready for COPY: encoded lines sharing one column list. */
interface Batch {
  columns: CopyColumn[];
  lines: string[];
}

interface DurableWaiter {
  batch: Batch;
  resolve(): void;
  reject(error: Error): void;
}

class TableQueue {
  /** Buffered rows, in arrival order; consecutive enqueues with the same columns share a segment. */
  readonly segments: Batch[] = [];
  buffered = 0;
  inFlight = 0;
  inFlightRows = 0;
  timer: NodeJS.Timeout | null = null;
  replaying = false;
  durableWaiting: DurableWaiter[] = [];
  durableRunning = false;
  readonly stats = { written: 0, spooled: 0, replayed: 0, replay_duplicates: 0, rejected: 0, commits: 0 };

  constructor(
    readonly role: Role,
    readonly schema: TableSchema,
    readonly spool: TableSpool,
    readonly dataSource: DataSource,
  ) {}

  get table(): string {
    return this.schema.table;
  }

  get queued(): number {
    return this.buffered + this.inFlightRows;
  }

  /** Takes up to `max` buffered rows of one column list, oldest first. */
  take(max: number): Batch | null {
    const first = this.segments[0];
    if (!first) return null;
    if (first.lines.length <= max) {
      this.segments.shift();
      this.buffered -= first.lines.length;
      return first;
    }
    const lines = first.lines.splice(0, max);
    this.buffered -= lines.length;
    return { columns: first.columns, lines };
  }

  /** Puts rows back at the head of the buffer (nothing could take them). */
  putBack(batch: Batch): void {
    // A copy: the caller still holds `batch` (in-flight accounting), and new rows appended to
    // the head segment must not change it.
    this.segments.unshift({ columns: batch.columns, lines: batch.lines.slice() });
    this.buffered += batch.lines.length;
  }
}

/** How long shutdown waits for buffers to reach the database or the spool. */
const SHUTDOWN_FLUSH_DEADLINE_MS = 30_000;

const sameColumns = (a: CopyColumn[], b: CopyColumn[]) => a.length === b.length && a.every((c, i) => c.name === b[i].name);

/**
 * Buffered COPY writer shared by every role. Rows wait in a bounded buffer per table and
 * go to the role's database with COPY once WRITER_BATCH_ROWS are waiting or the oldest
 * has waited WRITER_FLUSH_MS. When the database does not take them, batches go to an
 * append-only spool on local disk (SPOOL_DIR) and are replayed in order once it answers
 * again; replays cannot double-count because every row's id is fixed at ingest.
 */
@Injectable()
export class RowWriter implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('RowWriter');
  private readonly queues = new Map<string, TableQueue>();
  /** Per physical DataSource: false once a write failed for availability, until a probe succeeds. */
  private readonly available = new Map<DataSource, boolean>();
  private readonly spoolDir: string;
  private readonly batchRows: number;
  private readonly flushMs: number;
  private readonly maxQueueRows: number;
  private readonly concurrency: number;
  private readonly probeMs: number;
  private readonly timeoutMs: number;
  private readonly spoolMaxBytes: number;
  private probeTimer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(
    @InjectRoleDataSources() private readonly dataSources: RoleDataSources,
    @InjectRoleDurability() private readonly durability: RoleDurability,
    @InjectSettings('writer') settings: WriterSettings,
  ) {
    ({
      spoolDir: this.spoolDir,
      batchRows: this.batchRows,
      flushMs: this.flushMs,
      maxQueueRows: this.maxQueueRows,
      concurrency: this.concurrency,
      probeMs: this.probeMs,
      timeoutMs: this.timeoutMs,
      spoolMaxBytes: this.spoolMaxBytes,
    } = settings);
  }

  /** Picks up what a previous process left in the spool; it is replayed once each database answers. */
  onModuleInit(): void {
    for (const role of ROLES) {
      const roleDir = join(this.spoolDir, role);
      if (!existsSync(roleDir)) continue;
      for (const table of readdirSync(roleDir)) {
        try {
          const queue = this.queue(role, table);
          if (queue.spool.pendingFiles > 0) {
            this.logger.log(`spool ${role}/${table}: ${queue.spool.pendingFiles} file(s), ${queue.spool.pendingBytes} bytes to replay`);
          }
        } catch (error) {
          this.logger.warn(`spool ${role}/${table} ignored: ${(error as Error).message}`);
        }
      }
    }
    this.ensureProbe();
  }

  /** Flushes every buffer to the database, or to the spool when it is down; later enqueues answer 503. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    await this.flush(SHUTDOWN_FLUSH_DEADLINE_MS);
    await Promise.all([...this.queues.values()].map((q) => q.spool.close()));
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
    const queue = this.queues.get(`${role}/${table}`);
    return !this.closing && (!queue || queue.queued + rows <= this.maxQueueRows);
  }

  /** Seconds a client should wait before retrying a write refused for lack of room. */
  retryAfterSeconds(role: Role): number {
    return this.isAvailable(this.dataSources[role])
      ? Math.max(1, Math.ceil((2 * this.flushMs) / 1000))
      : Math.ceil(this.probeMs / 1000) + 1;
  }

  /** Several tables at once, all or nothing: either every table has room for its rows, or nothing is buffered. */
  enqueueMany(role: Role, entries: Array<{ table: string; rows: Record<string, unknown>[] }>): void {
    const prepared = entries
      .filter((e) => e.rows.length > 0)
      .map((e) => {
        const queue = this.queue(role, e.table);
        const columns = batchColumns(e.rows, queue.schema.columns, e.table);
        return { queue, columns, rows: e.rows };
      });
    for (const { queue, rows } of prepared) {
      if (this.closing) {
        queue.stats.rejected += rows.length;
        throw new WriterFullError(role, queue.table, 5, 'the service is shutting down');
      }
      if (queue.queued + rows.length > this.maxQueueRows) {
        queue.stats.rejected += rows.length;
        throw new WriterFullError(role, queue.table, this.retryAfterSeconds(role));
      }
    }
    // Encode everything before buffering anything: an encoding error leaves no partial batch.
    const encoded = prepared.map(({ queue, columns, rows }) => ({ queue, columns, lines: rows.map((r) => encodeCopyRow(r, columns)) }));
    for (const { queue, columns, lines } of encoded) {
      const last = queue.segments[queue.segments.length - 1];
      if (last && sameColumns(last.columns, columns) && last.lines.length < this.batchRows) {
        for (const line of lines) last.lines.push(line);
      } else {
        queue.segments.push({ columns, lines });
      }
      queue.buffered += lines.length;
      this.schedule(queue);
    }
  }

  /**
   * Durable write: resolves once the rows are committed with synchronous_commit = on
   * (concurrent calls for one table share one transaction: group commit), or, when the
   * database cannot be reached, appended and fsync'd to the spool. Rejects only if
   * neither is possible (or the rows are invalid).
   */
  writeDurable(role: Role, table: string, rows: Record<string, unknown>[]): Promise<void> {
    let queue: TableQueue;
    let batch: Batch;
    try {
      queue = this.queue(role, table);
      const columns = batchColumns(rows, queue.schema.columns, table);
      batch = { columns, lines: rows.map((r) => encodeCopyRow(r, columns)) };
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (batch.lines.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      queue.durableWaiting.push({ batch, resolve, reject });
      if (!queue.durableRunning) void this.runDurable(queue);
    });
  }

  /**
   * Flushes every buffer now (tests, shutdown); resolves when every row is written or
   * spooled. With a deadline, gives up then (rows neither database nor disk would take).
   */
  async flush(deadlineMs = Infinity): Promise<void> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const queues = [...this.queues.values()];
      if (queues.every((q) => q.queued === 0 && !q.durableRunning)) return;
      if (Date.now() > until) {
        const left = queues.reduce((sum, q) => sum + q.queued, 0);
        this.logger.error(`flush gave up with ${left} rows neither written nor spooled`);
        return;
      }
      for (const q of queues) this.pump(q, true);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Replays every spool whose database answers; resolves when done (tests, operations). */
  async replayNow(): Promise<void> {
    await Promise.all(
      [...this.queues.values()].map(async (q) => {
        if (q.spool.pendingFiles === 0) return;
        if (await this.probe(q.dataSource)) await this.replay(q);
      }),
    );
  }

  stats(): WriterStats {
    const tables = [...this.queues.values()].map<TableWriterStats>((q) => ({
      role: q.role,
      table: q.table,
      queued: q.queued,
      ...q.stats,
      spool_bytes: q.spool.pendingBytes,
      spool_files: q.spool.pendingFiles,
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
    const roles = Object.fromEntries(ROLES.map((r) => [r, { available: this.isAvailable(this.dataSources[r]) }])) as WriterStats['roles'];
    return { roles, tables, totals };
  }

  // --- buffering -------------------------------------------------------------------

  private queue(role: Role, table: string): TableQueue {
    const key = `${role}/${table}`;
    let queue = this.queues.get(key);
    if (!queue) {
      if (!isRole(role)) throw new Error(`unknown role ${String(role)}`);
      if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`invalid table name ${table}`);
      const dataSource = this.dataSources[role];
      queue = new TableQueue(role, tableSchema(dataSource, table), new TableSpool(join(this.spoolDir, role, table)), dataSource);
      this.queues.set(key, queue);
    }
    return queue;
  }

  /** A full batch is written now; anything less once its oldest row is WRITER_FLUSH_MS old. */
  private schedule(queue: TableQueue): void {
    if (queue.buffered >= this.batchRows) this.pump(queue, false);
    else if (!queue.timer) {
      queue.timer = setTimeout(() => {
        queue.timer = null;
        this.pump(queue, true);
      }, this.flushMs);
      queue.timer.unref();
    }
  }

  /** Starts flushes while there is room: full batches, or everything when `force` (age or explicit flush). */
  private pump(queue: TableQueue, force: boolean): void {
    while (queue.inFlight < this.concurrency && queue.buffered > 0 && (force || queue.buffered >= this.batchRows)) {
      const batch = queue.take(this.batchRows)!;
      const rows = batch.lines.length;
      queue.inFlight++;
      queue.inFlightRows += rows;
      void this.deliver(queue, batch).finally(() => {
        queue.inFlight--;
        queue.inFlightRows -= rows;
        if (queue.buffered > 0) this.schedule(queue);
      });
    }
    if (queue.buffered === 0 && queue.timer) {
      clearTimeout(queue.timer);
      queue.timer = null;
    }
  }

  /** One batch: to the database, else to the spool, else back into the buffer (never dropped). */
  private async deliver(queue: TableQueue, batch: Batch): Promise<void> {
    const leftover = this.isAvailable(queue.dataSource)
      ? await this.writeOrIsolate(queue, batch, this.durability[queue.role] === 'on')
      : batch;
    if (!leftover) return;
    try {
      await this.spoolBatch(queue, leftover);
    } catch (error) {
      this.logger.error(
        `${queue.role}/${queue.table}: cannot spool ${leftover.lines.length} rows (${describeError(error)}); keeping them in memory`,
      );
      queue.putBack(leftover);
      await new Promise((r) => setTimeout(r, this.probeMs).unref());
    }
  }

  /**
   * Writes a batch; when the database rejects rows as invalid, halves the batch until the
   * bad rows are isolated and rejected. Returns what is left to spool when the database
   * is unavailable, or null when everything was written or rejected.
   */
  private async writeOrIsolate(queue: TableQueue, batch: Batch, syncCommit: boolean, viaConflict = false): Promise<Batch | null> {
    try {
      const written = await this.copy(queue, [batch], syncCommit, viaConflict);
      queue.stats.written += written; // not `+= await`: that would read the counter before the await
      return null;
    } catch (error) {
      const failure = classifyWriteError(error);
      if (failure === 'duplicate' && !viaConflict) return this.writeOrIsolate(queue, batch, syncCommit, true);
      if (failure === 'unavailable') {
        this.markUnavailable(queue.dataSource, error);
        return batch;
      }
      if (batch.lines.length === 1) {
        queue.stats.rejected++;
        this.logger.warn(`${queue.role}/${queue.table}: row rejected by the database: ${describeError(error)}`);
        return null;
      }
      const half = batch.lines.length >> 1;
      const first = await this.writeOrIsolate(
        queue,
        { columns: batch.columns, lines: batch.lines.slice(0, half) },
        syncCommit,
        viaConflict,
      );
      const rest = { columns: batch.columns, lines: batch.lines.slice(half) };
      if (first) return { columns: batch.columns, lines: first.lines.concat(rest.lines) };
      return this.writeOrIsolate(queue, rest, syncCommit, viaConflict);
    }
  }

  private async spoolBatch(queue: TableQueue, batch: Batch): Promise<void> {
    const record: SpoolRecord = { columns: batch.columns.map((c) => c.name), rows: batch.lines.length, copyText: batch.lines.join('') };
    const bytes = encodeRecord(record);
    const total = [...this.queues.values()].reduce((sum, q) => sum + q.spool.pendingBytes, 0);
    if (total + bytes.length > this.spoolMaxBytes) throw new Error(`spool is full (SPOOL_MAX_MB=${this.spoolMaxBytes / 1024 / 1024})`);
    await queue.spool.append(bytes);
    queue.stats.spooled += batch.lines.length;
    this.ensureProbe();
  }

  // --- durable writes ----------------------------------------------------------------

  private async runDurable(queue: TableQueue): Promise<void> {
    queue.durableRunning = true;
    try {
      while (queue.durableWaiting.length > 0) {
        const group = queue.durableWaiting.splice(0);
        await this.deliverDurable(queue, group);
      }
    } finally {
      queue.durableRunning = false;
    }
  }

  private async deliverDurable(queue: TableQueue, group: DurableWaiter[]): Promise<void> {
    if (this.isAvailable(queue.dataSource)) {
      try {
        const written = await this.copy(
          queue,
          group.map((w) => w.batch),
          true,
          false,
        );
        queue.stats.written += written;
        for (const w of group) w.resolve();
        return;
      } catch (error) {
        const failure = classifyWriteError(error);
        if (failure === 'unavailable') {
          this.markUnavailable(queue.dataSource, error);
        } else if (group.length > 1 || failure === 'duplicate') {
          // Someone's rows are bad (or already there): write each caller's rows on its own.
          for (const w of group) {
            try {
              const written = await this.copy(queue, [w.batch], true, failure === 'duplicate');
              queue.stats.written += written;
              w.resolve();
            } catch (single) {
              if (classifyWriteError(single) === 'unavailable') {
                this.markUnavailable(queue.dataSource, single);
                await this.spoolDurable(queue, [w]);
              } else {
                queue.stats.rejected += w.batch.lines.length;
                w.reject(single as Error);
              }
            }
          }
          return;
        } else {
          queue.stats.rejected += group[0].batch.lines.length;
          group[0].reject(error as Error);
          return;
        }
      }
    }
    await this.spoolDurable(queue, group);
  }

  private async spoolDurable(queue: TableQueue, group: DurableWaiter[]): Promise<void> {
    for (const w of group) {
      try {
        await this.spoolBatch(queue, w.batch);
        w.resolve();
      } catch (error) {
        queue.stats.rejected += w.batch.lines.length;
        w.reject(new Error(`${queue.table}: database unavailable and spool failed: ${describeError(error)}`));
      }
    }
  }

  // --- database ------------------------------------------------------------------------

  private isAvailable(dataSource: DataSource): boolean {
    return dataSource.isInitialized && this.available.get(dataSource) !== false;
  }

  private markUnavailable(dataSource: DataSource, error: unknown): void {
    if (this.available.get(dataSource) !== false) {
      this.logger.warn(
        `${String(dataSource.options.name)} database unavailable for writes (${describeError(error)}): spooling to ${this.spoolDir}`,
      );
    }
    this.available.set(dataSource, false);
    this.ensureProbe();
  }

  private pool(dataSource: DataSource): Pool {
    const pool = poolOf(dataSource);
    if (!pool) throw Object.assign(new Error('database not connected'), { code: undefined });
    return pool;
  }

  /**
   * One transaction: SET LOCAL synchronous_commit, then COPY each batch. With
   * `viaConflict`, each batch is COPYed into a temporary table and inserted with
   * ON CONFLICT (primary key) DO NOTHING, so rows already present are skipped.
   * Returns the number of rows inserted.
   */
  private async copy(queue: TableQueue, batches: Batch[], syncCommit: boolean, viaConflict: boolean): Promise<number> {
    const client: PoolClient = await this.pool(queue.dataSource).connect();
    let broken: Error | undefined;
    // A checked-out pg client has no error listener of the pool's: a socket error (the server
    // going away mid-COPY) would be an uncaught exception. The active query fails with it too,
    // so noting it here is enough; the connection is then discarded.
    const onClientError = (error: Error) => (broken ??= error);
    client.on('error', onClientError);
    // A server that stops answering without closing the connection would hold this batch
    // (and the table's flush slot) until TCP gives up, minutes later: cut it instead.
    const deadline = cutAfter(client, this.timeoutMs, (error) => (broken ??= error));
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL synchronous_commit = ${syncCommit ? 'on' : 'off'}`);
      let inserted = 0;
      for (let i = 0; i < batches.length; i++) {
        const { columns, lines } = batches[i];
        const list = quoteColumns(columns.map((c) => c.name));
        if (!viaConflict) {
          await copyText(client, `COPY ${quoteIdent(queue.table)} (${list}) FROM STDIN`, lines);
          inserted += lines.length;
          continue;
        }
        const stage = `ff_stage_${i}`;
        await client.query(`CREATE TEMP TABLE ${stage} (LIKE ${quoteIdent(queue.table)} INCLUDING DEFAULTS) ON COMMIT DROP`);
        await copyText(client, `COPY ${stage} (${list}) FROM STDIN`, lines);
        const result = await client.query(
          `INSERT INTO ${quoteIdent(queue.table)} (${list}) SELECT ${list} FROM ${stage} ON CONFLICT (${quoteColumns(queue.schema.primaryKey)}) DO NOTHING`,
        );
        inserted += result.rowCount ?? 0;
      }
      await client.query('COMMIT');
      queue.stats.commits++;
      return inserted;
    } catch (error) {
      if (classifyWriteError(error) === 'unavailable') broken = error as Error;
      else await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw error;
    } finally {
      // A connection that failed mid-transaction is thrown away, not reused.
      clearTimeout(deadline);
      client.removeListener('error', onClientError);
      client.release(broken);
    }
  }

  private async probe(dataSource: DataSource): Promise<boolean> {
    if (!dataSource.isInitialized) return false;
    try {
      const client = await this.pool(dataSource).connect();
      let broken: Error | undefined;
      const onError = (error: Error) => (broken ??= error);
      client.on('error', onError);
      const deadline = cutAfter(client, Math.min(this.timeoutMs, Math.max(this.probeMs, 1000)), (error) => (broken ??= error));
      try {
        await client.query('SELECT 1');
      } finally {
        clearTimeout(deadline);
        client.removeListener('error', onError);
        client.release(broken);
      }
      if (this.available.get(dataSource) === false)
        this.logger.log(`${String(dataSource.options.name)} database answers again: replaying spool`);
      this.available.set(dataSource, true);
      return true;
    } catch {
      this.available.set(dataSource, false);
      return false;
    }
  }

  /** While a database is marked down or a spool holds rows, probes every WRITER_PROBE_MS and replays. */
  private ensureProbe(): void {
    if (this.probeTimer || this.closing) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      void this.probeAndReplay().finally(() => {
        const pending = [...this.queues.values()].some((q) => q.spool.pendingFiles > 0 || !this.isAvailable(q.dataSource));
        if (pending) this.ensureProbe();
      });
    }, this.probeMs);
    this.probeTimer.unref();
  }

  private async probeAndReplay(): Promise<void> {
    const byDataSource = new Map<DataSource, TableQueue[]>();
    for (const q of this.queues.values()) {
      if (q.spool.pendingFiles === 0 && this.isAvailable(q.dataSource)) continue;
      byDataSource.set(q.dataSource, [...(byDataSource.get(q.dataSource) ?? []), q]);
    }
    await Promise.all(
      [...byDataSource].map(async ([dataSource, queues]) => {
        if (!(await this.probe(dataSource))) return;
        for (const q of queues) if (q.spool.pendingFiles > 0) await this.replay(q);
      }),
    );
  }

  /**
   * Replays a table's spool, oldest file first, record by record through the ON CONFLICT
   * path with synchronous_commit = on: a file is deleted only once all its rows are
   * durably committed, and a file replayed twice (crash between commit and delete)
   * inserts nothing the second time.
   */
  private async replay(queue: TableQueue): Promise<void> {
    if (queue.replaying || this.closing) return;
    queue.replaying = true;
    try {
      for (const file of await queue.spool.seal()) {
        const { records, tornBytes, corruptRecords } = await queue.spool.read(file);
        if (tornBytes > 0 || corruptRecords > 0) {
          this.logger.warn(
            `spool ${file.path}: skipped ${corruptRecords} corrupt record(s) and ${tornBytes} torn byte(s) (an interrupted write)`,
          );
        }
        for (const record of records) {
          const columns = record.columns.map((name) => {
            const column = queue.schema.columns.find((c) => c.name === name);
            if (!column) throw new Error(`spooled column ${name} no longer exists in ${queue.table}`);
            return column;
          });
          const lines = record.copyText.split(/(?<=\n)/);
          const left = await this.replayLines(queue, { columns, lines });
          if (left) return; // database went away again: keep the file, try later
        }
        await queue.spool.remove(file);
      }
    } catch (error) {
      this.logger.error(`${queue.role}/${queue.table}: replay stopped: ${describeError(error)}`);
    } finally {
      queue.replaying = false;
    }
  }

  /** Like writeOrIsolate, through the ON CONFLICT path; counts replayed rows and duplicates. */
  private async replayLines(queue: TableQueue, batch: Batch): Promise<Batch | null> {
    try {
      const inserted = await this.copy(queue, [batch], true, true);
      queue.stats.replayed += inserted;
      queue.stats.replay_duplicates += batch.lines.length - inserted;
      return null;
    } catch (error) {
      const failure = classifyWriteError(error);
      if (failure !== 'data') {
        this.markUnavailable(queue.dataSource, error);
        return batch;
      }
      if (batch.lines.length === 1) {
        queue.stats.rejected++;
        this.logger.warn(`${queue.role}/${queue.table}: spooled row rejected by the database: ${describeError(error)}`);
        return null;
      }
      const half = batch.lines.length >> 1;
      const first = await this.replayLines(queue, { columns: batch.columns, lines: batch.lines.slice(0, half) });
      if (first) return first;
      return this.replayLines(queue, { columns: batch.columns, lines: batch.lines.slice(half) });
    }
  }
}

/** Streams COPY text in chunks of a few hundred rows, honouring back-pressure. */
async function copyText(client: PoolClient, sql: string, lines: string[]): Promise<void> {
  const CHUNK = 1000;
  function* chunks() {
    for (let i = 0; i < lines.length; i += CHUNK) yield lines.length <= CHUNK ? lines.join('') : lines.slice(i, i + CHUNK).join('');
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(sql)));
}
