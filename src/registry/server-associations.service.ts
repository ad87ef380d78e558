import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { CORE_DB } from '../database/roles';
import { AuditEntry, AuditService } from '../logs/audit.service';
import { canChange } from './access';
import { RegistryRow, resourceByPath } from './registry-resource';
import { badField } from '../common/field-errors';
import { ListQueryDto } from './dto/common.dto';
import { Page, RegistryService } from './registry.service';

/** The four association tables of a virtual server, by URL segment. */
export const ASSOCIATIONS = {
  tools: { table: 'server_tool_association', column: 'tool_id' },
  resources: { table: 'server_resource_association', column: 'resource_id' },
  prompts: { table: 'server_prompt_association', column: 'prompt_id' },
  'a2a-agents': { table: 'server_a2a_association', column: 'a2a_agent_id' },
} as const;
type Kind = keyof typeof ASSOCIATIONS;

function associationOf(kind: string): (typeof ASSOCIATIONS)[Kind] {
  if (!Object.hasOwn(ASSOCIATIONS, kind)) throw badField('kind', `kind must be one of ${Object.keys(ASSOCIATIONS).join(', ')}`);
  return ASSOCIATIONS[kind as Kind];
}

const SERVERS = resourceByPath('servers');

/**
 * A virtual server's members (tools, resources, prompts, A2A agents). Changing them needs
 * the right to change the server and to see the member; every change is audited.
 */
@Injectable()
export class ServerAssociationsService {
  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly registry: RegistryService,
    private readonly audit: AuditService,
  ) {}

  /**
   * The server's members of one kind that the caller may see, paged like the registry's lists
   * (cursor, filters). A server the caller may not see answers 404, as a missing one.
   */
  async members(principal: Principal, meta: RequestMeta, serverId: string, kind: string, query: ListQueryDto): Promise<Page> {
    const { table, column } = associationOf(kind);
    await this.registry.findVisible(SERVERS, principal, meta, serverId, PERMISSIONS.registryRead);
    return this.registry.list(resourceByPath(kind), principal, query, (qb) =>
      qb.andWhere(`e.id IN (SELECT a."${column}" FROM "${table}" a WHERE a.server_id = :serverId)`, { serverId }),
    );
  }

  /** Idempotent: an existing association changes nothing and is not audited again. */
  async associate(principal: Principal, meta: RequestMeta, serverId: string, kind: string, memberId: string): Promise<void> {
    const { table, column, server } = await this.check(principal, meta, serverId, kind, memberId);
    const rows: unknown[] = await this.db.query(
      `INSERT INTO "${table}" (server_id, "${column}") VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING server_id`,
      [serverId, memberId],
    );
    if (rows.length === 0) return; // already associated: nothing changed, nothing to audit
    await this.recordChange(principal, meta, server, { action: 'associate', newValues: { server_id: serverId, [column]: memberId } });
  }

  /** 404 when there is no such association. */
  async dissociate(principal: Principal, meta: RequestMeta, serverId: string, kind: string, memberId: string): Promise<void> {
    const { table, column, server } = await this.check(principal, meta, serverId, kind, memberId);
    // TypeORM answers a DELETE with [rows, affected].
    const [rows] = (await this.db.query(`DELETE FROM "${table}" WHERE server_id = $1 AND "${column}" = $2 RETURNING server_id`, [
      serverId,
      memberId,
    ])) as [unknown[], number];
    if (rows.length === 0) throw new NotFoundException(`server ${serverId} has no ${column} ${memberId}`);
    await this.recordChange(principal, meta, server, { action: 'dissociate', oldValues: { server_id: serverId, [column]: memberId } });
  }

  /** The permission decision and the audit row of a change to one of the server's associations. */
  private async recordChange(
    principal: Principal,
    meta: RequestMeta,
    server: RegistryRow,
    change: Pick<AuditEntry, 'action' | 'oldValues' | 'newValues'>,
  ): Promise<void> {
    this.registry.decision(principal, meta, SERVERS, server.id, server.teamId, true);
    await this.audit.record(
      { principal, meta },
      {
        ...change,
        resourceType: 'server',
        resourceId: server.id,
        resourceName: (server as unknown as { name: string }).name,
        teamId: server.teamId,
      },
    );
  }

  private async check(principal: Principal, meta: RequestMeta, serverId: string, kind: string, memberId: string) {
    const { table, column } = associationOf(kind);
    const server = await this.registry.findVisible(SERVERS, principal, meta, serverId, PERMISSIONS.registryWrite);
    if (!canChange(principal, server))
      this.registry.deny(principal, meta, SERVERS, serverId, server.teamId, 'you may change only servers you own or of your teams');
    await this.registry.findVisible(resourceByPath(kind), principal, meta, memberId, PERMISSIONS.registryRead);
    return { table, column, server };
  }
}
