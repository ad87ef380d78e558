import { ident } from '../partitioning/partition-catalog';
import { MoveUnit } from './move-catalog';
import { MoveSession, pipeCopy } from './move-session';
import { checksumSql, classifySql, fetchKeysSql, keyTableColumns, keysOutSql, sourceRelation, targetScope } from './unit-sql';

export interface Checksum {
  rows: number;
  sum: string;
}

/** How the source's rows of one unit stand on the target. */
export interface Classification {
  /** Source rows the target does not hold. */
  missing: number;
  /** Source rows the target holds under the same key. */
  matched: number;
  /** Rows that never change, held by the target with other content under the same key. */
  different: number;
  /** Rows that may change (updated_at), held by the target in an older version. */
  stale: number;
  /** Rows that may change, held by the target in a newer version (updated there since): not an error. */
  newer: number;
  /** Keys of a few different rows, for the message. */
  examples: string[];
}

/** A unit's state on both sides: its checksums, and when they differ how its rows do. */
export interface Comparison {
  source: Checksum;
  target: Checksum | null;
  /** Null when the checksums are equal (or nothing was compared row by row). */
  rows: Classification | null;
  /** Target rows in the unit's range that the source does not have (written there since the cut-over). */
  extra: number;
  /** The target-side temporary table of keys to fetch, when rows were classified. */
  fetchKeys: string | null;
}

/** Temporary table names: unique in the process, so comparers never collide on a session. */
let tempTables = 0;

const toChecksum = (row: { n: string; sum: string }): Checksum => ({ rows: Number(row.n), sum: row.sum });

/**
 * Compares units of the source (read in the move's snapshot) with the target. Checksums are
 * computed by each server at once, so nothing crosses the network unless they differ; then the
 * source's keys and row fingerprints are streamed into a temporary table on the target and
 * compared there. Temporary tables only: a comparison writes nothing.
 */
export class UnitComparer {
  constructor(
    private readonly source: MoveSession,
    private readonly target: MoveSession,
  ) {}

  async sourceChecksum(unit: MoveUnit): Promise<Checksum> {
    const [row] = await this.source.query(checksumSql(unit.shape, sourceRelation(unit)));
    return toChecksum(row);
  }

  async targetChecksum(unit: MoveUnit): Promise<Checksum> {
    const { from, where } = targetScope(unit);
    const [row] = await this.target.query(checksumSql(unit.shape, from, where));
    return toChecksum(row);
  }

  /** True when the target holds any row in the unit's range (DEFAULT units: unknown, so true). */
  async targetHasRows(unit: MoveUnit): Promise<boolean> {
    if (unit.kind === 'default') return true;
    const { from, where } = targetScope(unit);
    const [row] = await this.target.query(`SELECT EXISTS (SELECT 1 FROM ${from} AS r WHERE ${where}) AS any`);
    return row.any as boolean;
  }

  async sourceHasRows(unit: MoveUnit): Promise<boolean> {
    const [row] = await this.source.query(`SELECT EXISTS (SELECT 1 FROM ${sourceRelation(unit)}) AS any`);
    return row.any as boolean;
  }

  /**
   * Checksums both sides; when they differ, classifies the source's rows on the target and
   * keeps, in a temporary table of the target session, the keys of the rows to fetch.
   */
  async compare(unit: MoveUnit, options: { keepFetchKeys: boolean }): Promise<Comparison> {
    if (unit.kind === 'default') {
      const source = await this.sourceChecksum(unit);
      if (source.rows === 0) return { source, target: null, rows: null, extra: 0, fetchKeys: null };
      return { source, target: null, extra: 0, ...(await this.classify(unit, options)) };
    }
    const [source, target] = await Promise.all([this.sourceChecksum(unit), this.targetChecksum(unit)]);
    if (source.rows === target.rows && source.sum === target.sum) return { source, target, rows: null, extra: 0, fetchKeys: null };
    const classified = await this.classify(unit, options);
    return { source, target, ...classified, extra: target.rows - classified.rows.matched };
  }

  private async classify(unit: MoveUnit, options: { keepFetchKeys: boolean }): Promise<{ rows: Classification; fetchKeys: string | null }> {
    const seq = ++tempTables;
    const keys = `ff_keys_${seq}`;
    await this.target.query(`CREATE TEMP TABLE ${ident(keys)} (${keyTableColumns(unit.shape, true)})`);
    try {
      await pipeCopy(this.source, keysOutSql(unit), this.target, `COPY ${ident(keys)} FROM STDIN`);
      await this.target.query(`ANALYZE ${ident(keys)}`);
      const [row] = await this.target.query(classifySql(unit, keys));
      const rows: Classification = {
        missing: Number(row.missing),
        matched: Number(row.matched),
        different: Number(row.different),
        stale: Number(row.stale),
        newer: Number(row.newer),
        examples: row.examples ?? [],
      };
      let fetchKeys: string | null = null;
      if (options.keepFetchKeys && rows.missing + rows.stale > 0) {
        fetchKeys = `ff_fetch_${seq}`;
        await this.target.query(fetchKeysSql(unit, keys, fetchKeys));
      }
      return { rows, fetchKeys };
    } finally {
      await this.target.query(`DROP TABLE IF EXISTS ${ident(keys)}`);
    }
  }
}
