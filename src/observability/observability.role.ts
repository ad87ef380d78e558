import { observabilityMigrations } from '../../migrations/observability';
import { partitionedTable, RoleDefinition } from '../database/role-definition';
import { OBSERVABILITY_DB } from '../database/roles';
import { OBSERVABILITY_ENTITIES } from './observability.entities';

/**
 * Traces: ephemeral, so commits need not wait for the disk. The four high-volume tables are
 * partitioned by time and expire together (OBSERVABILITY_RETENTION_DAYS); no foreign key
 * links them (see the 1795500000000 migration), so each table's partitions drop on their own.
 */
export const OBSERVABILITY_ROLE: RoleDefinition = {
  role: OBSERVABILITY_DB,
  entities: OBSERVABILITY_ENTITIES,
  migrations: observabilityMigrations,
  partitionedTables: [
    partitionedTable('observability_traces', OBSERVABILITY_DB, 'observability', { timeColumn: 'start_time' }),
    partitionedTable('observability_spans', OBSERVABILITY_DB, 'observability', { timeColumn: 'start_time' }),
    partitionedTable('observability_events', OBSERVABILITY_DB, 'observability'),
    partitionedTable('observability_metrics', OBSERVABILITY_DB, 'observability'),
  ],
  synchronousCommit: () => 'off',
  // Summaries are kept by the spans trigger; db:move rebuilds them from the moved spans
  // (migration 1795600000000) rather than copying rows whose key moves with the trace's start.
  derivedTables: [
    {
      table: 'observability_traces',
      from: 'observability_spans',
      key: 'trace_id',
      rebuild: 'observability_rebuild_trace_summaries',
      recompute: 'observability_recompute_trace_summaries',
      bookkeeping: ['created_at', 'updated_at'],
    },
  ],
  functions: [
    'observability_merge_trace_summaries',
    'observability_summarize_spans',
    'observability_merge_spans',
    'observability_rebuild_trace_summaries',
    'observability_recompute_trace_summaries',
  ],
};
