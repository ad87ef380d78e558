import { Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { ApiUuidParam, uuidParam } from '../common/field-errors';
import { ListQueryDto } from './dto/common.dto';
import { Page } from './registry.service';
import { ASSOCIATIONS, ServerAssociationsService } from './server-associations.service';

/** `GET /api/v1/servers/:id/{tools|resources|prompts|a2a-agents}` and `PUT|DELETE …/:memberId`. */
@ApiTags('servers')
@Controller('api/v1/servers/:id')
export class ServerAssociationsController {
  constructor(private readonly associations: ServerAssociationsService) {}

  @Get(':kind')
  @RequirePermission(PERMISSIONS.registryRead)
  @ApiOperation({ summary: "List a server's tools, resources, prompts or A2A agents that you may see (cursor pagination, filters)" })
  @ApiParam({ name: 'kind', enum: Object.keys(ASSOCIATIONS) })
  @ApiResponse({ status: 200, description: '`{ items, next_cursor }`, items as the member type reads them' })
  @ApiResponse({ status: 404, description: 'Unknown server, or not visible to you' })
  @ApiUuidParam('id')
  members(
    @Param('id', uuidParam('id')) serverId: string,
    @Param('kind') kind: string,
    @Query() query: ListQueryDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<Page> {
    return this.associations.members(principal, meta, serverId, kind, query);
  }

  @Put(':kind/:memberId')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.registryWrite)
  @ApiOperation({ summary: 'Associate a tool, resource, prompt or A2A agent with a server (idempotent)' })
  @ApiParam({ name: 'kind', enum: Object.keys(ASSOCIATIONS) })
  @ApiResponse({ status: 204 })
  @ApiUuidParam('id')
  @ApiUuidParam('memberId')
  associate(
    @Param('id', uuidParam('id')) serverId: string,
    @Param('kind') kind: string,
    @Param('memberId', uuidParam('memberId')) memberId: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<void> {
    return this.associations.associate(principal, meta, serverId, kind, memberId);
  }

  @Delete(':kind/:memberId')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.registryWrite)
  @ApiOperation({ summary: 'Remove an association (404 when there is none)' })
  @ApiParam({ name: 'kind', enum: Object.keys(ASSOCIATIONS) })
  @ApiResponse({ status: 204 })
  @ApiUuidParam('id')
  @ApiUuidParam('memberId')
  dissociate(
    @Param('id', uuidParam('id')) serverId: string,
    @Param('kind') kind: string,
    @Param('memberId', uuidParam('memberId')) memberId: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<void> {
    return this.associations.dissociate(principal, meta, serverId, kind, memberId);
  }
}
