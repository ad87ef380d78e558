import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { badField } from '../common/field-errors';
import { uuidv7 } from '../common/ids';
import { SQLSTATE, sqlState } from '../common/pg-errors';
import { EmailTeamJoinRequest } from '../core/entities/email-team-join-request.entity';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { decodeListCursor, encodeListCursor } from '../registry/cursor';
import { JoinRequestListQueryDto } from './dto/teams.dto';
import { joinRequestView } from './identity-views';
import { AppliedChange, MemberLedger } from './member-ledger';
import { MEMBER_ACTION } from './team-rules';
import { TeamMembersService } from './team-members.service';
import { TeamsService } from './teams.service';

/**
 * Requests to join a public team: made by the user, listed to and decided by the team's
 * owners, withdrawn by the user; one pending request per user and team (a partial unique
 * index). A request id of another team, or another user's, answers like a missing one.
 */
@Injectable()
export class JoinRequestsService {
  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly teams: TeamsService,
    private readonly members: TeamMembersService,
    private readonly audit: AuditService,
  ) {}

  async request(principal: Principal, meta: RequestMeta, teamId: string, message: string | null) {
    const row = await this.db.transaction(async (tx) => {
      const { team, role } = await this.teams.visible(principal, meta, teamId, tx);
      if (role) throw new ConflictException(`you are a member of team ${team.slug} already`);
      if (team.visibility !== 'public')
        throw new ForbiddenException(`team ${team.slug} is not open to join requests; ask an owner for an invitation`);
      const request = tx
        .getRepository(EmailTeamJoinRequest)
        .create({ id: uuidv7(), teamId, userEmail: principal.email, message, status: 'pending' });
      try {
        await tx.getRepository(EmailTeamJoinRequest).insert(request);
      } catch (error) {
        if (sqlState(error) === SQLSTATE.uniqueViolation)
          throw new ConflictException(`you have a pending request to join team ${team.slug} already`);
        throw error;
      }
      return tx.getRepository(EmailTeamJoinRequest).findOneByOrFail({ id: request.id });
    });
    await this.audit.record(
      { principal, meta },
      {
        action: 'request_join',
        resourceType: 'team_join_request',
        resourceId: row.id,
        resourceName: principal.email,
        teamId,
        newValues: joinRequestView(row),
      },
    );
    return joinRequestView(row);
  }

  /** Owners see the team's requests (pending by default), oldest first. */
  async list(principal: Principal, meta: RequestMeta, teamId: string, query: JoinRequestListQueryDto) {
    await this.teams.managed(principal, meta, teamId);
    const limit = query.limit ?? 50;
    const qb = this.db
      .getRepository(EmailTeamJoinRequest)
      .createQueryBuilder('r')
      .where('r.team_id = :teamId AND r.status = :status', { teamId, status: query.status ?? 'pending' });
    if (query.cursor !== undefined) {
      const after = decodeListCursor(query.cursor);
      if (!after) throw badField('cursor', 'cursor must be a next_cursor value returned by a previous page');
      qb.andWhere('r.id > :after', { after });
    }
    const rows = await qb
      .orderBy('r.id', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    return { items: page.map(joinRequestView), next_cursor: rows.length > limit ? encodeListCursor(page[page.length - 1].id) : null };
  }

  /** The requester becomes a member. */
  approve(principal: Principal, meta: RequestMeta, teamId: string, id: string) {
    return this.decide(principal, meta, teamId, id, 'approved');
  }

  reject(principal: Principal, meta: RequestMeta, teamId: string, id: string) {
    return this.decide(principal, meta, teamId, id, 'rejected');
  }

  /** By the requester only, while pending. */
  async withdraw(principal: Principal, meta: RequestMeta, teamId: string, id: string): Promise<void> {
    const row = await this.db.transaction(async (tx) => {
      await this.teams.visible(principal, meta, teamId, tx);
      const row = await this.pending(tx, teamId, id, principal.email);
      await tx
        .getRepository(EmailTeamJoinRequest)
        .update({ id }, { status: 'withdrawn', reviewedAt: new Date(), reviewedBy: principal.email });
      return row;
    });
    await this.audit.record(
      { principal, meta },
      {
        action: 'withdraw_join',
        resourceType: 'team_join_request',
        resourceId: id,
        resourceName: principal.email,
        teamId,
        oldValues: joinRequestView(row),
      },
    );
  }

  private async decide(principal: Principal, meta: RequestMeta, teamId: string, id: string, status: 'approved' | 'rejected') {
    const { before, after, applied } = await this.db.transaction(async (tx) => {
      await this.teams.managed(principal, meta, teamId, tx);
      const before = await this.pending(tx, teamId, id);
      await tx.getRepository(EmailTeamJoinRequest).update({ id }, { status, reviewedAt: new Date(), reviewedBy: principal.email });
      let applied: AppliedChange | null = null;
      if (status === 'approved')
        applied = await MemberLedger.apply(tx, {
          teamId,
          email: before.userEmail,
          next: { role: (await MemberLedger.roleOf(tx, teamId, before.userEmail)) ?? 'member' },
          by: principal.email,
          joined: MEMBER_ACTION.joinApproved,
        });
      return { before, after: await tx.getRepository(EmailTeamJoinRequest).findOneByOrFail({ id }), applied };
    });
    this.teams.decision(principal, meta, teamId, PERMISSIONS.teamsWrite, true);
    await this.audit.record(
      { principal, meta },
      {
        action: status === 'approved' ? 'approve_join' : 'reject_join',
        resourceType: 'team_join_request',
        resourceId: id,
        resourceName: before.userEmail,
        teamId,
        oldValues: joinRequestView(before),
        newValues: joinRequestView(after),
      },
    );
    if (applied) await this.members.record({ principal, meta }, teamId, before.userEmail, applied, { join_request_id: id });
    return joinRequestView(after);
  }

  private async pending(tx: EntityManager, teamId: string, id: string, userEmail?: string): Promise<EmailTeamJoinRequest> {
    const row = await tx.getRepository(EmailTeamJoinRequest).findOne({
      where: { id, teamId, status: 'pending', ...(userEmail ? { userEmail } : {}) },
      lock: { mode: 'pessimistic_write' },
    });
    if (!row) throw new NotFoundException(`no pending join request ${id} in team ${teamId}`);
    return row;
  }
}
