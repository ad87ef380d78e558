import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { ApiUuidParam, uuidParam } from '../common/field-errors';
import { PageQueryDto } from './dto/page.dto';
import { CreateInvitationDto, InvitationTokenDto, JoinRequestDto, JoinRequestListQueryDto } from './dto/teams.dto';
import { InvitationsService } from './invitations.service';
import { JoinRequestsService } from './join-requests.service';

const teamId = uuidParam('teamId');
const id = uuidParam('id');

/** Invitations to a team and requests to join one. */
@ApiTags('teams')
@Controller('api/v1')
export class InvitationsController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly joins: JoinRequestsService,
  ) {}

  @Post('teams/:teamId/invitations')
  @RequirePermission(PERMISSIONS.teamsWrite)
  @ApiOperation({ summary: 'Invite an email with a role (owners); the token is in this answer only' })
  @ApiUuidParam('teamId')
  invite(
    @Param('teamId', teamId) team: string,
    @Body() dto: CreateInvitationDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.invitations.create(principal, meta, team, dto);
  }

  @Get('teams/:teamId/invitations')
  @RequirePermission(PERMISSIONS.teamsWrite)
  @ApiOperation({ summary: 'Pending invitations of a team (owners)' })
  @ApiUuidParam('teamId')
  listInvitations(
    @Param('teamId', teamId) team: string,
    @Query() query: PageQueryDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.invitations.list(principal, meta, team, query);
  }

  @Delete('teams/:teamId/invitations/:id')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.teamsWrite)
  @ApiOperation({ summary: 'Revoke a pending invitation (owners)' })
  @ApiUuidParam('teamId')
  @ApiUuidParam('id')
  revokeInvitation(
    @Param('teamId', teamId) team: string,
    @Param('id', id) invitation: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.invitations.revoke(principal, meta, team, invitation);
  }

  @Post('invitations/accept')
  @HttpCode(200)
  @RequirePermission(PERMISSIONS.public)
  @ApiOperation({ summary: 'Accept an invitation with its token (no account needed: the user is created when unknown)' })
  @ApiResponse({ status: 404, description: 'Unknown, expired, used, declined or revoked (the same answer)' })
  accept(@Body() dto: InvitationTokenDto, @CurrentRequest() meta: RequestMeta) {
    return this.invitations.accept(meta, dto.token, dto.full_name ?? null);
  }

  @Post('invitations/decline')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.public)
  @ApiOperation({ summary: 'Decline an invitation with its token' })
  @ApiResponse({ status: 404, description: 'Unknown, expired, used, declined or revoked (the same answer)' })
  decline(@Body() dto: InvitationTokenDto, @CurrentRequest() meta: RequestMeta) {
    return this.invitations.decline(meta, dto.token);
  }

  @Post('teams/:teamId/join-requests')
  @RequirePermission(PERMISSIONS.teamsWrite)
  @ApiOperation({ summary: 'Ask to join a public team (one pending request per user and team)' })
  @ApiUuidParam('teamId')
  @ApiResponse({ status: 409, description: 'A member already, or a request is pending' })
  requestJoin(
    @Param('teamId', teamId) team: string,
    @Body() dto: JoinRequestDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.joins.request(principal, meta, team, dto.message ?? null);
  }

  @Get('teams/:teamId/join-requests')
  @RequirePermission(PERMISSIONS.teamsWrite)
  @ApiOperation({ summary: 'Join requests of a team (owners), pending by default' })
  @ApiUuidParam('teamId')
  listJoins(
    @Param('teamId', teamId) team: string,
    @Query() query: JoinRequestListQueryDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.joins.list(principal, meta, team, query);
  }

  @Post('teams/:teamId/join-requests/:id/approve')
  @HttpCode(200)
  @RequirePermission(PERMISSIONS.teamsWrite)
  @ApiOperation({ summary: 'Approve a join request (owners): the requester becomes a member' })
  @ApiUuidParam('teamId')
  @ApiUuidParam('id')
  approveJoin(
    @Param('teamId', teamId) team: string,
    @Param('id', id) request: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.joins.approve(principal, meta, team, request);
  }

  @Post('teams/:teamId/join-requests/:id/reject')
  @HttpCode(200)
  @RequirePermission(PERMISSIONS.teamsWrite)
  @ApiOperation({ summary: 'Reject a join request (owners)' })
  @ApiUuidParam('teamId')
  @ApiUuidParam('id')
  rejectJoin(
    @Param('teamId', teamId) team: string,
    @Param('id', id) request: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.joins.reject(principal, meta, team, request);
  }

  @Delete('teams/:teamId/join-requests/:id')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.teamsWrite)
  @ApiOperation({ summary: 'Withdraw your own pending join request' })
  @ApiUuidParam('teamId')
  @ApiUuidParam('id')
  withdrawJoin(
    @Param('teamId', teamId) team: string,
    @Param('id', id) request: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.joins.withdraw(principal, meta, team, request);
  }
}
