import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, MoreThan, Repository } from 'typeorm';
import { Principal, RequestMeta } from '../auth/principal';
import { hashToken, parseDuration } from '../auth/token';
import { badField } from '../common/field-errors';
import { uuidv7 } from '../common/ids';
import { EmailTeamInvitation } from '../core/entities/email-team-invitation.entity';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { decodeListCursor, encodeListCursor } from '../registry/cursor';
import { CreateInvitationDto } from './dto/teams.dto';
import { PageQueryDto } from './dto/page.dto';
import { invitationView } from './identity-views';
import { MemberLedger } from './member-ledger';
import { MEMBER_ACTION } from './team-rules';
import { TeamMembersService } from './team-members.service';
import { TeamsService } from './teams.service';
import { normalizeEmail, userCreatedEntry, UsersService } from './users.service';

export const INVITATION_PREFIX = 'ffi_';
const MAX_TTL_DAYS = 30;
const UNKNOWN = 'unknown invitation (it may have expired, been used, declined or revoked)';

/**
 * Invitations: a single-use token with an expiry, stored only as its SHA-256 hash and shown
 * once. Whoever holds the token accepts or declines it without any account (accepting
 * creates the user when needed, under USER_APPROVAL_REQUIRED like every new user). An
 * expired, used, declined or revoked token answers exactly like one that never existed.
 * A new invitation to the same address and team replaces the one before.
 */
@Injectable()
export class InvitationsService {
  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly teams: TeamsService,
    private readonly members: TeamMembersService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async create(principal: Principal, meta: RequestMeta, teamId: string, dto: CreateInvitationDto) {
    const seconds = parseDuration(dto.expires_in ?? '7d');
    if (seconds > MAX_TTL_DAYS * 86_400) throw badField('expires_in', `expires_in is at most ${MAX_TTL_DAYS}d`);
    const email = normalizeEmail(dto.email);
    const token = INVITATION_PREFIX + randomBytes(32).toString('base64url');
    const invitation = await this.db.transaction(async (tx) => {
      await this.teams.managed(principal, meta, teamId, tx);
      if (await MemberLedger.roleOf(tx, teamId, email)) throw new ConflictException(`${email} is a member of team ${teamId} already`);
      const repo = tx.getRepository(EmailTeamInvitation);
      await repo.update({ teamId, email, isActive: true }, { isActive: false });
      const row = repo.create({
        id: uuidv7(),
        teamId,
        email,
        role: dto.role ?? 'member',
        invitedBy: principal.email,
        expiresAt: new Date(Date.now() + seconds * 1000),
        token: hashToken(token),
        isActive: true,
      });
      await repo.insert(row);
      return repo.findOneByOrFail({ id: row.id });
    });
    await this.audit.record(
      { principal, meta },
      {
        action: 'invite',
        resourceType: 'team_invitation',
        resourceId: invitation.id,
        resourceName: email,
        teamId,
        newValues: { ...invitationView(invitation), token_hash: 'set' },
      },
    );
    return { ...invitationView(invitation), token };
  }

  /** Pending (active, unexpired) invitations of a team, oldest first: to its owners. */
  async list(principal: Principal, meta: RequestMeta, teamId: string, query: PageQueryDto) {
    await this.teams.managed(principal, meta, teamId);
    const limit = query.limit ?? 50;
    const qb = this.db
      .getRepository(EmailTeamInvitation)
      .createQueryBuilder('i')
      .where('i.team_id = :teamId AND i.is_active AND i.expires_at > now()', { teamId });
    if (query.cursor !== undefined) {
      const after = decodeListCursor(query.cursor);
      if (!after) throw badField('cursor', 'cursor must be a next_cursor value returned by a previous page');
      qb.andWhere('i.id > :after', { after });
    }
    const rows = await qb
      .orderBy('i.id', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    return { items: page.map(invitationView), next_cursor: rows.length > limit ? encodeListCursor(page[page.length - 1].id) : null };
  }

  /** By a team owner; an invitation of another team, used or expired answers 404 as a missing one. */
  async revoke(principal: Principal, meta: RequestMeta, teamId: string, id: string): Promise<void> {
    const invitation = await this.db.transaction(async (tx) => {
      await this.teams.managed(principal, meta, teamId, tx);
      const row = await tx.getRepository(EmailTeamInvitation).findOne({
        where: { id, teamId, isActive: true, expiresAt: MoreThan(new Date()) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) throw new NotFoundException(`no pending invitation ${id} in team ${teamId}`);
      await tx.getRepository(EmailTeamInvitation).update({ id }, { isActive: false });
      return row;
    });
    await this.audit.record(
      { principal, meta },
      {
        action: 'revoke_invitation',
        resourceType: 'team_invitation',
        resourceId: id,
        resourceName: invitation.email,
        teamId,
        oldValues: invitationView(invitation),
      },
    );
  }

  /** With the invitation's token alone: the invitee joins the team with the invited role (a member already keeps theirs). */
  async accept(meta: RequestMeta, token: string, fullName: string | null) {
    const outcome = await this.db.transaction(async (tx) => {
      const invitation = await this.consume(tx.getRepository(EmailTeamInvitation), token);
      const provisioned = await this.users.ensureIn(tx, { email: invitation.email, fullName, authProvider: 'invitation' });
      const current = await MemberLedger.roleOf(tx, invitation.teamId, invitation.email);
      const applied = await MemberLedger.apply(tx, {
        teamId: invitation.teamId,
        email: invitation.email,
        next: { role: current ?? invitation.role },
        by: invitation.email,
        joined: MEMBER_ACTION.invitationAccepted,
      });
      return { invitation, provisioned, applied };
    });
    const { invitation, provisioned, applied } = outcome;
    const actor = { principal: null, meta, fallbackId: `invitation:${invitation.email}` };
    if (provisioned.created) await this.audit.record(actor, userCreatedEntry(provisioned));
    await this.audit.record(actor, {
      action: 'accept_invitation',
      resourceType: 'team_invitation',
      resourceId: invitation.id,
      resourceName: invitation.email,
      teamId: invitation.teamId,
      oldValues: invitationView(invitation),
    });
    await this.members.record(actor, invitation.teamId, invitation.email, applied, { invitation_id: invitation.id });
    return {
      team_id: invitation.teamId,
      user_email: invitation.email,
      role: applied.member?.role ?? invitation.role,
      user_created: provisioned.created,
      user_pending_approval: provisioned.pending,
    };
  }

  async decline(meta: RequestMeta, token: string): Promise<void> {
    const invitation = await this.db.transaction((tx) => this.consume(tx.getRepository(EmailTeamInvitation), token));
    await this.audit.record(
      { principal: null, meta, fallbackId: `invitation:${invitation.email}` },
      {
        action: 'decline_invitation',
        resourceType: 'team_invitation',
        resourceId: invitation.id,
        resourceName: invitation.email,
        teamId: invitation.teamId,
        oldValues: invitationView(invitation),
      },
    );
  }

  /** The active, unexpired invitation of this token, locked and used up; 404 otherwise, whatever the reason. */
  private async consume(repo: Repository<EmailTeamInvitation>, token: string): Promise<EmailTeamInvitation> {
    const row = await repo.findOne({
      where: { token: hashToken(token), isActive: true, expiresAt: MoreThan(new Date()) },
      lock: { mode: 'pessimistic_write' },
    });
    if (!row) throw new NotFoundException(UNKNOWN);
    await repo.update({ id: row.id }, { isActive: false });
    return row;
  }
}
