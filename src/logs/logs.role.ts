import { logsMigrations } from '../../migrations/logs';
import { partitionedTable, RoleDefinition } from '../database/role-definition';
import { LOGS_DB } from '../database/roles';
import { LOGS_ENTITIES } from './logs.entities';

/** Audit trails and logs: durable unless LOGS_DB_DURABLE=false. */
export const LOGS_ROLE: RoleDefinition = {
  role: LOGS_DB,
  entities: LOGS_ENTITIES,
  migrations: logsMigrations,
  partitionedTables: [
    partitionedTable('structured_log_entries', LOGS_DB, 'logs', {
      referencedBy: { table: 'security_events', key: 'id', columns: ['log_entry_id', 'log_entry_timestamp'] },
    }),
    partitionedTable('audit_trails', LOGS_DB, 'audit'),
    partitionedTable('permission_audit_log', LOGS_DB, 'audit'),
  ],
  synchronousCommit: (settings) => (settings.logsDurable ? 'on' : 'off'),
};
