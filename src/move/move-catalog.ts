import { getMetadataArgsStorage } from 'typeorm';
import { defaultPartitionOf, PartitionedTable, RoleRegistry } from '../database/role-definition';
import { Role } from '../database/roles';
import { MIGRATIONS_TABLE } from '../database/migration-runner';
import { ident, Queryable, readPartitions } from '../partitioning/partition-catalog';
import { TimeRange } from '../partitioning/partition-plan';

/** One table of the moved role, as the move sees it (read from the source's catalog). */
export interface TableShape {
  table: string;
  /** In attribute order. */
  columns: string[];
  /**
   * What identifies a row on both sides: a UNIQUE constraint besides the primary key when the
   * table has one (its rows are upserted by it: hourly rollups, performance aggregates), else
   * the primary key (ids assigned at ingest).
   */
  key: string[];
  /** SQL types of the key columns, for the temporary tables that hold keys. */
  keyTypes: string[];
  /** The table has updated_at: its rows may change after they are written, and the later one wins. */
  mutable: boolean;
  /** Tables of the same role this one references by foreign key (copied before it). */
  references: string[];
  /** Partitioned tables: their declaration and retention. */
  partitioning: Partitioning | null;
}

export interface Partitioning {
  spec: PartitionedTable;
  retentionDays: number;
}

/** What one copy or comparison step works on: a table, one of its partitions, or its DEFAULT partition. */
export interface MoveUnit {
  shape: TableShape;
  kind: 'table' | 'partition' | 'default';
  /** The relation read on the source. */
  relation: string;
  /** A dated partition's bounds. */
  range: TimeRange | null;
  /** Rows the source's statistics expect (0 when never analyzed): for progress only. */
  estimatedRows: number;
}

/** The tables a role declares through its entities. */
export function roleTableNames(registry: RoleRegistry, role: Role): string[] {
  const entities = new Set(registry[role].entities);
  return getMetadataArgsStorage()
    .tables.filter((t) => typeof t.target === 'function' && entities.has(t.target) && t.name)
    .map((t) => t.name!);
}

interface ConstraintRow {
  table: string;
  type: 'p' | 'u' | 'f';
  columns: string[];
  types: string[];
  referenced: string | null;
}

const CONSTRAINTS_SQL = `
  SELECT rel.relname::text AS "table", con.contype::text AS type, ref.relname::text AS referenced,
         array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o) AS columns,
         array(SELECT format_type(a.atttypid, a.atttypmod) FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o) AS types
    FROM pg_constraint con
    JOIN pg_class rel ON rel.oid = con.conrelid
    JOIN pg_namespace ns ON ns.oid = rel.relnamespace
    LEFT JOIN pg_class ref ON ref.oid = con.confrelid
   WHERE ns.nspname = current_schema() AND rel.relname = ANY($1) AND con.contype IN ('p', 'u', 'f')
   ORDER BY con.conname`;

const COLUMNS_SQL = `
  SELECT c.relname::text AS "table", array_agg(a.attname::text ORDER BY a.attnum) AS columns
    FROM pg_class c
    JOIN pg_namespace ns ON ns.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
   WHERE ns.nspname = current_schema() AND c.relname = ANY($1) AND c.relkind IN ('r', 'p')
   GROUP BY c.relname`;

/** Reads the shape of each table from `db`; throws when one is missing. */
export async function readShapes(db: Queryable, tables: string[], partitioned: ReadonlyMap<string, Partitioning>): Promise<TableShape[]> {
  const columns = new Map(
    ((await db.query(COLUMNS_SQL, [tables])) as Array<{ table: string; columns: string[] }>).map((r) => [r.table, r.columns]),
  );
  const constraints = (await db.query(CONSTRAINTS_SQL, [tables])) as ConstraintRow[];
  return tables.map((table) => {
    const cols = columns.get(table);
    if (!cols) throw new Error(`table ${table} does not exist`);
    const own = constraints.filter((c) => c.table === table);
    const identity = own.find((c) => c.type === 'u') ?? own.find((c) => c.type === 'p');
    if (!identity) throw new Error(`table ${table} has neither a primary key nor a unique constraint: its rows cannot be matched`);
    return {
      table,
      columns: cols,
      key: identity.columns,
      keyTypes: identity.types,
      mutable: cols.includes('updated_at'),
      references: [...new Set(own.filter((c) => c.type === 'f' && c.referenced && c.referenced !== table).map((c) => c.referenced!))],
      partitioning: partitioned.get(table) ?? null,
    };
  });
}

/** Referenced tables first (a foreign key must find its row), otherwise the given order. */
export function orderByReferences(shapes: TableShape[]): TableShape[] {
  const byName = new Map(shapes.map((s) => [s.table, s]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: TableShape[] = [];
  const visit = (shape: TableShape) => {
    if (done.has(shape.table)) return;
    if (visiting.has(shape.table)) throw new Error(`foreign keys form a cycle through ${shape.table}`);
    visiting.add(shape.table);
    for (const ref of shape.references) if (ref !== shape.table && byName.has(ref)) visit(byName.get(ref)!);
    visiting.delete(shape.table);
    done.add(shape.table);
    ordered.push(shape);
  };
  shapes.forEach(visit);
  return ordered;
}

/** Every unit of the role on `db`, tables in reference order, partitions oldest first and then the DEFAULT one. */
export async function listUnits(db: Queryable, shapes: TableShape[]): Promise<MoveUnit[]> {
  const estimates = new Map(
    (
      (await db.query(
        `SELECT c.relname::text AS name, (CASE WHEN c.reltuples >= 0 THEN c.reltuples ELSE pg_relation_size(c.oid) / 120 END)::bigint AS n FROM pg_class c
         JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = current_schema() AND c.relkind = 'r'`,
      )) as Array<{ name: string; n: string }>
    ).map((r) => [r.name, Number(r.n)]),
  );
  const units: MoveUnit[] = [];
  for (const shape of orderByReferences(shapes)) {
    if (!shape.partitioning) {
      units.push({ shape, kind: 'table', relation: shape.table, range: null, estimatedRows: estimates.get(shape.table) ?? 0 });
      continue;
    }
    const { spec } = shape.partitioning;
    const partitions = (await readPartitions(db, [spec])).get(shape.table) ?? [];
    for (const p of partitions) {
      units.push({
        shape,
        kind: 'partition',
        relation: p.name,
        range: { from: p.from, to: p.to },
        estimatedRows: estimates.get(p.name) ?? 0,
      });
    }
    const relation = defaultPartitionOf(spec);
    units.push({ shape, kind: 'default', relation, range: null, estimatedRows: estimates.get(relation) ?? 0 });
  }
  return units;
}

/** Names of the migrations of `role` recorded in the database's history, or null when it has no history table. */
export async function readHistory(db: Queryable, role: Role): Promise<string[] | null> {
  const [{ present }] = await db.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [MIGRATIONS_TABLE]);
  if (!present) return null;
  const rows: Array<{ name: string }> = await db.query(`SELECT name FROM ${ident(MIGRATIONS_TABLE)} WHERE role = $1 ORDER BY name`, [role]);
  return rows.map((r) => r.name);
}

/** Which of `tables` exist in `db`. */
export async function existingTables(db: Queryable, tables: string[]): Promise<string[]> {
  const rows: Array<{ name: string }> = await db.query(
    `SELECT c.relname::text AS name FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
      WHERE ns.nspname = current_schema() AND c.relname = ANY($1) AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
    [tables],
  );
  return rows.map((r) => r.name);
}

/**
 * What makes a database itself, whatever URL reached it (localhost or 127.0.0.1, a proxy…):
 * the cluster's identity and start time and the database's oid.
 */
export async function fingerprint(db: Queryable): Promise<string> {
  const [row] = await db.query(
    `SELECT current_database() AS db, (SELECT oid FROM pg_database WHERE datname = current_database()) AS oid,
            pg_postmaster_start_time()::text AS started`,
  );
  let system = '';
  try {
    const [id] = await db.query(`SELECT system_identifier::text AS id FROM pg_control_system()`);
    system = id.id;
  } catch {
    // Not granted to this user: the start time and oid are enough in practice.
  }
  return [system, row.started, row.oid, row.db].join('/');
}
