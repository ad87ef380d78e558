import { EmailApiToken } from '../core/entities/email-api-token.entity';
import type { AuditEntry } from '../logs/audit.service';
import { IssuedToken } from './token-store';

/** The audit entries of issuing a token (and the role grant it implied), for the API and the CLI alike. */
export function tokenIssuedEntries(issued: IssuedToken, name: string | null): AuditEntry[] {
  const entries: AuditEntry[] = [];
  if (issued.roleGranted) {
    entries.push({
      action: 'grant',
      resourceType: 'user_role',
      resourceId: issued.email,
      resourceName: issued.role,
      newValues: { user_email: issued.email, role: issued.role, scope: 'global' },
    });
  }
  entries.push({
    action: 'create',
    resourceType: 'api_token',
    resourceId: issued.jti,
    resourceName: issued.email,
    newValues: {
      jti: issued.jti,
      user_email: issued.email,
      role: issued.role,
      name,
      expires_at: issued.expiresAt?.toISOString() ?? null,
      token_hash: 'set',
    },
  });
  return entries;
}

/** The audit entry of revoking a token. */
export function tokenRevokedEntry(token: EmailApiToken, reason: string | null): AuditEntry {
  return {
    action: 'revoke',
    resourceType: 'api_token',
    resourceId: token.jti,
    resourceName: token.userEmail,
    oldValues: { jti: token.jti, user_email: token.userEmail, is_active: token.isActive },
    newValues: { jti: token.jti, user_email: token.userEmail, is_active: false, reason },
  };
}
