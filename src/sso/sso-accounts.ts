import { ForbiddenException, Injectable } from '@nestjs/common';
import { tokenIssuedEntries } from '../auth/token-audit';
import { TokenStore } from '../auth/token-store';
import { AuditService } from '../logs/audit.service';
import { TeamMembersService } from '../identity/team-members.service';
import { MEMBER_ACTION } from '../identity/team-rules';
import { UsersService } from '../identity/users.service';

export interface SsoIdentity {
  email: string;
  fullName: string | null;
  provider: { slug: string; providerType: string; defaultRole: string; defaultTeamId: string | null };
}

export interface SsoLoginResult {
  token: string;
  user_email: string;
  role: string;
  expires_at: string | null;
  user_created: boolean;
}

/**
 * The one place an SSO login becomes a fourfold user and token: the user is created (through
 * the users service, so USER_APPROVAL_REQUIRED holds) or linked by its verified email, joins
 * the provider's default team when new, is granted the default role when it holds none of it,
 * and receives a token. Every step is audited as the service that owns it audits it.
 */
@Injectable()
export class SsoAccounts {
  constructor(
    private readonly users: UsersService,
    private readonly members: TeamMembersService,
    private readonly tokens: TokenStore,
    private readonly audit: AuditService,
  ) {}

  async signIn(identity: SsoIdentity, tokenSeconds: number): Promise<SsoLoginResult> {
    const by = `sso:${identity.provider.slug}`;
    const actor = { principal: null, meta: null, fallbackId: by };
    const provisioned = await this.users.provision(actor, {
      email: identity.email,
      fullName: identity.fullName,
      authProvider: identity.provider.providerType,
    });
    if (provisioned.pending) throw new ForbiddenException(`${identity.email} is awaiting an administrator's approval`);
    if (!provisioned.user.isActive) throw new ForbiddenException(`${identity.email} is deactivated`);
    const email = provisioned.user.email;
    if (provisioned.created && identity.provider.defaultTeamId) {
      const teamId = identity.provider.defaultTeamId;
      const applied = await this.members.apply({ teamId, email, next: { role: 'member' }, by, joined: MEMBER_ACTION.added });
      await this.members.record(actor, teamId, email, applied);
    }
    const issued = await this.tokens.issue({
      email,
      role: identity.provider.defaultRole,
      expiresInSeconds: tokenSeconds,
      name: `sso login (${identity.provider.slug})`,
      grantedBy: by,
    });
    for (const entry of tokenIssuedEntries(issued, `sso login (${identity.provider.slug})`)) await this.audit.record(actor, entry);
    return {
      token: issued.token,
      user_email: email,
      role: issued.role,
      expires_at: issued.expiresAt?.toISOString() ?? null,
      user_created: provisioned.created,
    };
  }
}
