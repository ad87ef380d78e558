import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ParseEmailPipe } from '../auth/auth-admin.dto';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { ApiUuidParam, uuidParam } from '../common/field-errors';
import { ApprovalListQueryDto, ApproveUserDto, CreateUserDto, RejectUserDto, UpdateUserDto, UserListQueryDto } from './dto/users.dto';
import { UserApprovalsService } from './user-approvals.service';
import { UserRemovalService } from './user-removal.service';
import { UsersService } from './users.service';

/** Users and their approvals (users.manage); every change audited before it answers. */
@ApiTags('users')
@Controller('api/v1')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly approvals: UserApprovalsService,
    private readonly removal: UserRemovalService,
  ) {}

  @Post('users')
  @RequirePermission(PERMISSIONS.usersManage)
  @ApiOperation({ summary: 'Create a user (inactive, pending approval, when USER_APPROVAL_REQUIRED)' })
  @ApiResponse({ status: 409, description: 'The email is taken' })
  create(@Body() dto: CreateUserDto, @CurrentPrincipal() principal: Principal, @CurrentRequest() meta: RequestMeta) {
    return this.users.create(principal, meta, dto);
  }

  @Get('users')
  @RequirePermission(PERMISSIONS.usersManage)
  @ApiOperation({ summary: 'List users, oldest first: q (part of email or name), is_active, auth_provider, cursor' })
  list(@Query() query: UserListQueryDto) {
    return this.users.list(query);
  }

  @Get('users/:email')
  @RequirePermission(PERMISSIONS.usersManage)
  @ApiOperation({ summary: 'Read a user' })
  get(@Param('email', new ParseEmailPipe()) email: string) {
    return this.users.get(email);
  }

  @Patch('users/:email')
  @RequirePermission(PERMISSIONS.usersManage)
  @ApiOperation({ summary: 'Change a user’s full name' })
  update(
    @Param('email', new ParseEmailPipe()) email: string,
    @Body() dto: UpdateUserDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.users.update(principal, meta, email, dto);
  }

  @Post('users/:email/deactivate')
  @HttpCode(200)
  @RequirePermission(PERMISSIONS.usersManage)
  @ApiOperation({ summary: 'Deactivate: the user’s tokens are refused from the next request on' })
  deactivate(
    @Param('email', new ParseEmailPipe()) email: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.users.setActive(principal, meta, email, false);
  }

  @Post('users/:email/reactivate')
  @HttpCode(200)
  @RequirePermission(PERMISSIONS.usersManage)
  @ApiOperation({ summary: 'Reactivate (refused while the user’s approval is pending or was rejected)' })
  reactivate(
    @Param('email', new ParseEmailPipe()) email: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.users.setActive(principal, meta, email, true);
  }

  @Delete('users/:email')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.usersManage)
  @ApiOperation({
    summary:
      'Delete a user: refused while they own registry entities or are a team’s only owner; their tokens are revoked, teams they created credited to another owner',
  })
  @ApiResponse({ status: 409, description: 'They still own something (named), or it is you' })
  remove(
    @Param('email', new ParseEmailPipe()) email: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.removal.remove(principal, meta, email);
  }

  @Get('user-approvals')
  @RequirePermission(PERMISSIONS.usersManage)
  @ApiOperation({ summary: 'Users waiting for approval (or decided: status), oldest first' })
  approvalList(@Query() query: ApprovalListQueryDto) {
    return this.approvals.list(query);
  }

  @Post('user-approvals/:id/approve')
  @HttpCode(200)
  @RequirePermission(PERMISSIONS.usersManage)
  @ApiOperation({ summary: 'Approve a pending user: it becomes active' })
  @ApiUuidParam('id')
  approve(
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: ApproveUserDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.approvals.approve(principal, meta, id, dto.reason ?? null);
  }

  @Post('user-approvals/:id/reject')
  @HttpCode(200)
  @RequirePermission(PERMISSIONS.usersManage)
  @ApiOperation({ summary: 'Reject a pending user (the reason is kept); it stays inactive' })
  @ApiUuidParam('id')
  reject(
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: RejectUserDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.approvals.reject(principal, meta, id, dto.reason);
  }
}
