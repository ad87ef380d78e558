import { DataSource } from 'typeorm';
import { describeError, SQLSTATE, sqlState } from '../common/pg-errors';
import { Role } from '../database/roles';
import { Clock } from './clock';
import { attachDrained, attachEmpty, createMoving, defaultHasRows, defaultIsSmall, moveBatch, prepareDrain } from './partition-attach';
import { ident, Queryable, readDefaultDays, readPartitions } from './partition-catalog';
import { periodStart, PartitionRange, planPartitions, rangesToCover } from './partition-plan';
import { DAY_MS } from '../common/time';
import { PartitionSettings } from '../config/settings';
import { defaultPartitionOf, PartitionedTable } from '../database/role-definition';

export interface MaintenanceLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

/** What one run did to one table. */
export interface TableOutcome {
  table: string;
  role: Role;
  startedAt: Date;
  durationMs: number;
  /** ok: done; skipped: another process held the table, or traffic held a lock longer than the lock timeout (next run retries); failed: see error. */
  status: 'ok' | 'skipped' | 'failed';
  /** Partitions created and attached. */
  created: number;
  /** Rows moved out of the DEFAULT partition into their own partition. */
  moved: number;
  /** Rows of the DEFAULT partition older than retention, deleted. */
  purged: number;
  /** Partitions detached and dropped. */
  dropped: number;
  reason?: string;
  error?: string;
}

export interface MaintenanceRun {
  startedAt: Date;
  durationMs: number;
  /** The instant the run planned against (the clock at its start). */
  now: Date;
  ok: boolean;
  tables: TableOutcome[];
}

class Busy extends Error {
  constructor() {
    super('another process is maintaining this table');
  }
}

/** Whether an error only means that the table was busy (another process, or a lock not granted in time). */
export const isContention = (error: unknown) => error instanceof Busy || sqlState(error) === SQLSTATE.lockNotAvailable;

const sameRange = (a: PartitionRange, b: PartitionRange) =>
  a.name === b.name && a.from.getTime() === b.from.getTime() && a.to.getTime() === b.to.getTime();

/**
 * Keeps the partitions of every partitioned table as the plan says, on the database that
 * hosts each table. Framework-free so that the service, the CLI and tests (three of them at
 * once, as three replicas) share it.
 *
 * Every step is its own short transaction that first takes
 * pg_try_advisory_xact_lock(table): a process that finds the table busy leaves it to the
 * holder. Transaction-scoped locks and SET LOCAL only, so PgBouncer in transaction mode is safe.
 */
export class PartitionMaintainer {
  constructor(
    private readonly dataSources: Partial<Record<Role, DataSource>>,
    private readonly settings: PartitionSettings,
    private readonly clock: Clock,
    private readonly logger: MaintenanceLogger,
    readonly tables: readonly PartitionedTable[],
  ) {}

  isConnected(role: Role): boolean {
    return this.dataSources[role]?.isInitialized === true;
  }

  /** One pass over every table (or those of `roles`), one table at a time. Never throws. */
  async run(roles?: readonly Role[]): Promise<MaintenanceRun> {
    const startedAt = new Date();
    const now = this.clock();
    const outcomes: TableOutcome[] = [];
    for (const spec of this.tables) {
      if (roles && !roles.includes(spec.role)) continue;
      outcomes.push(await this.maintain(spec, now));
    }
    return {
      startedAt,
      now,
      durationMs: Date.now() - startedAt.getTime(),
      ok: outcomes.every((o) => o.status !== 'failed'),
      tables: outcomes,
    };
  }

  private async maintain(spec: PartitionedTable, now: Date): Promise<TableOutcome> {
    const started = performance.now();
    const outcome: TableOutcome = {
      table: spec.table,
      role: spec.role,
      startedAt: new Date(),
      durationMs: 0,
      status: 'ok',
      created: 0,
      moved: 0,
      purged: 0,
      dropped: 0,
    };
    const finish = () => ({ ...outcome, durationMs: Math.round(performance.now() - started) });
    const dataSource = this.dataSources[spec.role];
    if (!dataSource?.isInitialized) {
      outcome.status = 'failed';
      outcome.error = `${spec.role} database not connected`;
      this.logger.warn(`${spec.table}: skipped, ${outcome.error}`);
      return finish();
    }
    try {
      await this.apply(dataSource, spec, now, outcome);
      if (outcome.created || outcome.moved || outcome.purged || outcome.dropped) {
        this.logger.log(
          `${spec.table}: created ${outcome.created}, moved ${outcome.moved} rows, purged ${outcome.purged} rows, dropped ${outcome.dropped}`,
        );
      }
    } catch (error) {
      if (error instanceof Busy) {
        outcome.status = 'skipped';
        outcome.reason = 'another process is maintaining this table';
        this.logger.debug?.(`${spec.table}: ${outcome.reason}`);
      } else if (sqlState(error) === SQLSTATE.lockNotAvailable) {
        outcome.status = 'skipped';
        outcome.reason = `gave way to traffic: a lock was not granted within ${this.settings.lockTimeoutMs} ms; the next run retries`;
        this.logger.warn(`${spec.table}: ${outcome.reason}`);
      } else {
        outcome.status = 'failed';
        outcome.error = describeError(error);
        this.logger.error(`${spec.table}: maintenance failed: ${outcome.error}`);
      }
    }
    return finish();
  }

  private async apply(dataSource: DataSource, spec: PartitionedTable, now: Date, outcome: TableOutcome): Promise<void> {
    const policy = this.settings.groups[spec.group];
    const state = await this.locked(dataSource, spec, async (q) => ({
      partitions: (await readPartitions(q, [spec])).get(spec.table)!,
      defaultRows: await readDefaultDays(q, spec),
    }));
    const plan = planPartitions({
      table: spec.table,
      period: policy.period,
      now,
      premake: this.settings.premake,
      retentionDays: policy.retentionDays,
      existing: state.partitions,
      defaultRows: state.defaultRows,
    });
    // Expired rows first, drained rows next, then the rest: every attach then scans a nearly empty DEFAULT partition.
    if (state.defaultRows.some((day) => day.getTime() < plan.purgeBefore.getTime())) {
      for (;;) {
        const purged = await this.locked(dataSource, spec, (q) => this.purge(q, spec, plan.purgeBefore));
        outcome.purged += purged;
        if (purged < this.settings.drainBatchRows) break;
      }
    }
    const withRows = new Set(
      spec.referencedBy ? [] : plan.create.filter((r) => state.defaultRows.some((d) => d >= periodStart(r.from, 'day') && d < r.to)),
    );
    // Moved rows are counted batch by batch, as they commit: a replica that attaches the range,
    // or holds the table when this run comes back to it, does not make them go uncounted.
    for (const range of withRows) await this.drain(dataSource, spec, range, outcome);
    for (const range of withRows) {
      const rest = await this.locked(dataSource, spec, (q) => attachDrained(q, spec, range));
      if (rest === null) continue;
      outcome.created++;
      outcome.moved += rest;
    }
    for (const range of plan.create.filter((r) => !withRows.has(r))) {
      if (await this.create(dataSource, spec, range, outcome)) outcome.created++;
    }
    for (const partition of plan.drop) {
      if (await this.locked(dataSource, spec, (q) => this.drop(q, spec, partition))) outcome.dropped++;
    }
  }

  /** Runs `work` in a transaction holding the table's advisory lock, with lock_timeout set; Busy when another process holds it. */
  private async locked<T>(dataSource: DataSource, spec: PartitionedTable, work: (q: Queryable) => Promise<T>): Promise<T> {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query(`SELECT set_config('lock_timeout', $1, true)`, [`${this.settings.lockTimeoutMs}ms`]);
      const [{ locked }] = await runner.query(`SELECT pg_try_advisory_xact_lock(hashtext('fourfold:partition'), hashtext($1)) AS locked`, [
        spec.table,
      ]);
      if (!locked) throw new Busy();
      const result = await work(runner);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * Gives one range its partition (partition-attach.ts): attached at once when no rows of
   * it wait in the DEFAULT partition; else those rows are drained in batches of
   * PARTITION_DRAIN_BATCH_ROWS, each its own short transaction, then it is attached. Rows
   * moved are added to `outcome` as they commit. Returns whether this process attached it
   * (false when another created the range meanwhile).
   */
  private async create(ds: DataSource, spec: PartitionedTable, range: PartitionRange, outcome: TableOutcome): Promise<boolean> {
    if (spec.referencedBy) {
      const moved = await this.locked(ds, spec, (q) => createMoving(q, spec, range));
      outcome.moved += moved ?? 0;
      return moved !== null;
    }
    const quick = await this.locked(ds, spec, (q) => attachEmpty(q, spec, range));
    if (quick !== 'rows') return quick === 'attached';
    // Rows of the range arrived meanwhile (or a drain was left unfinished).
    await this.drain(ds, spec, range, outcome);
    const rest = await this.locked(ds, spec, (q) => attachDrained(q, spec, range));
    outcome.moved += rest ?? 0;
    return rest !== null;
  }

  /** Moves the rows of a range out of the DEFAULT partition, PARTITION_DRAIN_BATCH_ROWS per transaction, counting each batch. */
  private async drain(ds: DataSource, spec: PartitionedTable, range: PartitionRange, outcome: TableOutcome): Promise<void> {
    if (!(await this.locked(ds, spec, (q) => prepareDrain(q, spec, range)))) return;
    for (;;) {
      const batch = await this.locked(ds, spec, (q) => moveBatch(q, spec, range, this.settings.drainBatchRows));
      outcome.moved += batch;
      if (batch < this.settings.drainBatchRows) return;
    }
  }

  /**
   * Makes sure partitions cover [from, to) before rows of that range are written (an import,
   * a batch with old timestamps), so that they never reach the DEFAULT partition. Ranges
   * older than retention are left out (their rows would be dropped), and so are ranges whose
   * rows already wait in the DEFAULT partition (the next maintenance run drains them).
   * Returns the partitions created. Throws when the table is busy or a lock is not granted.
   */
  async ensure(spec: PartitionedTable, from: Date, to: Date): Promise<number> {
    const dataSource = this.dataSources[spec.role];
    if (!dataSource?.isInitialized) throw new Error(`${spec.role} database not connected`);
    const { period, retentionDays } = this.settings.groups[spec.group];
    const start = new Date(
      Math.max(from.getTime(), periodStart(new Date(this.clock().getTime() - retentionDays * DAY_MS), period).getTime()),
    );
    const existing = (await readPartitions(dataSource, [spec])).get(spec.table)!;
    let created = 0;
    for (const range of rangesToCover(spec.table, period, start, to, existing)) {
      // An attach scans the DEFAULT partition while writers wait: only when it is nearly empty.
      const done = await this.locked(dataSource, spec, async (q) =>
        (await defaultHasRows(q, spec, range)) || !(await defaultIsSmall(q, spec, this.settings.drainBatchRows))
          ? 'rows'
          : attachEmpty(q, spec, range),
      );
      if (done === 'attached') created++;
    }
    if (created)
      this.logger.log(`${spec.table}: created ${created} partitions ahead of writes in [${from.toISOString()}, ${to.toISOString()})`);
    return created;
  }

  /** Current partitions of a table, for callers that cache coverage. */
  async partitionsOf(spec: PartitionedTable): Promise<PartitionRange[]> {
    const dataSource = this.dataSources[spec.role];
    if (!dataSource?.isInitialized) return [];
    return (await readPartitions(dataSource, [spec])).get(spec.table)!;
  }

  /** Deletes one batch of rows of the DEFAULT partition older than retention (their partition would be dropped at once). */
  private async purge(q: Queryable, spec: PartitionedTable, before: Date): Promise<number> {
    const source = ident(defaultPartitionOf(spec));
    const ts = ident(spec.timeColumn);
    const [{ purged }] = await q.query(
      `WITH gone AS (DELETE FROM ${source} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${source} WHERE ${ts} < $1 LIMIT ${this.settings.drainBatchRows})) RETURNING 1)
       SELECT count(*)::int AS purged FROM gone`,
      [before.toISOString()],
    );
    return purged as number;
  }

  /** Detaches and drops one expired partition; false when it is already gone. */
  private async drop(q: Queryable, spec: PartitionedTable, partition: PartitionRange): Promise<boolean> {
    const current = (await readPartitions(q, [spec])).get(spec.table)!;
    if (!current.some((p) => sameRange(p, partition))) return false;
    if (spec.referencedBy) {
      // Detach runs no ON DELETE action: it fails while rows still point into the partition.
      // The referencing rows stay; their link to the expiring rows is cleared.
      const ref = spec.referencedBy;
      const [id, at] = ref.columns.map(ident);
      await q.query(`UPDATE ${ident(ref.table)} SET ${id} = NULL, ${at} = NULL WHERE ${at} >= $1 AND ${at} < $2`, [
        partition.from.toISOString(),
        partition.to.toISOString(),
      ]);
    }
    await q.query(`ALTER TABLE ${ident(spec.table)} DETACH PARTITION ${ident(partition.name)}`);
    await q.query(`DROP TABLE ${ident(partition.name)}`);
    return true;
  }
}
