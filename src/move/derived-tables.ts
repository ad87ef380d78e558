import { DerivedTable } from '../database/role-definition';
import { ident } from '../partitioning/partition-catalog';
import { MoveUnit, TableShape } from './move-catalog';
import { MoveSession, pipeCopy } from './move-session';
import { Comparison } from './unit-compare';
import { columnList, sourceRelation, targetScope } from './unit-sql';

/** Temporary table names: unique in the process. */
let tempTables = 0;

/** Rows derived again on the target, per derived table. */
export type Derived = Record<string, number>;

/** md5 of a row over the columns that say what it is (bookkeeping columns left out). */
const contentHash = (shape: TableShape, d: DerivedTable, alias: string) =>
  `md5(ROW(${columnList(
    shape.columns.filter((c) => !d.bookkeeping.includes(c)),
    alias,
  )})::text)`;

/**
 * The tables of a role that db:move derives on the target instead of copying (see DerivedTable):
 * after a unit of the table they come from is written, in the same transaction, the target
 * derives again the rows of every key the unit wrote, from all the rows it now holds. So after
 * any commit, a kill -9 included, each derived row is what its source rows give.
 */
export class DerivedTables {
  private readonly byTable: Map<string, DerivedTable>;

  constructor(
    private readonly source: MoveSession,
    private readonly target: MoveSession,
    derived: readonly DerivedTable[],
  ) {
    this.byTable = new Map(derived.map((d) => [d.table, d]));
  }

  isDerived(table: string): boolean {
    return this.byTable.has(table);
  }

  /** What derives from `table`. */
  private fedBy(table: string): DerivedTable[] {
    return [...this.byTable.values()].filter((d) => d.from === table);
  }

  /**
   * In the unit's transaction, once its rows are in: derives again what depends on them.
   * `written`: a target table holding exactly the rows written, or null when the whole source
   * unit was copied (its keys are read on the source then).
   */
  async rebuild(unit: MoveUnit, written: string | null): Promise<Derived> {
    const derived: Derived = {};
    for (const d of this.fedBy(unit.shape.table)) {
      const keys = `ff_derive_${++tempTables}`;
      await this.target.query(`CREATE TEMP TABLE ${ident(keys)} (k text) ON COMMIT DROP`);
      const distinct = (from: string) => `SELECT DISTINCT r.${ident(d.key)}::text FROM ${from} AS r`;
      if (written) await this.target.query(`INSERT INTO ${ident(keys)} ${distinct(ident(written))}`);
      else await pipeCopy(this.source, `COPY (${distinct(sourceRelation(unit))}) TO STDOUT`, this.target, `COPY ${ident(keys)} FROM STDIN`);
      const [row] = await this.target.query(`SELECT ${ident(d.rebuild)}(ARRAY(SELECT k FROM ${ident(keys)}))::text AS n`);
      await this.target.query(`DROP TABLE ${ident(keys)}`);
      derived[d.table] = Number(row.n);
    }
    return derived;
  }

  /**
   * Rebuilds, in one target transaction, the derived rows of the unit's keys that the target
   * lacks, holds more than once, or holds with other content than the source: grown there since
   * the cut-over, or wrong (left by an older db:move, or changed by hand); derived again either
   * way. Every unit of the table they come from already derived its keys: this repairs what no
   * unit wrote this time, with one comparison of row hashes (verify recomputes every row).
   */
  async repair(unit: MoveUnit, lockTimeoutMs: number): Promise<number> {
    const d = this.byTable.get(unit.shape.table)!;
    const keys = `ff_repair_${++tempTables}`;
    await this.target.query('BEGIN');
    try {
      await this.target.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
      await this.streamKeys(unit, d, keys, { onCommitDrop: true });
      const [row] = await this.target.query(
        `SELECT ${ident(d.rebuild)}(ARRAY(
           SELECT s.k FROM ${ident(keys)} AS s LEFT JOIN ${this.stored(unit, d, keys)} AS t USING (k)
            WHERE t.k IS NULL OR t.n > 1 OR t.ff_h <> s.ff_h))::text AS n`,
      );
      await this.target.query('COMMIT');
      return Number(row.n);
    } catch (error) {
      await this.target.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * Verifies a unit of a derived table by key rather than by its rows' primary key (which may
   * move: a trace's summary moves to an earlier partition when an earlier span arrives): each
   * source row's key must have exactly one row on the target, equal to what the target's own
   * source rows give. A target row that differs from the source's but is what the target's rows
   * give grew there since the cut-over ("newer in target").
   */
  async compare(unit: MoveUnit): Promise<Comparison> {
    const d = this.byTable.get(unit.shape.table)!;
    const [sum] = await this.source.query(
      `SELECT count(*)::text AS n, coalesce(sum(('x' || left(${contentHash(unit.shape, d, 'r')}, 16))::bit(64)::bigint), 0)::text AS sum
         FROM ${sourceRelation(unit)} AS r`,
    );
    const source = { rows: Number(sum.n), sum: sum.sum };
    if (source.rows === 0) return { source, target: null, rows: null, extra: 0, fetchKeys: null };
    const keys = `ff_derived_${++tempTables}`;
    try {
      await this.streamKeys(unit, d, keys, { onCommitDrop: false });
      const [row] = await this.target.query(
        `WITH derived AS (SELECT r.${ident(d.key)}::text AS k, ${contentHash(unit.shape, d, 'r')} AS ff_h
                            FROM ${ident(d.recompute)}(ARRAY(SELECT DISTINCT k FROM ${ident(keys)})) AS r),
              c AS (SELECT s.k, s.ff_h AS source_h, t.n, t.ff_h AS target_h,
                           t.k IS NOT NULL AND (t.n > 1 OR t.ff_h IS DISTINCT FROM g.ff_h) AS wrong
                      FROM ${ident(keys)} AS s LEFT JOIN ${this.stored(unit, d, keys)} AS t USING (k) LEFT JOIN derived AS g USING (k))
         SELECT count(*) FILTER (WHERE n IS NULL)::text AS missing, count(*) FILTER (WHERE n IS NOT NULL)::text AS matched,
                count(*) FILTER (WHERE wrong)::text AS different,
                count(*) FILTER (WHERE NOT wrong AND target_h <> source_h)::text AS newer,
                (array_agg(k) FILTER (WHERE wrong))[1:5] AS examples
           FROM c`,
      );
      const rows = {
        missing: Number(row.missing),
        matched: Number(row.matched),
        different: Number(row.different),
        stale: 0,
        newer: Number(row.newer),
        examples: row.examples ?? [],
      };
      let extra = 0;
      if (unit.kind === 'partition') {
        const { from, where } = targetScope(unit);
        const [e] = await this.target.query(
          `SELECT count(*)::text AS n FROM ${from} AS r
            WHERE ${where} AND NOT EXISTS (SELECT 1 FROM ${ident(keys)} AS s WHERE s.k = r.${ident(d.key)}::text)`,
        );
        extra = Number(e.n);
      }
      return { source, target: null, rows, extra, fetchKeys: null };
    } finally {
      await this.target.query(`DROP TABLE IF EXISTS ${ident(keys)}`);
    }
  }

  /** A temporary table `keys` (k, ff_h) of the target with each source row's key and content hash. */
  private async streamKeys(unit: MoveUnit, d: DerivedTable, keys: string, options: { onCommitDrop: boolean }): Promise<void> {
    await this.target.query(`CREATE TEMP TABLE ${ident(keys)} (k text, ff_h text)${options.onCommitDrop ? ' ON COMMIT DROP' : ''}`);
    await pipeCopy(
      this.source,
      `COPY (SELECT r.${ident(d.key)}::text, ${contentHash(unit.shape, d, 'r')} FROM ${sourceRelation(unit)} AS r) TO STDOUT`,
      this.target,
      `COPY ${ident(keys)} FROM STDIN`,
    );
    await this.target.query(`ANALYZE ${ident(keys)}`);
  }

  /** The target's rows of the keys in `keys`, one line per key: how many, and the content hash of one. */
  private stored(unit: MoveUnit, d: DerivedTable, keys: string): string {
    const key = ident(d.key);
    return `(SELECT r.${key}::text AS k, count(*) AS n, min(${contentHash(unit.shape, d, 'r')}) AS ff_h
               FROM ${ident(d.table)} AS r WHERE r.${key}::text IN (SELECT k FROM ${ident(keys)}) GROUP BY 1)`;
  }
}
