import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { uuidParam } from '../../common/field-errors';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from '../../auth/decorators';
import { PERMISSIONS } from '../../auth/permissions';
import { Principal, RequestMeta } from '../../auth/principal';
import { CreateSavedQueryDto, RunSavedQueryDto, UpdateSavedQueryDto } from './saved-query.dto';
import { SavedQueryService } from './saved-query.service';

const ID = uuidParam('id');

/** Saved trace searches: yours, and everyone's shared ones (traces.read). */
@ApiTags('traces')
@Controller('api/v1/traces/saved-queries')
export class SavedQueryController {
  constructor(private readonly saved: SavedQueryService) {}

  @Get()
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: 'Your saved queries and the shared ones of everyone' })
  list(@CurrentPrincipal() principal: Principal) {
    return this.saved.list(principal);
  }

  @Post()
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: 'Save a search (its filter is validated like GET /api/v1/traces)' })
  create(@CurrentPrincipal() principal: Principal, @CurrentRequest() meta: RequestMeta, @Body() dto: CreateSavedQueryDto) {
    return this.saved.create(principal, meta, dto);
  }

  @Get(':id')
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: 'One saved query (yours or shared)' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', ID) id: string) {
    return this.saved.get(principal, id);
  }

  @Patch(':id')
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: 'Change a saved query (owner only)' })
  update(
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
    @Param('id', ID) id: string,
    @Body() dto: UpdateSavedQueryDto,
  ) {
    return this.saved.update(principal, meta, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: 'Delete a saved query (owner only)' })
  async remove(@CurrentPrincipal() principal: Principal, @CurrentRequest() meta: RequestMeta, @Param('id', ID) id: string): Promise<void> {
    await this.saved.remove(principal, meta, id);
  }

  @Post(':id/run')
  @HttpCode(200)
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: 'Run a saved query now and count its use' })
  run(@CurrentPrincipal() principal: Principal, @Param('id', ID) id: string, @Body() dto: RunSavedQueryDto) {
    return this.saved.run(principal, id, dto);
  }
}
