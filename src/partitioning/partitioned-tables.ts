import { LOGS_DB, METRICS_DB, Role } from '../database/roles';

/** Tables that share a partition period and a retention (see PartitionSettings). */
export type PartitionGroup = 'metrics' | 'logs' | 'audit';
export const PARTITION_GROUPS: readonly PartitionGroup[] = ['metrics', 'logs', 'audit'];

export interface PartitionedTable {
  table: string;
  role: Role;
  group: PartitionGroup;
  /** The RANGE partition key. */
  timeColumn: string;
}

const table = (name: string, role: Role, group: PartitionGroup): PartitionedTable => ({
  table: name,
  role,
  group,
  timeColumn: 'timestamp',
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
  table('structured_log_entries', LOGS_DB, 'logs'),
  table('audit_trails', LOGS_DB, 'audit'),
  table('permission_audit_log', LOGS_DB, 'audit'),
];

export const defaultPartitionOf = (t: PartitionedTable): string => `${t.table}_default`;
