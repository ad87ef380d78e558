import { CORE_ROLE } from './core/core.role';
import { partitionedTablesOf, RoleRegistry } from './database/role-definition';
import { LOGS_ROLE } from './logs/logs.role';
import { METRICS_ROLE } from './metrics/metrics.role';
import { OBSERVABILITY_ROLE } from './observability/observability.role';

/**
 * Every role's definition, by name. The role names themselves are listed in
 * database/roles.ts; this record must name each of them (the compiler checks).
 */
export const ROLE_DEFINITIONS: RoleRegistry = {
  core: CORE_ROLE,
  metrics: METRICS_ROLE,
  logs: LOGS_ROLE,
  observability: OBSERVABILITY_ROLE,
};

/** Every partitioned table, in the order maintenance and /status/database walk them. */
export const PARTITIONED_TABLES = partitionedTablesOf(ROLE_DEFINITIONS);
