import { DAY_MS } from '../common/time';
import { PartitionRange } from './partition-plan';
import { defaultPartitionOf, PartitionedTable } from '../database/role-definition';

/** Anything that runs SQL: a DataSource, an EntityManager or a QueryRunner. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are typed by each caller
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

/** `"name"`, quotes doubled. Names come from the registry and the plan, never from input. */
export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A timestamptz literal for DDL, where parameters are not allowed. */
export const literal = (d: Date) => `'${d.toISOString()}'`;

const MIN_DATE = new Date(-8.64e15);
const MAX_DATE = new Date(8.64e15);

// Bounds are read back through ::timestamptz in the same session, so neither TimeZone nor
// DateStyle matters; MINVALUE / MAXVALUE (never made by fourfold) read as open ends.
const PARTITIONS_SQL = String.raw`
  SELECT parent.relname AS parent, child.relname AS name,
         substring(pg_get_expr(child.relpartbound, child.oid) FROM $re$FROM \('([^']*)'\)$re$)::timestamptz AS "from",
         substring(pg_get_expr(child.relpartbound, child.oid) FROM $re$TO \('([^']*)'\)$re$)::timestamptz AS "to",
         pg_get_expr(child.relpartbound, child.oid) = 'DEFAULT' AS is_default
    FROM pg_inherits i
    JOIN pg_class parent ON parent.oid = i.inhparent
    JOIN pg_class child ON child.oid = i.inhrelid
    JOIN pg_namespace ns ON ns.oid = parent.relnamespace
   WHERE ns.nspname = current_schema() AND parent.relname = ANY($1)`;

/** Dated partitions (the DEFAULT one left out) of each table, oldest first. */
export async function readPartitions(db: Queryable, tables: readonly PartitionedTable[]): Promise<Map<string, PartitionRange[]>> {
  const rows: Array<{ parent: string; name: string; from: Date | null; to: Date | null; is_default: boolean }> = await db.query(
    PARTITIONS_SQL,
    [tables.map((t) => t.table)],
  );
  const result = new Map<string, PartitionRange[]>(tables.map((t) => [t.table, []]));
  for (const row of rows) {
    if (row.is_default) continue;
    result.get(row.parent)!.push({ name: row.name, from: row.from ?? MIN_DATE, to: row.to ?? MAX_DATE });
  }
  for (const list of result.values()) list.sort((a, b) => a.from.getTime() - b.from.getTime());
  return result;
}

/** One instant per UTC day that has rows in the DEFAULT partition (enough to plan their periods). */
export async function readDefaultDays(db: Queryable, spec: PartitionedTable): Promise<Date[]> {
  const rows: Array<{ day: string }> = await db.query(
    `SELECT DISTINCT floor(extract(epoch FROM ${ident(spec.timeColumn)}) / 86400)::bigint AS day FROM ${ident(defaultPartitionOf(spec))}`,
  );
  return rows.map((r) => new Date(Number(r.day) * DAY_MS)).sort((a, b) => a.getTime() - b.getTime());
}

/** Rows in the DEFAULT partition of each table (normally 0: maintenance moves them out). */
export async function countDefaultRows(db: Queryable, tables: readonly PartitionedTable[]): Promise<Map<string, number>> {
  if (!tables.length) return new Map();
  const sql = `SELECT ${tables.map((t, i) => `(SELECT count(*) FROM ${ident(defaultPartitionOf(t))}) AS c${i}`).join(', ')}`;
  const [row]: Array<Record<string, string>> = await db.query(sql);
  return new Map(tables.map((t, i) => [t.table, Number(row[`c${i}`])]));
}

/** The parent's columns in order, so moved rows never depend on `SELECT *` column order. */
export async function columnsOf(db: Queryable, table: string): Promise<string[]> {
  const rows: Array<{ name: string }> = await db.query(
    `SELECT attname AS name FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [ident(table)],
  );
  return rows.map((r) => r.name);
}
