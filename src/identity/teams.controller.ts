import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { NormalizeEmailPipe } from '../auth/auth-admin.dto';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { ApiUuidParam, uuidParam } from '../common/field-errors';
import { PageQueryDto } from './dto/page.dto';
import { CreateTeamDto, MemberRoleDto, TeamListQueryDto, TeamMemberDto, UpdateTeamDto } from './dto/teams.dto';
import { TeamMembersService } from './team-members.service';
import { TeamsService } from './teams.service';

const hidden = ApiResponse({ status: 404, description: 'Unknown, or a private team you are not a member of (the same answer)' });

/** Teams and their members. Owners (and admins) change a team; whoever sees it reads it. */
@ApiTags('teams')
@Controller('api/v1/teams')
export class TeamsController {
  constructor(
    private readonly teams: TeamsService,
    private readonly members: TeamMembersService,
  ) {}

  @Post()
  @RequirePermission(PERMISSIONS.teamsWrite)
  @ApiOperation({ summary: 'Create a team; you become its first owner' })
  @ApiResponse({ status: 409, description: 'The slug is taken' })
  create(@Body() dto: CreateTeamDto, @CurrentPrincipal() principal: Principal, @CurrentRequest() meta: RequestMeta) {
    return this.teams.create(principal, meta, dto);
  }

  @Get()
  @RequirePermission(PERMISSIONS.teamsRead)
  @ApiOperation({ summary: 'Your teams (admins: all), oldest first; visibility=public lists every public team' })
  list(@Query() query: TeamListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.teams.list(principal, query);
  }

  @Get(':id')
  @RequirePermission(PERMISSIONS.teamsRead)
  @ApiOperation({ summary: 'Read a team, with your role in it' })
  @ApiUuidParam('id')
  @hidden
  get(@Param('id', uuidParam('id')) id: string, @CurrentPrincipal() principal: Principal, @CurrentRequest() meta: RequestMeta) {
    return this.teams.get(principal, meta, id);
  }

  @Patch(':id')
  @RequirePermission(PERMISSIONS.teamsWrite)
  @ApiOperation({ summary: 'Rename a team, change its description or visibility (private / public): owners' })
  @ApiUuidParam('id')
  @hidden
  update(
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: UpdateTeamDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.teams.update(principal, meta, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.teamsWrite)
  @ApiOperation({ summary: 'Delete a team (owners); refused while registry entities belong to it' })
  @ApiUuidParam('id')
  @ApiResponse({ status: 409, description: 'Registry entities still belong to the team (their types named)' })
  @hidden
  remove(@Param('id', uuidParam('id')) id: string, @CurrentPrincipal() principal: Principal, @CurrentRequest() meta: RequestMeta) {
    return this.teams.remove(principal, meta, id);
  }

  @Get(':id/members')
  @RequirePermission(PERMISSIONS.teamsRead)
  @ApiOperation({ summary: 'Active members of a team' })
  @ApiUuidParam('id')
  @hidden
  listMembers(
    @Param('id', uuidParam('id')) id: string,
    @Query() query: PageQueryDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.members.list(principal, meta, id, query);
  }

  @Put(':id/members/:email')
  @RequirePermission(PERMISSIONS.teamsWrite)
  @ApiOperation({ summary: 'Add a known user with a role, or set a member’s role (owners); unknown users are invited instead' })
  @ApiUuidParam('id')
  @hidden
  addMember(
    @Param('id', uuidParam('id')) teamId: string,
    @Param('email', new NormalizeEmailPipe()) email: string,
    @Body() dto: TeamMemberDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.members.add(principal, meta, teamId, email, dto.role ?? 'member');
  }

  @Patch(':id/members/:email')
  @RequirePermission(PERMISSIONS.teamsWrite)
  @ApiOperation({ summary: 'Change a member’s role (owners); the last owner stays an owner' })
  @ApiUuidParam('id')
  @ApiResponse({ status: 409, description: 'That would leave the team without an owner' })
  @hidden
  changeRole(
    @Param('id', uuidParam('id')) teamId: string,
    @Param('email', new NormalizeEmailPipe()) email: string,
    @Body() dto: MemberRoleDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.members.changeRole(principal, meta, teamId, email, dto.role);
  }

  @Delete(':id/members/:email')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.teamsRead)
  @ApiOperation({ summary: 'Remove a member (owners), or leave (yourself); the last owner cannot leave' })
  @ApiUuidParam('id')
  @ApiResponse({ status: 409, description: 'That would leave the team without an owner' })
  @hidden
  removeMember(
    @Param('id', uuidParam('id')) teamId: string,
    @Param('email', new NormalizeEmailPipe()) email: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.members.remove(principal, meta, teamId, email);
  }

  @Get(':id/history')
  @RequirePermission(PERMISSIONS.teamsRead)
  @ApiOperation({ summary: 'Membership changes (who, what, by whom, when), oldest first: members and admins' })
  @ApiUuidParam('id')
  @hidden
  history(
    @Param('id', uuidParam('id')) id: string,
    @Query() query: PageQueryDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.members.history(principal, meta, id, query);
  }
}
