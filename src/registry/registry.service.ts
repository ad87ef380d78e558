import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityMetadata, SelectQueryBuilder } from 'typeorm';
import { uuidv7 } from '../common/ids';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { PermissionAuditService } from '../logs/permission-audit.service';
import { canChange, canSee, canUseTeam } from './access';
import { decodeCursor, encodeCursor } from './cursor';
import { ListQueryDto } from './dto/common.dto';
import { RegistryResource, RegistryRow } from './registry-resource';

export type ApiObject = Record<string, unknown>;

export interface Page {
  items: ApiObject[];
  next_cursor: string | null;
}

export const DEFAULT_PAGE = 50;

/** Columns the server manages: never taken from input. */
const SERVER_MANAGED = new Set(['id', 'created_at', 'updated_at', 'version', 'owner_email', 'created_by', 'modified_by']);

/**
 * The one CRUD implementation behind the nine registry types: visibility-scoped reads,
 * team-checked writes, optimistic concurrency on `version`, and for every change one
 * audit row (old and new values, secrets masked) and a permission decision.
 */
@Injectable()
export class RegistryService {
  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly permissions: PermissionAuditService,
  ) {}

  async list(def: RegistryResource, p: Principal, query: ListQueryDto): Promise<Page> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const qb = this.db.getRepository(def.entity).createQueryBuilder('e');
    this.scopeToVisible(qb, p);
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor);
      if (!after) throw badField('cursor', 'cursor must be a next_cursor value returned by a previous page');
      qb.andWhere('e.id > :after', { after });
    }
    if (query.tags?.length) qb.andWhere('e.tags @> :tags::jsonb', { tags: JSON.stringify(query.tags) });
    if (query.team_id !== undefined) qb.andWhere('e.team_id = :teamId', { teamId: query.team_id });
    if (query.visibility !== undefined) qb.andWhere('e.visibility = :visibility', { visibility: query.visibility });
    if (query.enabled !== undefined) qb.andWhere('e.enabled = :enabled', { enabled: query.enabled });
    const rows = await qb
      .orderBy('e.id', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => this.toApi(def, row)),
      next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }

  async get(def: RegistryResource, p: Principal, meta: RequestMeta, id: string): Promise<ApiObject> {
    return this.toApi(def, await this.findVisible(def, p, meta, id, PERMISSIONS.registryRead));
  }

  async create(def: RegistryResource, p: Principal, meta: RequestMeta, input: ApiObject): Promise<ApiObject> {
    const values = { ...input, ...(def.defaults?.(input) ?? {}) };
    const teamId = (values.team_id as string | null | undefined) ?? null;
    this.checkScope(def, p, meta, null, teamId, (values.visibility as string | undefined) ?? 'public');
    const repo = this.db.getRepository(def.entity);
    const entity = repo.create({
      ...this.fromApi(def, values),
      id: uuidv7(),
      ownerEmail: p.email,
      createdBy: p.email,
      modifiedBy: p.email,
    } as RegistryRow);
    await repo.insert(entity);
    const created = await repo.findOneByOrFail({ id: entity.id } as never);
    this.decision(p, meta, def, created.id, created.teamId, true);
    const after = this.toAudit(def, created);
    await this.audit.record(
      { principal: p, meta },
      {
        action: 'create',
        resourceType: def.type,
        resourceId: created.id,
        resourceName: nameOf(def, after),
        teamId: created.teamId,
        newValues: after,
      },
    );
    return this.toApi(def, created);
  }

  async update(def: RegistryResource, p: Principal, meta: RequestMeta, id: string, input: ApiObject): Promise<ApiObject> {
    const { version, ...changes } = input as ApiObject & { version: number };
    const current = await this.findVisible(def, p, meta, id, PERMISSIONS.registryWrite);
    const teamId = changes.team_id !== undefined ? ((changes.team_id as string | null) ?? null) : current.teamId;
    const visibility = (changes.visibility as string | undefined) ?? current.visibility;
    if (!canChange(p, current)) this.deny(p, meta, def, id, current.teamId, 'you may change only entities you own or of your teams');
    this.checkScope(def, p, meta, id, teamId, visibility);
    if (current.version !== version) throw stale(def, id, version, current.version);

    const result = await this.db
      .createQueryBuilder()
      .update(def.entity)
      .set({ ...this.fromApi(def, changes), modifiedBy: p.email } as never)
      .where('id = :id AND version = :version', { id, version })
      .execute();
    if (!result.affected) {
      const now = await this.db.getRepository(def.entity).findOneBy({ id } as never);
      if (!now) throw new NotFoundException(`${def.type} ${id} not found`);
      throw stale(def, id, version, now.version);
    }
    const updated = await this.db.getRepository(def.entity).findOneByOrFail({ id } as never);
    this.decision(p, meta, def, id, updated.teamId, true);
    const after = this.toAudit(def, updated);
    await this.audit.record(
      { principal: p, meta },
      {
        action: 'update',
        resourceType: def.type,
        resourceId: id,
        resourceName: nameOf(def, after),
        teamId: updated.teamId,
        oldValues: this.toAudit(def, current),
        newValues: after,
      },
    );
    return this.toApi(def, updated);
  }

  async remove(def: RegistryResource, p: Principal, meta: RequestMeta, id: string, version: number | undefined): Promise<void> {
    const current = await this.findVisible(def, p, meta, id, PERMISSIONS.registryWrite);
    if (!canChange(p, current)) this.deny(p, meta, def, id, current.teamId, 'you may delete only entities you own or of your teams');
    if (version !== undefined && version !== current.version) throw stale(def, id, version, current.version);
    const result = await this.db
      .createQueryBuilder()
      .delete()
      .from(def.entity)
      .where('id = :id AND version = :version', { id, version: current.version })
      .execute();
    if (!result.affected) throw new ConflictException(`${def.type} ${id} changed while being deleted; read it again`);
    this.decision(p, meta, def, id, current.teamId, true);
    const before = this.toAudit(def, current);
    await this.audit.record(
      { principal: p, meta },
      {
        action: 'delete',
        resourceType: def.type,
        resourceId: id,
        resourceName: nameOf(def, before),
        teamId: current.teamId,
        oldValues: before,
      },
    );
  }

  /**
   * The entity when the caller may see it. An entity the caller may not see is reported
   * exactly like a missing one (404), so ids of other teams' private entities do not leak;
   * the denial is still recorded.
   */
  async findVisible(def: RegistryResource, p: Principal, meta: RequestMeta, id: string, permission: string): Promise<RegistryRow> {
    const row = await this.db.getRepository(def.entity).findOneBy({ id } as never);
    if (row && canSee(p, row)) return row;
    if (row) this.permissions.record(p, meta, { permission, granted: false, resourceType: def.type, resourceId: id, teamId: row.teamId });
    throw new NotFoundException(`${def.type} ${id} not found`);
  }

  /** API representation: snake_case columns; secrets replaced by `<column>_set`. */
  toApi(def: RegistryResource, row: RegistryRow): ApiObject {
    const out: ApiObject = {};
    for (const column of this.columns(def)) {
      const value = (row as unknown as Record<string, unknown>)[column.propertyName];
      if (def.secrets.includes(column.databaseName)) out[`${column.databaseName}_set`] = value !== null && value !== undefined;
      else out[column.databaseName] = value instanceof Date ? value.toISOString() : value;
    }
    return out;
  }

  /** Audit representation: every column, secrets included (AuditService masks them). */
  toAudit(def: RegistryResource, row: RegistryRow): ApiObject {
    const out: ApiObject = {};
    for (const column of this.columns(def)) {
      const value = (row as unknown as Record<string, unknown>)[column.propertyName];
      out[column.databaseName] = value instanceof Date ? value.toISOString() : value;
    }
    return out;
  }

  decision(
    p: Principal,
    meta: RequestMeta,
    def: RegistryResource,
    id: string | null,
    teamId: string | null,
    granted: boolean,
    permission: string = PERMISSIONS.registryWrite,
  ): void {
    this.permissions.record(p, meta, { permission, granted, resourceType: def.type, resourceId: id, teamId });
  }

  deny(p: Principal, meta: RequestMeta, def: RegistryResource, id: string | null, teamId: string | null, reason: string): never {
    this.decision(p, meta, def, id, teamId, false);
    throw new ForbiddenException(reason);
  }

  private checkScope(
    def: RegistryResource,
    p: Principal,
    meta: RequestMeta,
    id: string | null,
    teamId: string | null,
    visibility: string,
  ): void {
    if (visibility === 'team' && teamId === null) throw badField('visibility', 'visibility team needs a team_id');
    if (!canUseTeam(p, teamId)) this.deny(p, meta, def, id, teamId, `you are not a member of team ${teamId}`);
  }

  private scopeToVisible(qb: SelectQueryBuilder<RegistryRow>, p: Principal): void {
    if (p.unrestricted) return;
    qb.andWhere(
      new Brackets((w) => {
        w.where(`e.visibility = 'public'`).orWhere('e.owner_email = :me', { me: p.email });
        if (p.teams.length) w.orWhere(`(e.visibility = 'team' AND e.team_id IN (:...teams))`, { teams: p.teams });
      }),
    );
  }

  private metadata(def: RegistryResource): EntityMetadata {
    return this.db.getMetadata(def.entity);
  }

  private columns(def: RegistryResource) {
    return this.metadata(def).columns.filter((c) => !c.relationMetadata || c.propertyName !== c.relationMetadata.propertyName);
  }

  /** Input (snake_case) → entity properties. Null is refused for columns that cannot hold it. */
  private fromApi(def: RegistryResource, input: ApiObject): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const columns = this.columns(def);
    for (const [key, value] of Object.entries(input)) {
      if (value === undefined || SERVER_MANAGED.has(key)) continue;
      const column = columns.find((c) => c.databaseName === key);
      if (!column) continue;
      if (value === null && !column.isNullable) throw badField(key, `${key} cannot be null`);
      out[column.propertyName] = value;
    }
    return out;
  }
}

function nameOf(def: RegistryResource, values: ApiObject): string | null {
  const name = values[def.nameColumn];
  return typeof name === 'string' ? name : null;
}

function stale(def: RegistryResource, id: string, given: number, current: number): ConflictException {
  return new ConflictException(`${def.type} ${id} is at version ${current}, not ${given}: read it again and retry`);
}

export function badField(field: string, reason: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, message: `invalid request: ${reason}`, errors: [{ field, reason }] });
}
