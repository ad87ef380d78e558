import { Controller, Delete, HttpCode, NotFoundException, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { canChange } from './access';
import { uuidParam } from './registry-controller.factory';
import { resourceByPath } from './registry-resource';
import { badField, RegistryService } from './registry.service';

/** The four association tables of a virtual server, by URL segment. */
const ASSOCIATIONS = {
  tools: { table: 'server_tool_association', column: 'tool_id' },
  resources: { table: 'server_resource_association', column: 'resource_id' },
  prompts: { table: 'server_prompt_association', column: 'prompt_id' },
  'a2a-agents': { table: 'server_a2a_association', column: 'a2a_agent_id' },
} as const;
type Kind = keyof typeof ASSOCIATIONS;

const SERVERS = resourceByPath('servers');

/**
 * `PUT|DELETE /api/v1/servers/:id/{tools|resources|prompts|a2a-agents}/:memberId`. Changing
 * a server's members needs the right to change the server and to see the member.
 */
@ApiTags('servers')
@Controller('api/v1/servers/:id')
export class ServerAssociationsController {
  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly registry: RegistryService,
    private readonly audit: AuditService,
  ) {}

  @Put(':kind/:memberId')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.registryWrite)
  @ApiOperation({ summary: 'Associate a tool, resource, prompt or A2A agent with a server (idempotent)' })
  @ApiParam({ name: 'kind', enum: Object.keys(ASSOCIATIONS) })
  @ApiResponse({ status: 204 })
  async associate(
    @Param('id', uuidParam('id')) serverId: string,
    @Param('kind') kind: string,
    @Param('memberId', uuidParam('memberId')) memberId: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<void> {
    const { table, column, server } = await this.check(kind, serverId, memberId, principal, meta);
    const rows: unknown[] = await this.db.query(
      `INSERT INTO "${table}" (server_id, "${column}") VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING server_id`,
      [serverId, memberId],
    );
    if (rows.length === 0) return; // already associated: nothing changed, nothing to audit
    this.registry.decision(principal, meta, SERVERS, serverId, server.teamId, true);
    await this.audit.record(
      { principal, meta },
      {
        action: 'associate',
        resourceType: 'server',
        resourceId: serverId,
        resourceName: (server as unknown as { name: string }).name,
        teamId: server.teamId,
        newValues: { server_id: serverId, [column]: memberId },
      },
    );
  }

  @Delete(':kind/:memberId')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.registryWrite)
  @ApiOperation({ summary: 'Remove an association (404 when there is none)' })
  @ApiParam({ name: 'kind', enum: Object.keys(ASSOCIATIONS) })
  @ApiResponse({ status: 204 })
  async dissociate(
    @Param('id', uuidParam('id')) serverId: string,
    @Param('kind') kind: string,
    @Param('memberId', uuidParam('memberId')) memberId: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<void> {
    const { table, column, server } = await this.check(kind, serverId, memberId, principal, meta);
    // TypeORM answers a DELETE with [rows, affected].
    const [rows] = (await this.db.query(`DELETE FROM "${table}" WHERE server_id = $1 AND "${column}" = $2 RETURNING server_id`, [
      serverId,
      memberId,
    ])) as [unknown[], number];
    if (rows.length === 0) throw new NotFoundException(`server ${serverId} has no ${column} ${memberId}`);
    this.registry.decision(principal, meta, SERVERS, serverId, server.teamId, true);
    await this.audit.record(
      { principal, meta },
      {
        action: 'dissociate',
        resourceType: 'server',
        resourceId: serverId,
        resourceName: (server as unknown as { name: string }).name,
        teamId: server.teamId,
        oldValues: { server_id: serverId, [column]: memberId },
      },
    );
  }

  private async check(kind: string, serverId: string, memberId: string, principal: Principal, meta: RequestMeta) {
    if (!(kind in ASSOCIATIONS)) throw badField('kind', `kind must be one of ${Object.keys(ASSOCIATIONS).join(', ')}`);
    const { table, column } = ASSOCIATIONS[kind as Kind];
    const server = await this.registry.findVisible(SERVERS, principal, meta, serverId, PERMISSIONS.registryWrite);
    if (!canChange(principal, server))
      this.registry.deny(principal, meta, SERVERS, serverId, server.teamId, 'you may change only servers you own or of your teams');
    await this.registry.findVisible(resourceByPath(kind), principal, meta, memberId, PERMISSIONS.registryRead);
    return { table, column, server };
  }
}
