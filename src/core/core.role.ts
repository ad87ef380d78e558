import { coreMigrations } from '../../migrations/core';
import { RoleDefinition } from '../database/role-definition';
import { CORE_DB } from '../database/roles';
import { CORE_ENTITIES } from './core.entities';

/** The registry, auth and sessions: always durable. */
export const CORE_ROLE: RoleDefinition = {
  role: CORE_DB,
  entities: CORE_ENTITIES,
  migrations: coreMigrations,
  partitionedTables: [],
  synchronousCommit: () => 'on',
};
