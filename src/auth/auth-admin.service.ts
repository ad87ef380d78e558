import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { uuidv7 } from '../common/ids';
import { EmailTeam } from '../core/entities/email-team.entity';
import { EmailTeamMember } from '../core/entities/email-team-member.entity';
import { EmailUser } from '../core/entities/email-user.entity';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { CreatedTokenDto, CreateTeamDto, CreateTokenDto } from './auth-admin.dto';
import { Principal, RequestMeta } from './principal';
import { parseDuration } from './token';
import { tokenIssuedEntries, tokenRevokedEntry } from './token-audit';
import { TokenStore, UnknownRoleError } from './token-store';

/** Tokens, role grants and teams: admin operations, each audited. */
@Injectable()
export class AuthAdminService {
  constructor(
    private readonly tokens: TokenStore,
    private readonly audit: AuditService,
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
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
    const result = await this.tokens.revoke(jti, principal.email, reason);
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

  async createTeam(principal: Principal, meta: RequestMeta, dto: CreateTeamDto) {
    const team = this.db.getRepository(EmailTeam).create({
      id: uuidv7(),
      name: dto.name,
      slug: dto.slug,
      description: dto.description ?? null,
      createdBy: principal.email,
      isPersonal: false,
      visibility: 'private',
      isActive: true,
    });
    await this.db.getRepository(EmailTeam).insert(team);
    const view = { id: team.id, name: team.name, slug: team.slug, description: team.description };
    await this.audit.record(
      { principal, meta },
      { action: 'create', resourceType: 'team', resourceId: team.id, resourceName: team.name, teamId: team.id, newValues: view },
    );
    return view;
  }

  /** `email` normalized (lower-case); team and user must exist. Adding a member twice is not audited again. */
  async addMember(principal: Principal, meta: RequestMeta, teamId: string, email: string, role: string) {
    if (!(await this.db.getRepository(EmailTeam).existsBy({ id: teamId }))) throw new NotFoundException(`no team ${teamId}`);
    if (!(await this.db.getRepository(EmailUser).existsBy({ email }))) throw new NotFoundException(`no user ${email}`);
    const result = await this.db
      .createQueryBuilder()
      .insert()
      .into(EmailTeamMember)
      .values({ id: uuidv7(), teamId, userEmail: email, role, invitedBy: principal.email, isActive: true })
      .orIgnore()
      .execute();
    const added = (result.raw as unknown[]).length > 0;
    if (added) {
      await this.audit.record(
        { principal, meta },
        {
          action: 'add_member',
          resourceType: 'team',
          resourceId: teamId,
          teamId,
          newValues: { team_id: teamId, user_email: email, role },
        },
      );
    }
    return { team_id: teamId, user_email: email, role, added };
  }
}
