import { Controller, Delete, HttpCode, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { ApiUuidParam, uuidParam } from '../common/field-errors';
import { ASSOCIATIONS, ServerAssociationsService } from './server-associations.service';

/** `PUT|DELETE /api/v1/servers/:id/{tools|resources|prompts|a2a-agents}/:memberId`. */
@ApiTags('servers')
@Controller('api/v1/servers/:id')
export class ServerAssociationsController {
  constructor(private readonly associations: ServerAssociationsService) {}

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
