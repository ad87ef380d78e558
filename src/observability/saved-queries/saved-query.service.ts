import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { uuidv7 } from '../../common/ids';
import { Principal, RequestMeta } from '../../auth/principal';
import { OBSERVABILITY_DB } from '../../database/roles';
import { AuditService } from '../../logs/audit.service';
import { filterToConfig } from '../query/trace-filter';
import { filterOrBadRequest, TraceQueryService } from '../query/trace-query.service';
import { CreateSavedQueryDto, RunSavedQueryDto, UpdateSavedQueryDto } from './saved-query.dto';

export interface SavedQuery {
  id: string;
  name: string;
  description: string | null;
  user_email: string;
  filter_config: Record<string, unknown>;
  is_shared: boolean;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
  use_count: number;
}

const COLUMNS = `id, name, description, user_email, filter_config, is_shared, created_at, updated_at, last_used_at, use_count`;
const RESOURCE = 'trace_saved_query';

/** Rows with ISO dates. */
const api = (row: Record<string, unknown>): SavedQuery =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])) as unknown as SavedQuery;

/**
 * Saved trace searches. A query is private to its owner, or shared: shared ones are listed
 * for and runnable by everyone with traces.read. Only the owner (or an admin) changes or
 * deletes one; someone else's private query answers 404, exactly like a missing one.
 */
@Injectable()
export class SavedQueryService {
  constructor(
    @InjectDataSource(OBSERVABILITY_DB) private readonly db: DataSource,
    private readonly traces: TraceQueryService,
    private readonly audit: AuditService,
  ) {}

  async list(principal: Principal): Promise<{ items: SavedQuery[] }> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT ${COLUMNS} FROM observability_saved_queries WHERE user_email = $1 OR is_shared ORDER BY name, id LIMIT 1000`,
      [principal.email],
    );
    return { items: rows.map(api) };
  }

  async get(principal: Principal, id: string): Promise<SavedQuery> {
    const [row]: Array<Record<string, unknown>> = await this.db.query(`SELECT ${COLUMNS} FROM observability_saved_queries WHERE id = $1`, [
      id,
    ]);
    const query = row ? api(row) : null;
    if (!query || !(query.is_shared || query.user_email === principal.email || principal.unrestricted))
      throw new NotFoundException(`no saved query ${id}`);
    return query;
  }

  async create(principal: Principal, meta: RequestMeta, dto: CreateSavedQueryDto): Promise<SavedQuery> {
    filterOrBadRequest(dto.filter_config);
    const [row]: Array<Record<string, unknown>> = await this.db.query(
      `INSERT INTO observability_saved_queries (id, name, description, user_email, filter_config, is_shared)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING ${COLUMNS}`,
      [
        uuidv7(),
        dto.name,
        dto.description ?? null,
        principal.email,
        JSON.stringify(filterToConfig(dto.filter_config)),
        dto.is_shared ?? false,
      ],
    );
    const created = api(row);
    await this.audit.record(
      { principal, meta },
      { action: 'create', resourceType: RESOURCE, resourceId: created.id, resourceName: created.name, newValues: { ...created } },
    );
    return created;
  }

  async update(principal: Principal, meta: RequestMeta, id: string, dto: UpdateSavedQueryDto): Promise<SavedQuery> {
    const before = await this.owned(principal, id);
    if (dto.filter_config) filterOrBadRequest(dto.filter_config);
    // TypeORM answers an UPDATE with [rows, affected].
    const [[row]]: [Array<Record<string, unknown>>, number] = await this.db.query(
      `UPDATE observability_saved_queries
          SET name = coalesce($2, name), description = CASE WHEN $3::boolean THEN $4 ELSE description END,
              filter_config = coalesce($5::jsonb, filter_config), is_shared = coalesce($6, is_shared), updated_at = now()
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [
        id,
        dto.name ?? null,
        dto.description !== undefined,
        dto.description ?? null,
        dto.filter_config ? JSON.stringify(filterToConfig(dto.filter_config)) : null,
        dto.is_shared ?? null,
      ],
    );
    if (!row) throw new NotFoundException(`no saved query ${id}`);
    const after = api(row);
    await this.audit.record(
      { principal, meta },
      {
        action: 'update',
        resourceType: RESOURCE,
        resourceId: id,
        resourceName: after.name,
        oldValues: { ...before },
        newValues: { ...after },
      },
    );
    return after;
  }

  async remove(principal: Principal, meta: RequestMeta, id: string): Promise<void> {
    const before = await this.owned(principal, id);
    await this.db.query(`DELETE FROM observability_saved_queries WHERE id = $1`, [id]);
    await this.audit.record(
      { principal, meta },
      { action: 'delete', resourceType: RESOURCE, resourceId: id, resourceName: before.name, oldValues: { ...before } },
    );
  }

  /** Runs the saved filter now (a relative lookback ends now) and counts the use. */
  async run(principal: Principal, id: string, dto: RunSavedQueryDto) {
    const query = await this.get(principal, id);
    const filter = filterOrBadRequest({ ...query.filter_config, ...(dto.limit !== undefined ? { limit: dto.limit } : {}) });
    const result = await this.traces.search(filter, principal, dto.cursor);
    await this.db.query(`UPDATE observability_saved_queries SET use_count = use_count + 1, last_used_at = now() WHERE id = $1`, [id]);
    return { query: { id: query.id, name: query.name, filter_config: query.filter_config }, ...result };
  }

  /** A query the caller may change: 404 when it may not even see it, 403 when it is someone else's shared query. */
  private async owned(principal: Principal, id: string): Promise<SavedQuery> {
    const query = await this.get(principal, id);
    if (query.user_email !== principal.email && !principal.unrestricted)
      throw new ForbiddenException(`saved query ${id} belongs to ${query.user_email}; only its owner changes it`);
    return query;
  }
}
