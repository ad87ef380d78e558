import { metricsMigrations } from '../../migrations/metrics';
import { partitionedTable, RoleDefinition } from '../database/role-definition';
import { METRICS_DB } from '../database/roles';
import { METRICS_ENTITIES } from './metrics.entities';

const RAW_TABLES = [
  'tool_metrics',
  'server_metrics',
  'resource_metrics',
  'prompt_metrics',
  'a2a_agent_metrics',
  'token_usage_logs',
  'performance_metrics',
  'performance_snapshots',
];

/** Execution metrics: re-computable, so commits need not wait for the disk. */
export const METRICS_ROLE: RoleDefinition = {
  role: METRICS_DB,
  entities: METRICS_ENTITIES,
  migrations: metricsMigrations,
  partitionedTables: RAW_TABLES.map((table) => partitionedTable(table, METRICS_DB, 'metrics')),
  synchronousCommit: () => 'off',
};
