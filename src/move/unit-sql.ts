import { defaultPartitionOf } from '../database/role-definition';
import { ident, literal } from '../partitioning/partition-catalog';
import { MoveUnit, TableShape } from './move-catalog';

/**
 * SQL text for one unit. Names come from the catalog and the registry, never from input.
 * A row's fingerprint is md5 of its row text over the table's columns in order: both sessions
 * print values the same way (see move-session.ts), so equal rows give equal fingerprints.
 */

export const columnList = (names: readonly string[], alias?: string) =>
  names.map((n) => (alias ? `${alias}.${ident(n)}` : ident(n))).join(', ');

export const rowHash = (shape: TableShape, alias: string) => `md5(ROW(${columnList(shape.columns, alias)})::text)`;

/** The unit's rows as read on the source: the relation itself (a partition is a table of its own). */
export const sourceRelation = (unit: MoveUnit) => `ONLY ${ident(unit.relation)}`;

/**
 * Where the unit's rows are on the target, whatever its partitions: the parent restricted to the
 * partition's range (the target's partitions may be cut differently), or the whole table. The
 * DEFAULT partition's rows can be anywhere on the target: they are matched by key only.
 */
export function targetScope(unit: MoveUnit): { from: string; where: string } {
  const from = ident(unit.shape.table);
  if (unit.kind !== 'partition' || !unit.range) return { from, where: 'TRUE' };
  const ts = ident(unit.shape.partitioning!.spec.timeColumn);
  return { from, where: `r.${ts} >= ${literal(unit.range.from)} AND r.${ts} < ${literal(unit.range.to)}` };
}

/** Row count and an order-independent checksum (the sum of the first 64 bits of each row's md5). */
export const checksumSql = (shape: TableShape, from: string, where = 'TRUE') =>
  `SELECT count(*)::text AS n, coalesce(sum(('x' || left(${rowHash(shape, 'r')}, 16))::bit(64)::bigint), 0)::text AS sum
     FROM ${from} AS r WHERE ${where}`;

/** Columns of a temporary table holding keys (and, for a comparison, each row's fingerprint). */
export function keyTableColumns(shape: TableShape, withHash: boolean): string {
  const keys = shape.key.map((k, i) => `${ident(k)} ${shape.keyTypes[i]}`);
  if (withHash) keys.push('ff_h text', ...(shape.mutable ? ['ff_u timestamptz'] : []));
  return keys.join(', ');
}

/** The source side of a comparison: each row's key and fingerprint (and updated_at when rows may change). */
export const keysOutSql = (unit: MoveUnit) =>
  `COPY (SELECT ${columnList(unit.shape.key, 'r')}, ${rowHash(unit.shape, 'r')}${unit.shape.mutable ? `, r."updated_at"` : ''}
           FROM ${sourceRelation(unit)} AS r) TO STDOUT`;

/** The target side of a comparison, as a subquery `t` with the key columns, ff_h and ff_u. */
export function targetHashes(unit: MoveUnit): string {
  const { from, where } = targetScope(unit);
  return `(SELECT ${columnList(unit.shape.key, 'r')}, ${rowHash(unit.shape, 'r')} AS ff_h${unit.shape.mutable ? `, r."updated_at" AS ff_u` : ''}
             FROM ${from} AS r WHERE ${where})`;
}

/**
 * Rows that differ under the same key: a conflict for rows that never change; for rows with
 * updated_at, the source's is stale when the target's is newer, and to be fetched when it is older.
 */
export const differs = (shape: TableShape, which: 'conflict' | 'source-newer' | 'target-newer') => {
  const base = 't.ff_h IS NOT NULL AND t.ff_h <> s.ff_h';
  if (which === 'conflict') return shape.mutable ? 'FALSE' : base;
  if (!shape.mutable) return 'FALSE';
  return which === 'source-newer' ? `${base} AND s.ff_u > t.ff_u` : `${base} AND s.ff_u <= t.ff_u`;
};

/** Classifies the rows of key table `keys` (from the source) against the target. */
export function classifySql(unit: MoveUnit, keys: string): string {
  const s = unit.shape;
  return `SELECT count(*) FILTER (WHERE t.ff_h IS NULL)::bigint::text AS missing,
                 count(*) FILTER (WHERE t.ff_h IS NOT NULL)::bigint::text AS matched,
                 count(*) FILTER (WHERE ${differs(s, 'conflict')})::bigint::text AS different,
                 count(*) FILTER (WHERE ${differs(s, 'source-newer')})::bigint::text AS stale,
                 count(*) FILTER (WHERE ${differs(s, 'target-newer')})::bigint::text AS newer,
                 (array_agg(ROW(${columnList(s.key, 's')})::text) FILTER (WHERE ${differs(s, 'conflict')}))[1:5] AS examples
            FROM ${ident(keys)} AS s LEFT JOIN ${targetHashes(unit)} AS t USING (${columnList(s.key)})`;
}

/** Keys of the rows the target lacks, or holds in an older version. */
export const fetchKeysSql = (unit: MoveUnit, keys: string, into: string) =>
  `CREATE TEMP TABLE ${ident(into)} AS
     SELECT ${columnList(unit.shape.key, 's')} FROM ${ident(keys)} AS s LEFT JOIN ${targetHashes(unit)} AS t USING (${columnList(unit.shape.key)})
      WHERE t.ff_h IS NULL OR (${differs(unit.shape, 'source-newer')})`;

/** The source rows whose keys are in the (source-side) temporary table `keys`. */
export const fetchRowsSql = (unit: MoveUnit, keys: string) =>
  `COPY (SELECT ${columnList(unit.shape.columns, 'r')} FROM ${sourceRelation(unit)} AS r JOIN ${ident(keys)} AS f USING (${columnList(unit.shape.key)}))
     TO STDOUT`;

/** The whole unit, for a target that holds none of its rows. */
export const copyOutSql = (unit: MoveUnit) => `COPY ${ident(unit.relation)} (${columnList(unit.shape.columns)}) TO STDOUT`;

export const isDefault = (unit: MoveUnit) => unit.kind === 'default' && unit.relation === defaultPartitionOf(unit.shape.partitioning!.spec);
