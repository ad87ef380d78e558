import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { describeError } from '../common/pg-errors';
import { PartitionedTable } from '../database/role-definition';
import { Queryable } from './partition-catalog';
import { TableOutcome } from './partition-maintainer';
import type { RunView } from './partition-status';

/**
 * The last maintenance outcome of each partitioned table, kept where every replica and the
 * CLI can read it and a restart cannot lose it: in the comment of the partitioned table itself
 * (`COMMENT ON TABLE tool_metrics`), in the database that hosts the table. No table is added to
 * the schema, the outcome goes wherever the table goes, and reading it is one catalog query.
 * fourfold owns these comments: a comment written by hand on a partitioned parent is replaced.
 */
export const OUTCOME_PREFIX = 'fourfold:maintenance ';

/** What a table's comment keeps of its last maintenance run: the run as /status/database shows it, and by whom. */
export interface StoredOutcome extends RunView {
  /** host/pid of the process that ran it (a pod name on Kubernetes). */
  by: string;
  /** When the table was last maintained with status ok (this run or an earlier one). */
  last_ok_at: string | null;
}

/** This process, as outcomes name it. */
export const processName = (): string => `${hostname()}/${process.pid}`;

/** A skip because another replica holds the table says nothing about the table: that replica records its own outcome. */
export const worthKeeping = (o: TableOutcome): boolean => !(o.status === 'skipped' && /another process/.test(o.reason ?? ''));

export function toStored(o: TableOutcome, by: string, previous: StoredOutcome | null): StoredOutcome {
  const at = o.startedAt.toISOString();
  return {
    at,
    by,
    status: o.status,
    duration_ms: o.durationMs,
    created: o.created,
    moved: o.moved,
    purged: o.purged,
    dropped: o.dropped,
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.error ? { error: o.error.slice(0, 500) } : {}),
    last_ok_at: o.status === 'ok' ? at : (previous?.last_ok_at ?? null),
  };
}

export const formatOutcome = (stored: StoredOutcome): string => `${OUTCOME_PREFIX}${JSON.stringify(stored)}`;

/** The stored outcome in a table comment, or null when the comment is not one (or is damaged). */
export function parseOutcome(comment: string | null | undefined): StoredOutcome | null {
  if (!comment?.startsWith(OUTCOME_PREFIX)) return null;
  try {
    const value = JSON.parse(comment.slice(OUTCOME_PREFIX.length)) as StoredOutcome;
    return typeof value.at === 'string' && typeof value.status === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** The stored outcome of each table found in `db` (tables without one are left out). */
export async function readOutcomes(db: Queryable, tables: readonly PartitionedTable[]): Promise<Map<string, StoredOutcome>> {
  const rows: Array<{ name: string; comment: string | null }> = await db.query(
    `SELECT c.relname::text AS name, obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
      WHERE ns.nspname = current_schema() AND c.relname = ANY($1) AND c.relkind = 'p'`,
    [tables.map((t) => t.table)],
  );
  const result = new Map<string, StoredOutcome>();
  for (const row of rows) {
    const stored = parseOutcome(row.comment);
    if (stored) result.set(row.name, stored);
  }
  return result;
}

/**
 * Records one table's outcome in its comment, in a short transaction of its own. COMMENT takes
 * SHARE UPDATE EXCLUSIVE on the table (inserts and reads go on); behind lock_timeout, a table
 * busy with another replica's maintenance keeps the previous outcome rather than wait.
 */
export async function saveOutcome(
  dataSource: DataSource,
  spec: PartitionedTable,
  outcome: TableOutcome,
  lockTimeoutMs: number,
  by = processName(),
): Promise<void> {
  await dataSource.transaction(async (tx) => {
    await tx.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
    const previous = (await readOutcomes(tx, [spec])).get(spec.table) ?? null;
    const [{ sql }] = await tx.query(`SELECT format('COMMENT ON TABLE %I IS %L', $1::text, $2::text) AS sql`, [
      spec.table,
      formatOutcome(toStored(outcome, by, previous)),
    ]);
    await tx.query(sql);
  });
}

/** Saves every outcome worth keeping; a failure is reported, never thrown (the run itself is done). */
export async function saveOutcomes(
  dataSources: Partial<Record<string, DataSource>>,
  tables: readonly PartitionedTable[],
  outcomes: readonly TableOutcome[],
  lockTimeoutMs: number,
  warn: (message: string) => void,
): Promise<void> {
  for (const outcome of outcomes) {
    const spec = tables.find((t) => t.table === outcome.table);
    const ds = spec && dataSources[spec.role];
    if (!spec || !ds?.isInitialized || !worthKeeping(outcome)) continue;
    try {
      await saveOutcome(ds, spec, outcome, lockTimeoutMs);
    } catch (error) {
      warn(`${outcome.table}: maintenance outcome not recorded (${describeError(error)})`);
    }
  }
}
