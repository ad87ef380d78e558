import {
  Body,
  Controller,
  Delete,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  BadRequestException,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { uuidv7 } from '../common/ids';
import { EmailTeam } from '../core/entities/email-team.entity';
import { EmailTeamMember } from '../core/entities/email-team-member.entity';
import { EmailUser } from '../core/entities/email-user.entity';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { CreatedTokenDto, CreateTeamDto, CreateTokenDto, RevokeTokenDto, TeamMemberDto } from './auth-admin.dto';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from './decorators';
import { PERMISSIONS } from './permissions';
import { Principal, RequestMeta } from './principal';
import { parseDuration } from './token';
import { tokenIssuedEntries, tokenRevokedEntry } from './token-audit';
import { UnknownRoleError } from './token-store';
import { TokenStore } from './token-store';

/** Tokens, role grants and teams: admin operations, each audited. */
@ApiTags('auth')
@Controller('api/v1')
export class AuthAdminController {
  constructor(
    private readonly tokens: TokenStore,
    private readonly audit: AuditService,
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
  ) {}

  @Post('tokens')
  @RequirePermission(PERMISSIONS.tokensManage)
  @ApiOperation({ summary: 'Issue a token (the user is created and the role granted when needed); the token is shown once' })
  async createToken(
    @Body() dto: CreateTokenDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<CreatedTokenDto> {
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

  @Delete('tokens/:jti')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.tokensManage)
  @ApiOperation({ summary: 'Revoke a token by its jti; takes effect on the next request' })
  async revokeToken(
    @Param('jti', new ParseUUIDPipe({ version: undefined })) jti: string,
    @Body() dto: RevokeTokenDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<void> {
    const token = await this.tokens.revoke(jti, principal.email, dto.reason ?? null);
    if (!token) throw new NotFoundException(`no token with jti ${jti}`);
    await this.audit.record({ principal, meta }, tokenRevokedEntry(token, dto.reason ?? null));
  }

  @Put('users/:email/roles/:role')
  @RequirePermission(PERMISSIONS.rolesManage)
  @ApiOperation({ summary: 'Grant a global role to a user (created when unknown)' })
  async grantRole(
    @Param('email') email: string,
    @Param('role') role: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    const normalized = email.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(normalized) || normalized.length > 255)
      throw new BadRequestException({
        statusCode: 400,
        message: 'invalid email',
        errors: [{ field: 'email', reason: 'must be an email address' }],
      });
    let granted: boolean;
    try {
      granted = await this.tokens.grantRole(normalized, role, principal.email);
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
          resourceId: normalized,
          resourceName: role,
          newValues: { user_email: normalized, role, scope: 'global' },
        },
      );
    }
    return { user_email: normalized, role, granted };
  }

  @Post('teams')
  @RequirePermission(PERMISSIONS.rolesManage)
  @ApiOperation({ summary: 'Create a team' })
  async createTeam(@Body() dto: CreateTeamDto, @CurrentPrincipal() principal: Principal, @CurrentRequest() meta: RequestMeta) {
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

  @Put('teams/:id/members/:email')
  @RequirePermission(PERMISSIONS.rolesManage)
  @ApiOperation({ summary: 'Add a user (who must exist) to a team' })
  async addMember(
    @Param('id', new ParseUUIDPipe({ version: undefined })) teamId: string,
    @Param('email') email: string,
    @Body() dto: TeamMemberDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    const normalized = email.trim().toLowerCase();
    if (!(await this.db.getRepository(EmailTeam).existsBy({ id: teamId }))) throw new NotFoundException(`no team ${teamId}`);
    if (!(await this.db.getRepository(EmailUser).existsBy({ email: normalized }))) throw new NotFoundException(`no user ${normalized}`);
    const role = dto.role ?? 'member';
    const result = await this.db
      .createQueryBuilder()
      .insert()
      .into(EmailTeamMember)
      .values({ id: uuidv7(), teamId, userEmail: normalized, role, invitedBy: principal.email, isActive: true })
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
          newValues: { team_id: teamId, user_email: normalized, role },
        },
      );
    }
    return { team_id: teamId, user_email: normalized, role, added };
  }
}
