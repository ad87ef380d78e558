import { DataSource } from 'typeorm';
import { describeError, SQLSTATE, sqlState } from '../common/pg-errors';
import { Role } from '../database/roles';
import { Clock } from './clock';
import { columnsOf, ident, literal, Queryable, readDefaultDays, readPartitions } from './partition-catalog';
import { PartitionRange, planPartitions, TimeRange } from './partition-plan';
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

class Busy extends Error {}

const overlaps = (a: TimeRange, b: TimeRange) => a.from.getTime() < b.to.getTime() && b.from.getTime() < a.to.getTime();
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
    for (const range of plan.create) {
      const moved = await this.locked(dataSource, spec, (q) => this.create(q, spec, range));
      if (moved === null) continue;
      outcome.created++;
      outcome.moved += moved;
    }
    if (state.defaultRows.some((day) => day.getTime() < plan.purgeBefore.getTime())) {
      outcome.purged += await this.locked(dataSource, spec, (q) => this.purge(q, spec, plan.purgeBefore));
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
   * Creates one partition, moving into it the rows of its range that wait in the DEFAULT
   * partition (PostgreSQL refuses to attach while the default holds rows of the range).
   * Returns the rows moved, or null when another process created the range meanwhile.
   */
  private async create(q: Queryable, spec: PartitionedTable, range: PartitionRange): Promise<number | null> {
    const current = (await readPartitions(q, [spec])).get(spec.table)!;
    if (current.some((p) => overlaps(p, range))) return null;
    const parent = ident(spec.table);
    const target = ident(range.name);
    const ts = ident(spec.timeColumn);
    const bounds = [range.from.toISOString(), range.to.toISOString()];
    // Writers of this table wait for the few milliseconds until commit. Without it an insert
    // routed to the DEFAULT partition just before the attach would fail its partition check
    // right after. ONLY: the partitions themselves stay free for readers and autovacuum.
    await q.query(`LOCK TABLE ONLY ${parent} IN SHARE MODE`);
    // The CHECK lets ATTACH skip scanning the new table; it is redundant once attached.
    const check = ident(`${range.name}_bounds`);
    await q.query(
      `CREATE TABLE ${target} (LIKE ${parent} INCLUDING ALL,
         CONSTRAINT ${check} CHECK (${ts} >= ${literal(range.from)} AND ${ts} < ${literal(range.to)}))`,
    );
    const links = spec.referencedBy ? await this.saveLinks(q, spec.referencedBy, bounds) : null;
    const columns = (await columnsOf(q, spec.table)).map(ident).join(', ');
    const [{ moved }] = await q.query(
      `WITH moved AS (DELETE FROM ${ident(defaultPartitionOf(spec))} WHERE ${ts} >= $1 AND ${ts} < $2 RETURNING ${columns}),
            inserted AS (INSERT INTO ${target} (${columns}) SELECT ${columns} FROM moved RETURNING 1)
       SELECT count(*)::int AS moved FROM inserted`,
      bounds,
    );
    await q.query(`ALTER TABLE ${parent} ATTACH PARTITION ${target} FOR VALUES FROM (${literal(range.from)}) TO (${literal(range.to)})`);
    await q.query(`ALTER TABLE ${target} DROP CONSTRAINT ${check}`);
    if (links) await this.restoreLinks(q, spec.referencedBy!, links);
    return moved as number;
  }

  /**
   * Deleting a moved row from the DEFAULT partition fires the referencing key's ON DELETE
   * SET NULL, although the row lives on in its new partition: remember the links first.
   */
  private async saveLinks(
    q: Queryable,
    ref: NonNullable<PartitionedTable['referencedBy']>,
    bounds: string[],
  ): Promise<Array<[string, string, string]>> {
    const [id, at] = ref.columns.map(ident);
    // ::text round-trips exactly (microseconds included) within the session.
    const rows: Array<{ key: string; id: string; at: string }> = await q.query(
      `SELECT ${ident(ref.key)}::text AS key, ${id}::text AS id, ${at}::text AS at FROM ${ident(ref.table)}
        WHERE ${at} >= $1 AND ${at} < $2 AND ${id} IS NOT NULL FOR UPDATE`,
      bounds,
    );
    return rows.map((r) => [r.key, r.id, r.at]);
  }

  private async restoreLinks(
    q: Queryable,
    ref: NonNullable<PartitionedTable['referencedBy']>,
    links: Array<[string, string, string]>,
  ): Promise<void> {
    if (!links.length) return;
    const [id, at] = ref.columns.map(ident);
    await q.query(
      `UPDATE ${ident(ref.table)} AS t SET ${id} = l.id::uuid, ${at} = l.at::timestamptz
         FROM unnest($1::text[], $2::text[], $3::text[]) AS l(key, id, at)
        WHERE t.${ident(ref.key)} = l.key::uuid`,
      [links.map((l) => l[0]), links.map((l) => l[1]), links.map((l) => l[2])],
    );
  }

  /** Deletes rows of the DEFAULT partition older than retention (their partition would be dropped at once). */
  private async purge(q: Queryable, spec: PartitionedTable, before: Date): Promise<number> {
    const [{ purged }] = await q.query(
      `WITH gone AS (DELETE FROM ${ident(defaultPartitionOf(spec))} WHERE ${ident(spec.timeColumn)} < $1 RETURNING 1)
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
