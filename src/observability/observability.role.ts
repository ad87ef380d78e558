import { observabilityMigrations } from '../../migrations/observability';
import { RoleDefinition } from '../database/role-definition';
import { OBSERVABILITY_DB } from '../database/roles';
import { OBSERVABILITY_ENTITIES } from './observability.entities';

/** Traces: ephemeral, so commits need not wait for the disk. */
export const OBSERVABILITY_ROLE: RoleDefinition = {
  role: OBSERVABILITY_DB,
  entities: OBSERVABILITY_ENTITIES,
  migrations: observabilityMigrations,
  partitionedTables: [],
  synchronousCommit: () => 'off',
};
