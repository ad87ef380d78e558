import { Injectable } from '@nestjs/common';
import { DatabaseSettings, InjectSettings } from '../config/settings';
import { uuidv7 } from '../common/ids';
import { Principal, RequestMeta } from '../auth/principal';
import { LOGS_DB } from '../database/roles';
import { changedFields, maskSecrets } from './mask';
import { RowWriter } from '../writer/row-writer';

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId: string | null;
  resourceName?: string | null;
  teamId?: string | null;
  /** API (snake_case) representation before and after; secrets are masked here. */
  oldValues?: Record<string, unknown> | null;
  newValues?: Record<string, unknown> | null;
  success?: boolean;
  errorMessage?: string | null;
  context?: Record<string, unknown>;
}

export interface Actor {
  /** Null for the CLI and the service itself. */
  principal: Principal | null;
  meta: RequestMeta | null;
  /** Who acted when there is no principal (e.g. `system`, `cli`). */
  fallbackId?: string;
}

/**
 * Writes `audit_trails`. With LOGS_DB_DURABLE (default) `record` resolves only once the row
 * is committed with synchronous_commit on (or fsync'd to the spool); otherwise it returns at
 * once and the row goes through the buffered writer.
 */
@Injectable()
export class AuditService {
  private readonly durable: boolean;

  constructor(
    private readonly writer: RowWriter,
    @InjectSettings('database') settings: DatabaseSettings,
  ) {
    this.durable = settings.logsDurable;
  }

  async record(actor: Actor, entry: AuditEntry): Promise<void> {
    const row = auditRow(actor, entry);
    if (this.durable) await this.writer.writeDurable(LOGS_DB, 'audit_trails', [row]);
    else this.writer.enqueue(LOGS_DB, 'audit_trails', [row]);
  }
}

export function auditRow(actor: Actor, entry: AuditEntry): Record<string, unknown> {
  // Changed fields are found on the real values (so a changed secret shows as changed), then masked.
  const changed = entry.oldValues && entry.newValues ? changedFields(entry.oldValues, entry.newValues) : null;
  const oldValues = entry.oldValues ? maskSecrets(entry.oldValues) : null;
  const newValues = entry.newValues ? maskSecrets(entry.newValues) : null;
  const changes = changed ? Object.fromEntries(changed.map((f) => [f, { old: oldValues![f] ?? null, new: newValues![f] ?? null }])) : null;
  const { principal, meta } = actor;
  return {
    id: uuidv7(),
    timestamp: new Date(),
    correlation_id: meta?.requestId ?? null,
    request_id: meta?.requestId ?? null,
    action: entry.action,
    resource_type: entry.resourceType,
    resource_id: entry.resourceId,
    resource_name: entry.resourceName?.slice(0, 255) ?? null,
    user_id: principal?.userId ?? actor.fallbackId ?? 'system',
    user_email: principal?.email ?? null,
    team_id: entry.teamId ?? null,
    client_ip: meta?.clientIp ?? null,
    user_agent: meta?.userAgent ?? null,
    request_path: meta?.path ?? null,
    request_method: meta?.method ?? null,
    old_values: oldValues,
    new_values: newValues,
    changes,
    data_classification: null,
    requires_review: false,
    success: entry.success ?? true,
    error_message: entry.errorMessage ?? null,
    context: { ...(entry.context ?? {}), ...(principal ? { token_jti: principal.jti, roles: principal.roles } : {}) },
    auth_method: principal ? 'api_token' : (actor.fallbackId ?? 'system'),
  };
}
