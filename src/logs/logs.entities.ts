import { AuditTrail } from './entities/audit-trail.entity';
import { PermissionAuditLog } from './entities/permission-audit-log.entity';
import { SecurityEvent } from './entities/security-event.entity';
import { StructuredLogEntry } from './entities/structured-log-entry.entity';

export { AuditTrail, PermissionAuditLog, SecurityEvent, StructuredLogEntry };

/** The 4 tables of the logs role. */
export const LOGS_ENTITIES = [AuditTrail, PermissionAuditLog, StructuredLogEntry, SecurityEvent];
