import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager } from 'typeorm';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { badField } from '../common/field-errors';
import { uuidv7 } from '../common/ids';
import { SQLSTATE, sqlState } from '../common/pg-errors';
import { EmailTeam } from '../core/entities/email-team.entity';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { PermissionAuditService } from '../logs/permission-audit.service';
import { decodeListCursor, encodeListCursor } from '../registry/cursor';
import { REGISTRY_RESOURCES } from '../registry/registry-resource';
import { CreateTeamDto, TeamListQueryDto, UpdateTeamDto } from './dto/teams.dto';
import { teamView } from './identity-views';
import { MemberLedger } from './member-ledger';
import { canManageTeam, canSeeTeam, MEMBER_ACTION, managesAllTeams } from './team-rules';

export interface TeamAccess {
  team: EmailTeam;
  /** The caller's active role in the team, or null. */
  role: string | null;
}

/**
 * Teams: visibility (a team the caller may not see answers exactly like a missing one),
 * who manages them (owners, admins), and their own fields. Membership lives in MemberLedger.
 */
@Injectable()
export class TeamsService {
  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly permissions: PermissionAuditService,
  ) {}

  /** The team when the caller may see it; 404 otherwise, the same as for a missing one (the denial recorded). */
  async visible(principal: Principal, meta: RequestMeta, teamId: string, tx: EntityManager = this.db.manager): Promise<TeamAccess> {
    const team = await tx.getRepository(EmailTeam).findOneBy({ id: teamId });
    if (team && canSeeTeam(principal, team)) return { team, role: await MemberLedger.roleOf(tx, teamId, principal.email) };
    if (team) this.decision(principal, meta, teamId, PERMISSIONS.teamsRead, false);
    throw new NotFoundException(`no team ${teamId}`);
  }

  /** The team when the caller manages it (its owner, or an admin); 404 when hidden, 403 when visible only. */
  async managed(principal: Principal, meta: RequestMeta, teamId: string, tx?: EntityManager): Promise<TeamAccess> {
    const access = await this.visible(principal, meta, teamId, tx);
    if (!canManageTeam(principal, access.role)) {
      this.decision(principal, meta, teamId, PERMISSIONS.teamsWrite, false);
      throw new ForbiddenException(`only owners of team ${access.team.slug} may do this`);
    }
    return access;
  }

  /** Records a team permission decision in permission_audit_log. */
  decision(principal: Principal, meta: RequestMeta, teamId: string, permission: string, granted: boolean): void {
    this.permissions.record(principal, meta, { permission, granted, resourceType: 'team', resourceId: teamId, teamId });
  }

  /** The creator becomes the team's first owner (history row included), in one transaction. */
  async create(principal: Principal, meta: RequestMeta, dto: CreateTeamDto) {
    const team = this.db.getRepository(EmailTeam).create({
      id: uuidv7(),
      name: dto.name,
      slug: dto.slug,
      description: dto.description ?? null,
      createdBy: principal.email,
      isPersonal: false,
      visibility: dto.visibility ?? 'private',
      isActive: true,
    });
    try {
      await this.db.transaction(async (tx) => {
        await tx.getRepository(EmailTeam).insert(team);
        await MemberLedger.apply(tx, {
          teamId: team.id,
          email: principal.email,
          next: { role: 'owner' },
          by: principal.email,
          joined: MEMBER_ACTION.added,
        });
      });
    } catch (error) {
      if (sqlState(error) === SQLSTATE.uniqueViolation) throw new ConflictException(`a team with slug ${dto.slug} exists already`);
      throw error;
    }
    const created = await this.db.getRepository(EmailTeam).findOneByOrFail({ id: team.id });
    await this.audit.record(
      { principal, meta },
      {
        action: 'create',
        resourceType: 'team',
        resourceId: team.id,
        resourceName: team.name,
        teamId: team.id,
        newValues: teamView(created),
      },
    );
    return teamView(created);
  }

  /** The caller's teams (admins: all), oldest first; `visibility=public`: every public team. */
  async list(principal: Principal, query: TeamListQueryDto) {
    const limit = query.limit ?? 50;
    const qb = this.db.getRepository(EmailTeam).createQueryBuilder('t');
    if (!managesAllTeams(principal)) {
      qb.andWhere(
        new Brackets((w) => {
          w.where('false');
          if (principal.teams.length) w.orWhere('t.id IN (:...mine)', { mine: principal.teams });
          if (query.visibility === 'public') w.orWhere(`t.visibility = 'public'`);
        }),
      );
    }
    if (query.visibility !== undefined) qb.andWhere('t.visibility = :visibility', { visibility: query.visibility });
    if (query.cursor !== undefined) {
      const after = decodeListCursor(query.cursor);
      if (!after) throw badField('cursor', 'cursor must be a next_cursor value returned by a previous page');
      qb.andWhere('t.id > :after', { after });
    }
    const rows = await qb
      .orderBy('t.id', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    return { items: page.map(teamView), next_cursor: rows.length > limit ? encodeListCursor(page[page.length - 1].id) : null };
  }

  async get(principal: Principal, meta: RequestMeta, teamId: string) {
    const { team, role } = await this.visible(principal, meta, teamId);
    return { ...teamView(team), your_role: role };
  }

  /** Name, description, visibility (private / public). */
  async update(principal: Principal, meta: RequestMeta, teamId: string, dto: UpdateTeamDto) {
    const changes: Partial<EmailTeam> = {};
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.description !== undefined) changes.description = dto.description;
    if (dto.visibility !== undefined) changes.visibility = dto.visibility;
    if (!Object.keys(changes).length) throw badField('name', 'nothing to change: send name, description or visibility');
    const { team: before } = await this.managed(principal, meta, teamId);
    await this.db.getRepository(EmailTeam).update({ id: teamId }, changes);
    const after = await this.db.getRepository(EmailTeam).findOneByOrFail({ id: teamId });
    this.decision(principal, meta, teamId, PERMISSIONS.teamsWrite, true);
    await this.audit.record(
      { principal, meta },
      {
        action: 'update',
        resourceType: 'team',
        resourceId: teamId,
        resourceName: after.name,
        teamId,
        oldValues: teamView(before),
        newValues: teamView(after),
      },
    );
    return teamView(after);
  }

  /**
   * Refused (409, naming the types) while registry entities belong to the team: move or delete
   * them first, so that no entity is left with a team_id that names no team. Members, history,
   * invitations and join requests go with the team; the audit trail keeps every change.
   */
  async remove(principal: Principal, meta: RequestMeta, teamId: string): Promise<void> {
    const team = await this.db.transaction(async (tx) => {
      const { team } = await this.managed(principal, meta, teamId, tx);
      await tx.query(`SELECT id FROM email_teams WHERE id = $1 FOR UPDATE`, [teamId]);
      const owned: string[] = [];
      for (const r of REGISTRY_RESOURCES) {
        const table = tx.connection.getMetadata(r.entity).tableName;
        const [hit] = (await tx.query(`SELECT 1 FROM "${table}" WHERE team_id = $1 LIMIT 1`, [teamId])) as unknown[];
        if (hit) owned.push(r.path);
      }
      if (owned.length)
        throw new ConflictException(`team ${team.slug} still owns registry entities (${owned.join(', ')}): move or delete them first`);
      await tx.getRepository(EmailTeam).delete({ id: teamId });
      return team;
    });
    this.decision(principal, meta, teamId, PERMISSIONS.teamsWrite, true);
    await this.audit.record(
      { principal, meta },
      { action: 'delete', resourceType: 'team', resourceId: teamId, resourceName: team.name, teamId, oldValues: teamView(team) },
    );
  }
}
