import { MoveUnit } from './move-catalog';
import { Comparison } from './unit-compare';

/** One unit compared by --verify. */
export interface VerifyRow {
  table: string;
  unit: string;
  source_rows: number;
  target_rows: number | null;
  source_checksum: string;
  target_checksum: string | null;
  /** Source rows the target lacks. */
  missing: number;
  /** Rows that never change, with other content on the target under the same key. */
  different: number;
  /** Rows that may change (updated_at), older on the target than on the source. */
  stale: number;
  /** Rows updated on the target since they were copied (newer there): not a mismatch. */
  newer_in_target: number;
  /** Target rows in the unit's range that the source does not have (written there since the cut-over): not a mismatch. */
  extra_in_target: number;
  ok: boolean;
}

export function verifyRow(unit: MoveUnit, c: Comparison): VerifyRow {
  const r = c.rows;
  const missing = r?.missing ?? 0;
  const different = r?.different ?? 0;
  const stale = r?.stale ?? 0;
  return {
    table: unit.shape.table,
    unit: unit.relation,
    source_rows: c.source.rows,
    target_rows: c.target?.rows ?? (r ? r.matched : null),
    source_checksum: c.source.sum,
    target_checksum: c.target?.sum ?? null,
    missing,
    different,
    stale,
    newer_in_target: r?.newer ?? 0,
    extra_in_target: Math.max(0, c.extra),
    ok: missing === 0 && different === 0 && stale === 0,
  };
}

export interface VerifySummary {
  ok: boolean;
  units: number;
  tables: number;
  mismatched: VerifyRow[];
  /** Units that match but where the target holds more (rows written since the cut-over, or updated there). */
  ahead: VerifyRow[];
}

export function summarize(rows: VerifyRow[]): VerifySummary {
  return {
    ok: rows.every((r) => r.ok),
    units: rows.length,
    tables: new Set(rows.map((r) => r.table)).size,
    mismatched: rows.filter((r) => !r.ok),
    ahead: rows.filter((r) => r.ok && (r.extra_in_target > 0 || r.newer_in_target > 0)),
  };
}

const HEADER = ['table', 'partition', 'source rows', 'target rows', 'missing', 'different', 'stale', 'newer in target', 'extra in target'];

/** A plain-text table of the given rows (the differences). */
export function formatVerifyTable(rows: VerifyRow[]): string {
  const body = rows.map((r) => [
    r.table,
    r.unit === r.table ? '-' : r.unit,
    String(r.source_rows),
    r.target_rows === null ? '?' : String(r.target_rows),
    String(r.missing),
    String(r.different),
    String(r.stale),
    String(r.newer_in_target),
    String(r.extra_in_target),
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...body.map((line) => line[i].length)));
  return [HEADER, ...body]
    .map((line) =>
      line
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
