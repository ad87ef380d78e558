import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ParseEmailPipe } from '../auth/auth-admin.dto';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { ApiUuidParam, uuidParam } from '../common/field-errors';
import {
  AuthEventQueryDto,
  PermissionAuditQueryDto,
  RoleListQueryDto,
  TokenListQueryDto,
  TokenUsageQueryDto,
  UsageWindowDto,
} from './dto/tokens.dto';
import { IdentityReadsService } from './identity-reads.service';
import { TokensRolesService } from './tokens-roles.service';

const WINDOW = 'Bounded window since..until (at most 31 days, default the last day), newest first, cursor paging';

/** Tokens and roles as their owners and admins read them, and what authentication records. */
@ApiTags('auth')
@Controller('api/v1')
export class IdentityReadsController {
  constructor(
    private readonly reads: IdentityReadsService,
    private readonly tokens: TokensRolesService,
  ) {}

  @Get('tokens')
  @RequirePermission(PERMISSIONS.authenticated)
  @ApiOperation({ summary: 'Your tokens’ metadata (with tokens.manage: everyone’s, or user_email’s); never a secret or a hash' })
  listTokens(@Query() query: TokenListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.tokens.listTokens(principal, query);
  }

  @Get('tokens/:jti/usage')
  @RequirePermission(PERMISSIONS.authenticated)
  @ApiOperation({ summary: `One token’s requests by route, method and status, blocked ones counted (its owner; tokens.manage). ${WINDOW}` })
  @ApiUuidParam('jti')
  @ApiResponse({ status: 404, description: 'Unknown, or another user’s token without tokens.manage (the same answer)' })
  tokenUsage(@Param('jti', uuidParam('jti')) jti: string, @Query() query: UsageWindowDto, @CurrentPrincipal() principal: Principal) {
    return this.reads.tokenUsage(principal, jti, query);
  }

  @Get('token-usage')
  @RequirePermission(PERMISSIONS.securityRead)
  @ApiOperation({
    summary: `Requests as token_usage_logs recorded them; blocked=true: refused by a permission (403) or a rate limit (429). ${WINDOW}`,
  })
  tokenUsageRows(@Query() query: TokenUsageQueryDto) {
    return this.reads.tokenUsageRows(query);
  }

  @Get('auth-events')
  @RequirePermission(PERMISSIONS.securityRead)
  @ApiOperation({ summary: `Authentication events: user_email, event_type, success, ip_address. ${WINDOW}` })
  authEvents(@Query() query: AuthEventQueryDto) {
    return this.reads.authEvents(query);
  }

  @Get('permission-audit')
  @RequirePermission(PERMISSIONS.auditRead)
  @ApiOperation({ summary: `Permission decisions (who was checked for what, granted or denied). ${WINDOW}` })
  permissionAudit(@Query() query: PermissionAuditQueryDto) {
    return this.reads.permissionAudit(query);
  }

  @Get('users/:email/roles')
  @RequirePermission(PERMISSIONS.authenticated)
  @ApiOperation({ summary: 'A user’s role grants (yours; anyone’s with roles.manage), active ones unless all=true' })
  listRoles(
    @Param('email', new ParseEmailPipe()) email: string,
    @Query() query: RoleListQueryDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.tokens.listRoles(principal, email, query);
  }

  @Delete('users/:email/roles/:role')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.rolesManage)
  @ApiOperation({ summary: 'Revoke a user’s global role grant: its permissions stop at their next request' })
  @ApiResponse({ status: 409, description: 'The last active admin keeps the admin role' })
  revokeRole(
    @Param('email', new ParseEmailPipe()) email: string,
    @Param('role') role: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.tokens.revokeRole(principal, meta, email, role);
  }
}
