import { metricsMigrations } from '../../migrations/metrics';
import { partitionedTable, RoleDefinition } from '../database/role-definition';
import { METRICS_DB } from '../database/roles';
import { METRIC_TABLES } from './metric-tables';
import { METRICS_ENTITIES } from './metrics.entities';

const OTHER_RAW_TABLES = ['token_usage_logs', 'performance_metrics', 'performance_snapshots'];

/**
 * The five execution tables. Rows drained out of the DEFAULT partition were invisible for a
 * moment: their hours and days are marked pending, so the next rollup counts them again.
 */
const EXECUTION_TABLES = Object.values(METRIC_TABLES).map((t) =>
  partitionedTable(t.raw, METRICS_DB, 'metrics', {
    rowsMovedSql: `UPDATE "${t.hourly}" SET pending_changes = pending_changes + 1 WHERE hour_start >= $1 AND hour_start < $2`,
  }),
);

/** Execution metrics: re-computable, so commits need not wait for the disk. */
export const METRICS_ROLE: RoleDefinition = {
  role: METRICS_DB,
  entities: METRICS_ENTITIES,
  migrations: metricsMigrations,
  partitionedTables: [...EXECUTION_TABLES, ...OTHER_RAW_TABLES.map((table) => partitionedTable(table, METRICS_DB, 'metrics'))],
  synchronousCommit: () => 'off',
  // Percentiles in SQL over the stored sketches (migration 1796200000000); the aggregate is dropped before its support functions.
  functions: [
    'fourfold_sketch_merge',
    'fourfold_sketch_quantile',
    'fourfold_sketch_merge_final',
    'fourfold_sketch_check',
    'fourfold_sketch_bins',
    'fourfold_sketch_bin_value',
  ],
};
