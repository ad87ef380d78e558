import { Injectable } from '@nestjs/common';
import { uuidv7 } from '../common/ids';
import { Principal, RequestMeta } from '../auth/principal';
import { LOGS_DB } from '../database/roles';
import { RowWriter } from '../writer/row-writer';

export interface PermissionDecision {
  permission: string;
  granted: boolean;
  resourceType?: string | null;
  resourceId?: string | null;
  teamId?: string | null;
}

/** Writes `permission_audit_log` through the buffered writer: every decision on a change, every denial. */
@Injectable()
export class PermissionAuditService {
  constructor(private readonly writer: RowWriter) {}

  record(principal: Principal, meta: RequestMeta | null, decision: PermissionDecision): void {
    this.writer.enqueue(LOGS_DB, 'permission_audit_log', [
      {
        id: uuidv7(),
        timestamp: new Date(),
        user_email: principal.email,
        permission: decision.permission,
        resource_type: decision.resourceType ?? null,
        resource_id: decision.resourceId ?? null,
        team_id: decision.teamId ?? null,
        granted: decision.granted,
        roles_checked: principal.roles,
        ip_address: meta?.clientIp ?? null,
        user_agent: meta?.userAgent ?? null,
      },
    ]);
  }
}
