import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { badField } from '../common/field-errors';
import { EmailTeamMember } from '../core/entities/email-team-member.entity';
import { EmailTeamMemberHistory } from '../core/entities/email-team-member-history.entity';
import { EmailUser } from '../core/entities/email-user.entity';
import { CORE_DB } from '../database/roles';
import { Actor, AuditService } from '../logs/audit.service';
import { decodeListCursor, encodeListCursor } from '../registry/cursor';
import { PageQueryDto } from './dto/page.dto';
import { historyView, memberView } from './identity-views';
import { AppliedChange, MemberLedger, MembershipChange } from './member-ledger';
import { canManageTeam, managesAllTeams, MEMBER_ACTION } from './team-rules';
import { TeamsService } from './teams.service';

/** Team members: listed to whoever sees the team; changed by its owners (and admins), or left by the member. */
@Injectable()
export class TeamMembersService {
  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly teams: TeamsService,
    private readonly audit: AuditService,
  ) {}

  /** Active members, oldest membership row first. */
  async list(principal: Principal, meta: RequestMeta, teamId: string, query: PageQueryDto) {
    await this.teams.visible(principal, meta, teamId);
    const limit = query.limit ?? 50;
    const qb = this.db.getRepository(EmailTeamMember).createQueryBuilder('m').where('m.team_id = :teamId AND m.is_active', { teamId });
    this.after(qb, query.cursor, 'm');
    const rows = await qb
      .orderBy('m.id', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    return { items: page.map(memberView), next_cursor: rows.length > limit ? encodeListCursor(page[page.length - 1].id) : null };
  }

  /** Membership changes, oldest first: to the team's members and admins. */
  async history(principal: Principal, meta: RequestMeta, teamId: string, query: PageQueryDto) {
    const { role, team } = await this.teams.visible(principal, meta, teamId);
    if (!role && !managesAllTeams(principal)) {
      this.teams.decision(principal, meta, teamId, PERMISSIONS.teamsRead, false);
      throw new ForbiddenException(`only members of team ${team.slug} read its history`);
    }
    const limit = query.limit ?? 50;
    const qb = this.db.getRepository(EmailTeamMemberHistory).createQueryBuilder('h').where('h.team_id = :teamId', { teamId });
    this.after(qb, query.cursor, 'h');
    const rows = await qb
      .orderBy('h.id', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    return { items: page.map(historyView), next_cursor: rows.length > limit ? encodeListCursor(page[page.length - 1].id) : null };
  }

  /**
   * Adds a known user (or sets the role of a member). A user fourfold does not know yet is
   * invited instead (POST /teams/:id/invitations), which needs no account beforehand.
   */
  async add(principal: Principal, meta: RequestMeta, teamId: string, email: string, role: string) {
    const applied = await this.db.transaction(async (tx) => {
      await this.teams.managed(principal, meta, teamId, tx);
      if (!(await tx.getRepository(EmailUser).existsBy({ email })))
        throw new NotFoundException(`no user ${email}: invite them instead (POST /api/v1/teams/${teamId}/invitations)`);
      return MemberLedger.apply(tx, { teamId, email, next: { role }, by: principal.email, joined: MEMBER_ACTION.added });
    });
    await this.record({ principal, meta }, teamId, email, applied);
    return { team_id: teamId, user_email: email, role, added: applied.action === MEMBER_ACTION.added };
  }

  /** 404 when the user is not a member. */
  async changeRole(principal: Principal, meta: RequestMeta, teamId: string, email: string, role: string) {
    const applied = await this.db.transaction(async (tx) => {
      await this.teams.managed(principal, meta, teamId, tx);
      if (!(await MemberLedger.roleOf(tx, teamId, email))) throw new NotFoundException(`${email} is not a member of team ${teamId}`);
      return MemberLedger.apply(tx, { teamId, email, next: { role }, by: principal.email, joined: MEMBER_ACTION.added });
    });
    await this.record({ principal, meta }, teamId, email, applied);
    return applied.member ? memberView(applied.member) : null;
  }

  /** An owner (or admin) removes a member; any member may leave. The last owner may do neither. */
  async remove(principal: Principal, meta: RequestMeta, teamId: string, email: string): Promise<void> {
    const applied = await this.db.transaction(async (tx) => {
      const access = await this.teams.visible(principal, meta, teamId, tx);
      if (email !== principal.email && !canManageTeam(principal, access.role)) {
        this.teams.decision(principal, meta, teamId, PERMISSIONS.teamsWrite, false);
        throw new ForbiddenException(`only owners of team ${access.team.slug} remove others`);
      }
      if (!(await MemberLedger.roleOf(tx, teamId, email))) throw new NotFoundException(`${email} is not a member of team ${teamId}`);
      return MemberLedger.apply(tx, { teamId, email, next: null, by: principal.email, joined: MEMBER_ACTION.added });
    });
    await this.record({ principal, meta }, teamId, email, applied);
  }

  /** Audits an applied change (nothing when nothing changed): for invitations and join requests too. */
  async record(actor: Actor, teamId: string, email: string, applied: AppliedChange, context?: Record<string, unknown>): Promise<void> {
    if (!applied.action) return;
    await this.audit.record(actor, {
      action: `member_${applied.action}`,
      resourceType: 'team_member',
      resourceId: teamId,
      resourceName: email,
      teamId,
      oldValues: applied.before ? { team_id: teamId, user_email: email, ...applied.before } : null,
      newValues: { team_id: teamId, user_email: email, role: applied.member?.role ?? null, is_active: applied.member?.isActive ?? false },
      context,
    });
  }

  /** Runs a membership change in its own transaction (for callers outside a request's team checks). */
  apply(change: MembershipChange): Promise<AppliedChange> {
    return this.db.transaction((tx) => MemberLedger.apply(tx, change));
  }

  private after(qb: { andWhere(sql: string, p: object): unknown }, cursor: string | undefined, alias: string): void {
    if (cursor === undefined) return;
    const after = decodeListCursor(cursor);
    if (!after) throw badField('cursor', 'cursor must be a next_cursor value returned by a previous page');
    qb.andWhere(`${alias}.id > :after`, { after });
  }
}
