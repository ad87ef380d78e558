import { ROLE_DEFINITIONS } from '../../src/role-registry';
import { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { resolveTopology } from '../../src/database/database-topology';
import { migrateDatabase } from '../../src/database/migration-runner';
import { readPartitions } from '../../src/partitioning/partition-catalog';
import { MaintenanceLogger } from '../../src/partitioning/partition-maintainer';
import { PartitionRange } from '../../src/partitioning/partition-plan';
import { PartitionSettings } from '../../src/config/settings';
import { PARTITIONED_TABLES } from '../../src/role-registry';

/** Creates the schema of all four roles in one database. */
export async function migrateAll(url: string): Promise<void> {
  const [db] = resolveTopology({ core: url }).databases;
  await migrateDatabase(db, ROLE_DEFINITIONS);
}

export async function openDataSource(url: string, max = 4): Promise<DataSource> {
  return new DataSource({ type: 'postgres', url, extra: { max } }).initialize();
}

export function settings(overrides: Partial<PartitionSettings> = {}): PartitionSettings {
  return {
    enabled: true,
    intervalSeconds: 3600,
    premake: 3,
    lockTimeoutMs: 2000,
    drainBatchRows: 10_000,
    groups: {
      metrics: { period: 'day', retentionDays: 5 },
      logs: { period: 'month', retentionDays: 40 },
      audit: { period: 'week', retentionDays: 20 },
      observability: { period: 'day', retentionDays: 3 },
    },
    ...overrides,
  };
}

/** A logger that keeps what it is told, so a test can assert that nothing was logged as a problem. */
export class RecordingLogger implements MaintenanceLogger {
  readonly lines: Array<{ level: string; message: string }> = [];
  log = (message: string) => void this.lines.push({ level: 'log', message });
  warn = (message: string) => void this.lines.push({ level: 'warn', message });
  error = (message: string) => void this.lines.push({ level: 'error', message });
  debug = (message: string) => void this.lines.push({ level: 'debug', message });
  problems = () => this.lines.filter((l) => l.level === 'warn' || l.level === 'error');
}

export async function partitionsByTable(ds: DataSource): Promise<Map<string, PartitionRange[]>> {
  return readPartitions(ds, PARTITIONED_TABLES);
}

/** Tables' partitions as comparable text: `name [from, to)`. */
export async function partitionSnapshot(ds: DataSource): Promise<Record<string, string[]>> {
  const all = await partitionsByTable(ds);
  return Object.fromEntries(
    [...all].map(([table, list]) => [table, list.map((p) => `${p.name} [${p.from.toISOString()}, ${p.to.toISOString()})`)]),
  );
}

const FILLERS: Record<string, string> = {
  uuid: 'gen_random_uuid()',
  'character varying': `'x'`,
  text: `'x'`,
  integer: '0',
  bigint: '0',
  'double precision': '0',
  boolean: 'true',
  jsonb: `'{}'`,
  'timestamp with time zone': 'now()',
};

/** Columns whose filler must be a valid (or unique) value rather than the type's. */
const COLUMN_FILLERS: Record<string, string> = {
  metric_type: `'gauge'`,
  trace_id: 'md5(random()::text)',
  span_id: 'left(md5(random()::text), 16)',
};

const insertSql = new Map<string, { sql: string; hasId: boolean }>();

/**
 * Inserts one row at `at` into a partitioned table (every required column filled) and
 * returns the partition it landed in. `id` may be given, to link a row from elsewhere;
 * `timeColumn` is the table's partition key when it is not "timestamp".
 */
export async function insertRow(
  db: Pool | PoolClient | DataSource,
  table: string,
  at: Date | string,
  id?: string,
  timeColumn = 'timestamp',
): Promise<string> {
  let statement = insertSql.get(table);
  if (!statement) {
    const cols: Array<{ name: string; type: string; required: boolean }> = await query(
      db,
      `SELECT column_name AS name, data_type AS type, is_nullable = 'NO' AND column_default IS NULL AS required
         FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    const hasId = cols.some((c) => c.name === 'id');
    const filled = cols.filter((c) => c.required && c.name !== 'id' && c.name !== timeColumn);
    const names = [...(hasId ? ['id'] : []), `"${timeColumn}"`, ...filled.map((c) => `"${c.name}"`)];
    const values = [
      ...(hasId ? ['coalesce($2::uuid, gen_random_uuid())'] : []),
      '$1',
      ...filled.map((c) => COLUMN_FILLERS[c.name] ?? FILLERS[c.type] ?? `'x'`),
    ];
    const sql = `INSERT INTO "${table}" (${names.join(', ')}) VALUES (${values.join(', ')}) RETURNING tableoid::regclass::text AS partition`;
    insertSql.set(table, (statement = { sql, hasId }));
  }
  const time = typeof at === 'string' ? at : at.toISOString();
  const [row] = await query<{ partition: string }>(db, statement.sql, statement.hasId ? [time, id ?? null] : [time]);
  return row.partition;
}

async function query<T>(db: Pool | PoolClient | DataSource, sql: string, params: unknown[]): Promise<T[]> {
  if (db instanceof DataSource) return db.query(sql, params);
  return (await db.query(sql, params)).rows as T[];
}

export async function count(db: DataSource, table: string): Promise<number> {
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "${table}"`);
  return n;
}
