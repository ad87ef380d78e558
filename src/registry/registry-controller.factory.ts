import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { ApiObject } from '../http/api-json';
import { DeleteQueryDto, ListQueryDto } from './dto/common.dto';
import { RegistryResource } from './registry-resource';
import { ApiUuidParam, uuidParam } from '../common/field-errors';
import { Page, RegistryService } from './registry.service';

const uuid = uuidParam('id');

/**
 * Builds the controller of one registry type: the same five routes for all nine types,
 * bound to that type's DTOs so that validation and the OpenAPI document both come from them.
 */
export function registryController(resource: RegistryResource): Type<unknown> {
  const errors = [
    ApiResponse({ status: 400, description: 'Invalid input: `{ statusCode, message, errors: [{ field, reason }] }`' }),
    ApiResponse({ status: 401, description: 'Missing, invalid, expired or revoked token' }),
  ];

  @ApiTags(resource.path)
  @ApiExtraModels(resource.readDto)
  @Controller(`api/v1/${resource.path}`)
  class RegistryController {
    constructor(readonly registry: RegistryService) {}

    @Get()
    @RequirePermission(PERMISSIONS.registryRead)
    @ApiOperation({ summary: `List ${resource.path} you may see (cursor pagination, filters)` })
    @ApiResponse({
      status: 200,
      schema: {
        type: 'object',
        properties: {
          items: { type: 'array', items: { $ref: getSchemaPath(resource.readDto) } },
          next_cursor: { type: 'string', nullable: true },
        },
      },
    })
    list(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal): Promise<Page> {
      return this.registry.list(resource, principal, query);
    }

    @Get(':id')
    @RequirePermission(PERMISSIONS.registryRead)
    @ApiOperation({ summary: `Read one ${resource.type} (404 also when you may not see it)` })
    @ApiResponse({ status: 200, type: resource.readDto })
    @ApiResponse({ status: 404, description: 'Unknown, or not visible to you' })
    @ApiUuidParam('id')
    get(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal, @CurrentRequest() meta: RequestMeta): Promise<ApiObject> {
      return this.registry.get(resource, principal, meta, id);
    }

    @Post()
    @RequirePermission(PERMISSIONS.registryWrite)
    @ApiOperation({ summary: `Create a ${resource.type}` })
    @ApiBody({ type: resource.createDto })
    @ApiResponse({ status: 201, type: resource.readDto })
    @ApiResponse({ status: 409, description: 'Duplicate (unique name, slug, …) or conflicting reference' })
    create(@Body() body: object, @CurrentPrincipal() principal: Principal, @CurrentRequest() meta: RequestMeta): Promise<ApiObject> {
      return this.registry.create(resource, principal, meta, body as ApiObject);
    }

    @Patch(':id')
    @RequirePermission(PERMISSIONS.registryWrite)
    @ApiOperation({ summary: `Update a ${resource.type}; send the version you read` })
    @ApiBody({ type: resource.updateDto })
    @ApiResponse({ status: 200, type: resource.readDto })
    @ApiResponse({ status: 409, description: 'Stale version, duplicate or conflicting reference' })
    @ApiUuidParam('id')
    update(
      @Param('id', uuid) id: string,
      @Body() body: object,
      @CurrentPrincipal() principal: Principal,
      @CurrentRequest() meta: RequestMeta,
    ): Promise<ApiObject> {
      return this.registry.update(resource, principal, meta, id, body as ApiObject);
    }

    @Delete(':id')
    @HttpCode(204)
    @RequirePermission(PERMISSIONS.registryWrite)
    @ApiOperation({ summary: `Delete a ${resource.type} (associations go with it)` })
    @ApiResponse({ status: 204 })
    @ApiUuidParam('id')
    remove(
      @Param('id', uuid) id: string,
      @Query() query: DeleteQueryDto,
      @CurrentPrincipal() principal: Principal,
      @CurrentRequest() meta: RequestMeta,
    ): Promise<void> {
      return this.registry.remove(resource, principal, meta, id, query.version);
    }
  }
  for (const decorate of errors) decorate(RegistryController);

  // The body parameters are typed `object` above; point validation (ValidationPipe reads
  // design:paramtypes) at this type's DTOs.
  const proto = RegistryController.prototype;
  const setBodyType = (method: 'create' | 'update', index: number, dto: Type<object>) => {
    const types = [...(Reflect.getMetadata('design:paramtypes', proto, method) as unknown[])];
    types[index] = dto;
    Reflect.defineMetadata('design:paramtypes', types, proto, method);
  };
  setBodyType('create', 0, resource.createDto);
  setBodyType('update', 1, resource.updateDto);

  const name = resource.path.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
  Object.defineProperty(RegistryController, 'name', { value: `${name}Controller` });
  return RegistryController;
}
