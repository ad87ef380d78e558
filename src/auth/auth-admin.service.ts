import { Injectable, NotFoundException } from '@nestjs/common';
import { AuditService } from '../logs/audit.service';
import { CreatedTokenDto, CreateTokenDto } from './auth-admin.dto';
import { hasPermission, PERMISSIONS } from './permissions';
import { Principal, RequestMeta } from './principal';
import { parseDuration } from './token';
import { tokenIssuedEntries, tokenRevokedEntry } from './token-audit';
import { TokenStore, UnknownRoleError } from './token-store';

/** Tokens and role grants, each change audited. */
@Injectable()
export class AuthAdminService {
  constructor(
    private readonly tokens: TokenStore,
    private readonly audit: AuditService,
  ) {}

  async createToken(principal: Principal, meta: RequestMeta, dto: CreateTokenDto): Promise<CreatedTokenDto> {
    const issued = await this.tokens.issue({
      email: dto.email,
      role: dto.role,
      expiresInSeconds: dto.expires_in ? parseDuration(dto.expires_in) : null,
      name: dto.name,
      grantedBy: principal.email,
    });
    const actor = { principal, meta };
    for (const entry of tokenIssuedEntries(issued, dto.name ?? null)) await this.audit.record(actor, entry);
    const expires_at = issued.expiresAt?.toISOString() ?? null;
    return { token: issued.token, jti: issued.jti, user_email: issued.email, role: issued.role, expires_at };
  }

  /** Idempotent: revoking a revoked token answers the same and, having changed nothing, is not audited. */
  async revokeToken(principal: Principal, meta: RequestMeta, jti: string, reason: string | null): Promise<void> {
    const ownerOnly = hasPermission(principal.permissions, PERMISSIONS.tokensManage) ? undefined : principal.email;
    const result = await this.tokens.revoke(jti, principal.email, reason, ownerOnly);
    if (!result) throw new NotFoundException(`no token with jti ${jti}`);
    if (result.changed) await this.audit.record({ principal, meta }, tokenRevokedEntry(result.token, reason));
  }

  /** `email` normalized (lower-case). Granting a role the user already holds changes nothing and is not audited. */
  async grantRole(principal: Principal, meta: RequestMeta, email: string, role: string) {
    let granted: boolean;
    try {
      granted = await this.tokens.grantRole(email, role, principal.email);
    } catch (error) {
      if (error instanceof UnknownRoleError) throw new NotFoundException(error.message);
      throw error;
    }
    if (granted) {
      await this.audit.record(
        { principal, meta },
        {
          action: 'grant',
          resourceType: 'user_role',
          resourceId: email,
          resourceName: role,
          newValues: { user_email: email, role, scope: 'global' },
        },
      );
    }
    return { user_email: email, role, granted };
  }
}
