import { LOGS_DB, METRICS_DB, Role } from '../database/roles';

/** Tables that share a partition period and a retention (see PartitionSettings). */
export type PartitionGroup = 'metrics' | 'logs' | 'audit';

export interface PartitionedTable {
  table: string;
  role: Role;
  group: PartitionGroup;
  /** The RANGE partition key. */
  timeColumn: string;
  /**
   * A foreign key into this table from another table of the same role. Retention clears it
   * for the rows it drops (detaching a referenced partition runs no ON DELETE action, it just
   * fails), and moving rows out of the DEFAULT partition keeps it. Key and id are uuid.
   */
  referencedBy?: { table: string; key: string; columns: [id: string, timestamp: string] };
}

const table = (name: string, role: Role, group: PartitionGroup, extra: Partial<PartitionedTable> = {}): PartitionedTable => ({
  table: name,
  role,
  group,
  timeColumn: 'timestamp',
  ...extra,
});

/**
 * Every partitioned table (created by the migrations with a DEFAULT partition named
 * `<table>_default`). Maintenance and /status/database walk this list.
 */
export const PARTITIONED_TABLES: readonly PartitionedTable[] = [
  table('tool_metrics', METRICS_DB, 'metrics'),
  table('server_metrics', METRICS_DB, 'metrics'),
  table('resource_metrics', METRICS_DB, 'metrics'),
  table('prompt_metrics', METRICS_DB, 'metrics'),
  table('a2a_agent_metrics', METRICS_DB, 'metrics'),
  table('token_usage_logs', METRICS_DB, 'metrics'),
  table('performance_metrics', METRICS_DB, 'metrics'),
  table('performance_snapshots', METRICS_DB, 'metrics'),
  table('structured_log_entries', LOGS_DB, 'logs', {
    referencedBy: { table: 'security_events', key: 'id', columns: ['log_entry_id', 'log_entry_timestamp'] },
  }),
  table('audit_trails', LOGS_DB, 'audit'),
  table('permission_audit_log', LOGS_DB, 'audit'),
];

export const defaultPartitionOf = (t: PartitionedTable): string => `${t.table}_default`;
