import { DataSource } from 'typeorm';
import { withDeadline } from '../database/deadline';
import { Role } from '../database/roles';
import { countDefaultRows, readPartitions } from './partition-catalog';
import { readOutcomes, StoredOutcome } from './outcome-store';
import { TableOutcome } from './partition-maintainer';
import { coveredUntil, PartitionRange } from './partition-plan';
import { PartitionPeriod, PartitionSettings } from '../config/settings';
import { PartitionedTable } from '../database/role-definition';

export interface PartitionView {
  name: string;
  from: string;
  to: string;
}

export interface RunView {
  at: string;
  duration_ms: number;
  status: TableOutcome['status'];
  created: number;
  moved: number;
  purged: number;
  dropped: number;
  reason?: string;
  error?: string;
}

/** One partitioned table as /status/database and `npm run partitions -- status` show it. */
export interface TableStatus {
  role: Role;
  period: PartitionPeriod;
  retention_days: number;
  /** Dated partitions, the DEFAULT one left out. Null when the database could not be read. */
  partitions: number | null;
  oldest_partition: PartitionView | null;
  /** By range bound, not by creation. */
  newest_partition: PartitionView | null;
  /** Inserts up to this instant land in a real partition (continuous coverage from now); null: now itself is not covered. */
  premade_until: string | null;
  /** Rows waiting in the DEFAULT partition; the next run moves them out. */
  default_rows: number | null;
  /** Same figures under the names operators poll in other systems. */
  latest_partition_table_name: string | null;
  total_partitions: number | null;
  /** The last maintenance of the table by any process, the CLI included (kept with the table: outcome-store.ts); null before the first. */
  last_maintenance: StoredOutcome | null;
  error?: string;
}

const view = (p: PartitionRange | undefined): PartitionView | null =>
  p ? { name: p.name, from: p.from.toISOString(), to: p.to.toISOString() } : null;

export function runView(o: TableOutcome | undefined): RunView | null {
  if (!o) return null;
  return {
    at: o.startedAt.toISOString(),
    duration_ms: o.durationMs,
    status: o.status,
    created: o.created,
    moved: o.moved,
    purged: o.purged,
    dropped: o.dropped,
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.error ? { error: o.error } : {}),
  };
}

/**
 * Reads the partition state of every table, from the DataSource of each table's role (two
 * queries per role). A role whose database cannot be read in `timeoutMs` gets nulls and an error.
 */
export async function readTableStatuses({
  dataSources,
  settings,
  tables,
  now,
  timeoutMs = 10_000,
}: {
  dataSources: Partial<Record<Role, DataSource>>;
  settings: PartitionSettings;
  tables: readonly PartitionedTable[];
  now: Date;
  timeoutMs?: number;
}): Promise<Record<string, TableStatus>> {
  type RoleState =
    { partitions: Map<string, PartitionRange[]>; defaults: Map<string, number>; outcomes: Map<string, StoredOutcome> } | { error: string };
  const roles = [...new Set(tables.map((t) => t.role))];
  const byRole = new Map<Role, RoleState>(
    await Promise.all(
      roles.map(async (role) => {
        const specs = tables.filter((t) => t.role === role);
        const ds = dataSources[role];
        try {
          if (!ds?.isInitialized) throw new Error(`${role} database not connected`);
          // A database that hangs must not hang the status page (nor keep its connection).
          const [partitions, defaults, outcomes] = await withDeadline(ds, timeoutMs, async (runner) => [
            await readPartitions(runner, specs),
            await countDefaultRows(runner, specs),
            await readOutcomes(runner, specs),
          ]);
          return [role, { partitions, defaults, outcomes }] as [Role, RoleState];
        } catch (error) {
          return [role, { error: error instanceof Error ? error.message : String(error) }] as [Role, RoleState];
        }
      }),
    ),
  );
  const result: Record<string, TableStatus> = {};
  for (const spec of tables) {
    const { period, retentionDays } = settings.groups[spec.group];
    const state = byRole.get(spec.role)!;
    const base = { role: spec.role, period, retention_days: retentionDays };
    if ('error' in state) {
      result[spec.table] = {
        ...base,
        partitions: null,
        oldest_partition: null,
        newest_partition: null,
        premade_until: null,
        default_rows: null,
        latest_partition_table_name: null,
        total_partitions: null,
        last_maintenance: null,
        error: state.error,
      };
      continue;
    }
    const list = state.partitions.get(spec.table)!;
    const newest = list[list.length - 1];
    result[spec.table] = {
      ...base,
      partitions: list.length,
      oldest_partition: view(list[0]),
      newest_partition: view(newest),
      premade_until: coveredUntil(list, now)?.toISOString() ?? null,
      default_rows: state.defaults.get(spec.table)!,
      latest_partition_table_name: newest?.name ?? null,
      total_partitions: list.length,
      last_maintenance: state.outcomes.get(spec.table) ?? null,
    };
  }
  return result;
}
