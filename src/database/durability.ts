import { Role } from './roles';

/**
 * The synchronous_commit fourfold sets (SET LOCAL, per transaction) for a role's writes:
 * core is always durable; metrics and observability are re-computable or ephemeral; logs
 * follow LOGS_DB_DURABLE.
 */
export function writeSynchronousCommit(role: Role, logsDurable: boolean): 'on' | 'off' {
  switch (role) {
    case 'core':
      return 'on';
    case 'logs':
      return logsDurable ? 'on' : 'off';
    default:
      return 'off';
  }
}
