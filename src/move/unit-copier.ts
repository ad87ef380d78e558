import { defaultPartitionOf, MOVING_SETTING } from '../database/role-definition';
import { ident, literal, readPartitions } from '../partitioning/partition-catalog';
import { TimeRange } from '../partitioning/partition-plan';
import { Derived } from './derived-tables';
import { MoveUnit } from './move-catalog';
import { MoveSession, pipeCopy } from './move-session';
import { columnList, copyOutSql, fetchRowsSql, keyTableColumns } from './unit-sql';

export interface CopierOptions {
  /** How long a statement of the target waits for a lock held by live traffic before the unit fails (run again). */
  lockTimeoutMs: number;
  onRows(unit: MoveUnit, rows: number): void;
  /**
   * In the unit's transaction, once its rows are in: derives what depends on them (see
   * DerivedTables.rebuild; `written` names a target table of exactly the rows written, or is null
   * for the whole source unit).
   */
  afterWrite(unit: MoveUnit, written: string | null): Promise<Derived>;
}

/** What a unit's transaction wrote: its rows, and the rows derived from them again per derived table. */
export interface Written {
  rows: number;
  derived: Derived;
}

/** How a whole unit reached the target. */
export type CopyRoute = 'new partition' | 'partition' | 'parent' | 'table' | 'empty';

/** The target's default partition held rows of the range: the unit goes through the row-by-row path instead. */
export class RangeBusy extends Error {}

const sameRange = (a: TimeRange, b: TimeRange) => a.from.getTime() === b.from.getTime() && a.to.getTime() === b.to.getTime();
const overlaps = (a: TimeRange, b: TimeRange) => a.from.getTime() < b.to.getTime() && b.from.getTime() < a.to.getTime();

/** How to index a new partition like its parent: the primary key's columns, and the other indexes' definitions. */
interface IndexPlan {
  primaryKey: string[] | null;
  /** CREATE INDEX statements with `%TABLE%` for the partition's name. */
  indexes: string[];
}

async function indexPlan(target: MoveSession, parent: string): Promise<IndexPlan> {
  const [pk] = await target.query(
    `SELECT array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS columns
       FROM pg_constraint c WHERE c.conrelid = to_regclass($1) AND c.contype = 'p'`,
    [ident(parent)],
  );
  const rows: Array<{ def: string }> = await target.query(
    `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
      WHERE i.indrelid = to_regclass($1) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [ident(parent)],
  );
  return {
    primaryKey: pk?.columns ?? null,
    indexes: rows.map((r) => r.def.replace(/^CREATE (UNIQUE )?INDEX \S+ ON (ONLY )?\S+ /, 'CREATE $1INDEX ON %TABLE% ')),
  };
}

/**
 * Writes units into the target, each in one transaction: after a kill -9 a unit is either
 * wholly there or not at all, which is what lets a second run carry on where the first stopped.
 */
export class UnitCopier {
  private readonly indexPlans = new Map<string, IndexPlan>();

  constructor(
    private readonly source: MoveSession,
    private readonly target: MoveSession,
    private readonly options: CopierOptions,
  ) {}

  /** Copies every row of a unit whose range the target does not hold any row of. */
  async copyWhole(unit: MoveUnit): Promise<Written & { route: CopyRoute }> {
    // An empty partition is not made on the target: its maintenance makes what it needs.
    const [source] = await this.source.query(`SELECT EXISTS (SELECT 1 FROM ONLY ${ident(unit.relation)}) AS any`);
    if (!source.any) return { rows: 0, derived: {}, route: 'empty' };
    const whole = async (route: CopyRoute, write: () => Promise<number>) => ({
      ...(await this.inTransaction(async () => ({ rows: await write(), derived: await this.options.afterWrite(unit, null) }))),
      route,
    });
    const into = (table: string) => `COPY ${ident(table)} (${columnList(unit.shape.columns)}) FROM STDIN`;
    if (unit.kind === 'table') return whole('table', () => this.stream(unit, copyOutSql(unit), into(unit.relation)));
    const parent = unit.shape.table;
    if (unit.kind === 'default' || !unit.range) return whole('parent', () => this.stream(unit, copyOutSql(unit), into(parent)));
    const range = unit.range;
    const existing = (await readPartitions(this.target, [unit.shape.partitioning!.spec])).get(parent) ?? [];
    const same = existing.find((p) => sameRange(p, range));
    if (same) return whole('partition', () => this.stream(unit, copyOutSql(unit), into(same.name)));
    if (existing.some((p) => overlaps(p, range)) || existing.some((p) => p.name === unit.relation)) {
      // The target cuts this range differently: let the parent route each row.
      return whole('parent', () => this.stream(unit, copyOutSql(unit), into(parent)));
    }
    return whole('new partition', () => this.newPartition(unit, range));
  }

  /**
   * A partition the target does not have: loaded as a plain table (COPY FREEZE, no index to
   * maintain per row), indexed in bulk, then attached. Writers of the parent wait only for the
   * attach itself, which finds the indexes ready.
   */
  private async newPartition(unit: MoveUnit, range: TimeRange): Promise<number> {
    const spec = unit.shape.partitioning!.spec;
    const parent = ident(spec.table);
    const table = ident(unit.relation);
    const ts = ident(spec.timeColumn);
    const check = ident(`${unit.relation}_bounds`);
    const bounds = `${ts} >= ${literal(range.from)} AND ${ts} < ${literal(range.to)}`;
    await this.target.query(
      `CREATE TABLE ${table} (LIKE ${parent} INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING CONSTRAINTS, CONSTRAINT ${check} CHECK (${bounds}))`,
    );
    const rows = await this.stream(unit, copyOutSql(unit), `COPY ${table} (${columnList(unit.shape.columns)}) FROM STDIN WITH (FREEZE)`);
    let plan = this.indexPlans.get(spec.table);
    if (!plan) this.indexPlans.set(spec.table, (plan = await indexPlan(this.target, spec.table)));
    if (plan.primaryKey) await this.target.query(`ALTER TABLE ${table} ADD PRIMARY KEY (${columnList(plan.primaryKey)})`);
    for (const statement of plan.indexes) await this.target.query(statement.replace('%TABLE%', table));
    // As partition maintenance does: hold the parent's writers for the attach, and never attach
    // over rows the live service has put in the DEFAULT partition meanwhile.
    await this.target.query(`LOCK TABLE ONLY ${parent} IN SHARE MODE`);
    const [busy] = await this.target.query(`SELECT EXISTS (SELECT 1 FROM ${ident(defaultPartitionOf(spec))} WHERE ${bounds}) AS any`);
    if (busy.any) throw new RangeBusy(`${spec.table}: the target's default partition holds rows of ${unit.relation}`);
    await this.target.query(
      `ALTER TABLE ${parent} ATTACH PARTITION ${table} FOR VALUES FROM (${literal(range.from)}) TO (${literal(range.to)})`,
    );
    await this.target.query(`ALTER TABLE ${table} DROP CONSTRAINT ${check}`);
    return rows;
  }

  /**
   * Fetches the source rows whose keys are in the target's temporary table `fetchKeys` (rows the
   * target lacks or holds in an older version) and writes them: older versions are replaced, and
   * rows that arrived meanwhile by another path are left as they are (ON CONFLICT DO NOTHING).
   */
  async fetchInto(unit: MoveUnit, fetchKeys: string): Promise<Written> {
    const shape = unit.shape;
    await this.source.query(`CREATE TEMP TABLE IF NOT EXISTS ${ident(fetchKeys)} (${keyTableColumns(shape, false)})`);
    try {
      await this.source.query(`TRUNCATE ${ident(fetchKeys)}`);
      await pipeCopy(this.target, `COPY ${ident(fetchKeys)} TO STDOUT`, this.source, `COPY ${ident(fetchKeys)} FROM STDIN`);
      const rowsTable = `${fetchKeys}_rows`;
      return await this.inTransaction(async () => {
        await this.target.query(`CREATE TEMP TABLE ${ident(rowsTable)} (LIKE ${ident(shape.table)}) ON COMMIT DROP`);
        const rows = await this.stream(
          unit,
          fetchRowsSql(unit, fetchKeys),
          `COPY ${ident(rowsTable)} (${columnList(shape.columns)}) FROM STDIN`,
        );
        if (shape.mutable) {
          const match = shape.key.map((k) => `t.${ident(k)} = n.${ident(k)}`).join(' AND ');
          await this.target.query(`DELETE FROM ${ident(shape.table)} AS t USING ${ident(rowsTable)} AS n WHERE ${match}`);
        }
        await this.target.query(
          `INSERT INTO ${ident(shape.table)} (${columnList(shape.columns)}) SELECT ${columnList(shape.columns)} FROM ${ident(rowsTable)} ON CONFLICT DO NOTHING`,
        );
        return { rows, derived: await this.options.afterWrite(unit, rowsTable) };
      });
    } finally {
      await this.source.query(`DROP TABLE IF EXISTS ${ident(fetchKeys)}`);
      await this.target.query(`DROP TABLE IF EXISTS ${ident(fetchKeys)}`);
    }
  }

  private stream(unit: MoveUnit, copyOut: string, copyIn: string): Promise<number> {
    return pipeCopy(this.source, copyOut, this.target, copyIn, (n) => this.options.onRows(unit, n));
  }

  private async inTransaction<T>(work: () => Promise<T>): Promise<T> {
    await this.target.query('BEGIN');
    try {
      await this.target.query(`SET LOCAL synchronous_commit = on`);
      // Triggers that derive rows stand aside: afterWrite derives them once the unit is in.
      await this.target.query(`SELECT set_config($1, 'on', true)`, [MOVING_SETTING]);
      await this.target.query(`SELECT set_config('lock_timeout', $1, true)`, [`${this.options.lockTimeoutMs}ms`]);
      const result = await work();
      await this.target.query('COMMIT');
      return result;
    } catch (error) {
      await this.target.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
