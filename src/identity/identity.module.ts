import { Module } from '@nestjs/common';
import { IdentityReadsController } from './identity-reads.controller';
import { IdentityReadsService } from './identity-reads.service';
import { InvitationsController } from './invitations.controller';
import { InvitationsService } from './invitations.service';
import { JoinRequestsService } from './join-requests.service';
import { TeamMembersService } from './team-members.service';
import { TeamsController } from './teams.controller';
import { TeamsService } from './teams.service';
import { TokensRolesService } from './tokens-roles.service';
import { UserApprovalsService } from './user-approvals.service';
import { UserRemovalService } from './user-removal.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/**
 * Identity: users (with approval), teams and members (with history), invitations, join
 * requests, token and role reads, and the reads of what authentication records. UsersService
 * is exported: every path that creates a user (sign-ins included) goes through it.
 */
@Module({
  controllers: [UsersController, TeamsController, InvitationsController, IdentityReadsController],
  providers: [
    UsersService,
    UserApprovalsService,
    UserRemovalService,
    TeamsService,
    TeamMembersService,
    InvitationsService,
    JoinRequestsService,
    TokensRolesService,
    IdentityReadsService,
  ],
  exports: [UsersService, TeamsService, TeamMembersService],
})
export class IdentityModule {}
