import { Body, Controller, Delete, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiUuidParam, uuidParam } from '../common/field-errors';
import { CreatedTokenDto, CreateTokenDto, ParseEmailPipe, RevokeTokenDto } from './auth-admin.dto';
import { AuthAdminService } from './auth-admin.service';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from './decorators';
import { PERMISSIONS } from './permissions';
import { Principal, RequestMeta } from './principal';

/** Tokens and role grants, each change audited. */
@ApiTags('auth')
@Controller('api/v1')
export class AuthAdminController {
  constructor(private readonly admin: AuthAdminService) {}

  @Post('tokens')
  @RequirePermission(PERMISSIONS.tokensManage)
  @ApiOperation({ summary: 'Issue a token (the user is created and the role granted when needed); the token is shown once' })
  createToken(
    @Body() dto: CreateTokenDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<CreatedTokenDto> {
    return this.admin.createToken(principal, meta, dto);
  }

  @Delete('tokens/:jti')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.authenticated)
  @ApiOperation({ summary: 'Revoke a token by its jti (your own; any with tokens.manage); takes effect on the next request' })
  @ApiResponse({ status: 404, description: 'Unknown, or another user’s token without tokens.manage (the same answer)' })
  @ApiUuidParam('jti')
  revokeToken(
    @Param('jti', uuidParam('jti')) jti: string,
    @Body() dto: RevokeTokenDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<void> {
    return this.admin.revokeToken(principal, meta, jti, dto.reason ?? null);
  }

  @Put('users/:email/roles/:role')
  @RequirePermission(PERMISSIONS.rolesManage)
  @ApiOperation({ summary: 'Grant a global role to a user (created when unknown)' })
  grantRole(
    @Param('email', new ParseEmailPipe()) email: string,
    @Param('role') role: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.admin.grantRole(principal, meta, email, role);
  }
}
