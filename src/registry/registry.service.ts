import { ConflictException, ForbiddenException, Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, SelectQueryBuilder } from 'typeorm';
import { badField } from '../common/field-errors';
import { uuidv7 } from '../common/ids';
import { SecretBox, SecretKeys, SecretsUnavailableError } from '../common/secret-box';
import { InjectSettings } from '../config/settings';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { CORE_DB } from '../database/roles';
import { ApiObject, apiColumns, rowToApi } from '../http/api-json';
import { AuditService } from '../logs/audit.service';
import { PermissionAuditService } from '../logs/permission-audit.service';
import { canChange, canSee, canUseTeam } from './access';
import { CURSOR_RULE } from '../common/cursor';
import { decodeListCursor, encodeListCursor } from './cursor';
import { ListQueryDto } from './dto/common.dto';
import { RegistryResource, resourceByPath, RegistryRow } from './registry-resource';
import { RegistrySecrets, withoutSecrets } from './registry-secrets';

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
  private readonly secrets: RegistrySecrets;

  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly permissions: PermissionAuditService,
    @InjectSettings('secrets') keys: SecretKeys,
  ) {
    this.secrets = new RegistrySecrets(new SecretBox(keys));
    if (!keys.active)
      new Logger('Secrets').warn(
        keys.production
          ? 'NODE_ENV=production and SECRET_KEY is not set: changes that carry a secret are refused (503)'
          : 'SECRET_KEY is not set: registry secrets are stored in clear (development only; see docs/operations.md, "Secret encryption")',
      );
  }

  /** `narrow` restricts the list further (a server's members), on the alias `e`. */
  async list(
    resource: RegistryResource,
    principal: Principal,
    query: ListQueryDto,
    narrow?: (qb: SelectQueryBuilder<RegistryRow>) => void,
  ): Promise<Page> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const qb = this.db.getRepository(resource.entity).createQueryBuilder('e');
    this.scopeToVisible(qb, principal);
    narrow?.(qb);
    if (query.cursor !== undefined) {
      const after = decodeListCursor(query.cursor);
      if (!after) throw badField('cursor', `cursor ${CURSOR_RULE}`);
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
      items: page.map((row) => this.toApi(resource, row, principal)),
      next_cursor: rows.length > limit ? encodeListCursor(page[page.length - 1].id) : null,
    };
  }

  async get(resource: RegistryResource, principal: Principal, meta: RequestMeta, id: string): Promise<ApiObject> {
    return this.toApi(resource, await this.findVisible(resource, principal, meta, id, PERMISSIONS.registryRead), principal);
  }

  async create(resource: RegistryResource, principal: Principal, meta: RequestMeta, input: ApiObject): Promise<ApiObject> {
    const values = { ...input, ...(resource.defaults?.(input) ?? {}) };
    const teamId = (values.team_id as string | null | undefined) ?? null;
    this.checkScope(resource, principal, meta, null, teamId, (values.visibility as string | undefined) ?? 'public');
    await this.checkReferences(resource, principal, meta, values);
    const repo = this.db.getRepository(resource.entity);
    const id = uuidv7();
    const entity = repo.create({
      ...this.fromApi(resource, this.seal(resource, id, values, null)),
      id,
      ownerEmail: principal.email,
      createdBy: principal.email,
      modifiedBy: principal.email,
    } as RegistryRow);
    await repo.insert(entity);
    const created = await repo.findOneByOrFail({ id: entity.id } as never);
    this.decision(principal, meta, resource, created.id, created.teamId, true);
    const after = this.toAudit(resource, created);
    await this.audit.record(
      { principal, meta },
      {
        action: 'create',
        resourceType: resource.type,
        resourceId: created.id,
        resourceName: nameOf(resource, after),
        teamId: created.teamId,
        newValues: after,
      },
    );
    return this.toApi(resource, created, principal);
  }

  async update(resource: RegistryResource, principal: Principal, meta: RequestMeta, id: string, input: ApiObject): Promise<ApiObject> {
    const { version, ...changes } = input as ApiObject & { version: number };
    const current = await this.findVisible(resource, principal, meta, id, PERMISSIONS.registryWrite);
    const teamId = changes.team_id !== undefined ? ((changes.team_id as string | null) ?? null) : current.teamId;
    const visibility = (changes.visibility as string | undefined) ?? current.visibility;
    if (!canChange(principal, current))
      this.deny(principal, meta, resource, id, current.teamId, 'you may change only entities you own or of your teams');
    this.checkScope(resource, principal, meta, id, teamId, visibility);
    await this.checkReferences(resource, principal, meta, changes);
    if (current.version !== version) throw stale(resource, id, version, current.version);

    const result = await this.db
      .createQueryBuilder()
      .update(resource.entity)
      .set({
        ...this.fromApi(resource, this.seal(resource, id, changes, this.toAudit(resource, current))),
        modifiedBy: principal.email,
      } as never)
      .where('id = :id AND version = :version', { id, version })
      .execute();
    if (!result.affected) {
      const now = await this.db.getRepository(resource.entity).findOneBy({ id } as never);
      if (!now) throw new NotFoundException(`${resource.type} ${id} not found`);
      throw stale(resource, id, version, now.version);
    }
    const updated = await this.db.getRepository(resource.entity).findOneByOrFail({ id } as never);
    this.decision(principal, meta, resource, id, updated.teamId, true);
    const after = this.toAudit(resource, updated);
    await this.audit.record(
      { principal, meta },
      {
        action: 'update',
        resourceType: resource.type,
        resourceId: id,
        resourceName: nameOf(resource, after),
        teamId: updated.teamId,
        oldValues: this.toAudit(resource, current),
        newValues: after,
      },
    );
    return this.toApi(resource, updated, principal);
  }

  async remove(
    resource: RegistryResource,
    principal: Principal,
    meta: RequestMeta,
    id: string,
    version: number | undefined,
  ): Promise<void> {
    const current = await this.findVisible(resource, principal, meta, id, PERMISSIONS.registryWrite);
    if (!canChange(principal, current))
      this.deny(principal, meta, resource, id, current.teamId, 'you may delete only entities you own or of your teams');
    if (version !== undefined && version !== current.version) throw stale(resource, id, version, current.version);
    const result = await this.db
      .createQueryBuilder()
      .delete()
      .from(resource.entity)
      .where('id = :id AND version = :version', { id, version: current.version })
      .execute();
    if (!result.affected) {
      // Lost a race: gone (another delete won) is a missing entity, changed is a conflict.
      const now = await this.db.getRepository(resource.entity).findOneBy({ id } as never);
      if (!now) throw new NotFoundException(`${resource.type} ${id} not found`);
      throw new ConflictException(`${resource.type} ${id} changed while being deleted; read it again`);
    }
    this.decision(principal, meta, resource, id, current.teamId, true);
    const before = this.toAudit(resource, current);
    await this.audit.record(
      { principal, meta },
      {
        action: 'delete',
        resourceType: resource.type,
        resourceId: id,
        resourceName: nameOf(resource, before),
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
  async findVisible(
    resource: RegistryResource,
    principal: Principal,
    meta: RequestMeta,
    id: string,
    permission: string,
  ): Promise<RegistryRow> {
    const row = await this.db.getRepository(resource.entity).findOneBy({ id } as never);
    if (row && canSee(principal, row)) return row;
    if (row) this.decision(principal, meta, resource, id, row.teamId, false, permission);
    throw new NotFoundException(`${resource.type} ${id} not found`);
  }

  /** Ids of one type the caller may see, or null when it sees every entity (admin). Core only: callers in other roles filter by them. */
  async visibleIds(resource: RegistryResource, principal: Principal): Promise<string[] | null> {
    if (principal.unrestricted) return null;
    const qb = this.db.getRepository(resource.entity).createQueryBuilder('e').select('e.id', 'id');
    this.scopeToVisible(qb, principal);
    return (await qb.getRawMany<{ id: string }>()).map((r) => r.id);
  }

  /** API representation: secrets replaced by `<column>_set` or masked, header values shown to managers only. */
  private toApi(resource: RegistryResource, row: RegistryRow, principal: Principal): ApiObject {
    return withoutSecrets(resource, this.toAudit(resource, row), canChange(principal, row));
  }

  /** Input with its secrets sealed for storage; 503 saying why when this instance may not store secrets. */
  private seal(resource: RegistryResource, id: string, input: ApiObject, stored: ApiObject | null): ApiObject {
    try {
      return this.secrets.seal(resource, this.db.getMetadata(resource.entity).tableName, id, input, stored);
    } catch (error) {
      if (error instanceof SecretsUnavailableError) throw new ServiceUnavailableException(error.message);
      throw error;
    }
  }

  /** Audit representation: every column, secrets included (AuditService masks them). */
  private toAudit(resource: RegistryResource, row: RegistryRow): ApiObject {
    return rowToApi(this.db.getMetadata(resource.entity), row);
  }

  decision(
    principal: Principal,
    meta: RequestMeta,
    resource: RegistryResource,
    id: string | null,
    teamId: string | null,
    granted: boolean,
    permission: string = PERMISSIONS.registryWrite,
  ): void {
    this.permissions.record(principal, meta, { permission, granted, resourceType: resource.type, resourceId: id, teamId });
  }

  deny(
    principal: Principal,
    meta: RequestMeta,
    resource: RegistryResource,
    id: string | null,
    teamId: string | null,
    reason: string,
  ): never {
    this.decision(principal, meta, resource, id, teamId, false);
    throw new ForbiddenException(reason);
  }

  private checkScope(
    resource: RegistryResource,
    principal: Principal,
    meta: RequestMeta,
    id: string | null,
    teamId: string | null,
    visibility: string,
  ): void {
    if (visibility === 'team' && teamId === null) throw badField('visibility', 'visibility team needs a team_id');
    if (!canUseTeam(principal, teamId)) this.deny(principal, meta, resource, id, teamId, `you are not a member of team ${teamId}`);
  }

  /**
   * Each entity the input refers to (a tool's gateway, a model's provider) must be one the
   * caller may see. One that is hidden answers exactly like one that does not exist (the
   * denial is recorded), so a reference cannot probe for other teams' ids; and a missing one
   * never reaches the foreign key, whose error would name the table.
   */
  private async checkReferences(resource: RegistryResource, principal: Principal, meta: RequestMeta, input: ApiObject): Promise<void> {
    // team_id is a soft reference (no foreign key): checked like the others, for admins too.
    if (typeof input.team_id === 'string') {
      const [team] = (await this.db.query(`SELECT 1 FROM email_teams WHERE id = $1`, [input.team_id])) as unknown[];
      if (!team) throw badField('team_id', `team_id ${input.team_id} is not a team`);
    }
    for (const { column, path } of resource.references ?? []) {
      const id = input[column];
      if (typeof id !== 'string') continue;
      const target = resourceByPath(path);
      const row = await this.db.getRepository(target.entity).findOneBy({ id } as never);
      if (row && canSee(principal, row)) continue;
      if (row) this.decision(principal, meta, target, id, row.teamId, false, PERMISSIONS.registryRead);
      throw badField(column, `${column} ${id} is not a ${target.type} you can see`);
    }
  }

  private scopeToVisible(qb: SelectQueryBuilder<RegistryRow>, principal: Principal): void {
    if (principal.unrestricted) return;
    qb.andWhere(
      new Brackets((w) => {
        w.where(`e.visibility = 'public'`).orWhere('e.owner_email = :me', { me: principal.email });
        if (principal.teams.length) w.orWhere(`(e.visibility = 'team' AND e.team_id IN (:...teams))`, { teams: principal.teams });
      }),
    );
  }

  /** Input (snake_case) → entity properties. Null is refused for columns that cannot hold it. */
  private fromApi(resource: RegistryResource, input: ApiObject): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const columns = apiColumns(this.db.getMetadata(resource.entity));
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

function nameOf(resource: RegistryResource, values: ApiObject): string | null {
  const name = values[resource.nameColumn];
  return typeof name === 'string' ? name : null;
}

function stale(resource: RegistryResource, id: string, given: number, current: number): ConflictException {
  return new ConflictException(`${resource.type} ${id} is at version ${current}, not ${given}: read it again and retry`);
}
