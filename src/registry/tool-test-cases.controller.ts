import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { ApiUuidParam, uuidParam } from '../common/field-errors';
import { ToolTestCase } from '../core/entities/toolops-test-case.entity';
import { CreateToolTestCaseDto, ToolRunStatusDto, UpdateToolTestCaseDto } from './dto/tool-test-case.dto';
import { ToolTestCases, ToolTestCasesService } from './tool-test-cases.service';

/** `/api/v1/tools/:id/test-cases`: a tool's test cases, under the tool's visibility. */
@ApiTags('tools')
@ApiResponse({ status: 404, description: 'Unknown tool or test case, or a tool not visible to you' })
@Controller('api/v1/tools/:id')
export class ToolTestCasesController {
  constructor(private readonly cases: ToolTestCasesService) {}

  @Get('test-cases')
  @RequirePermission(PERMISSIONS.registryRead)
  @ApiOperation({ summary: "The tool's test cases and the status of their last run" })
  @ApiUuidParam('id')
  list(
    @Param('id', uuidParam('id')) toolId: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<ToolTestCases> {
    return this.cases.list(principal, meta, toolId);
  }

  @Post('test-cases')
  @RequirePermission(PERMISSIONS.registryWrite)
  @ApiOperation({ summary: 'Add a test case (audited)' })
  @ApiResponse({ status: 409, description: 'A test case of this name exists, or the tool has the most it may keep' })
  @ApiUuidParam('id')
  create(
    @Param('id', uuidParam('id')) toolId: string,
    @Body() dto: CreateToolTestCaseDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<ToolTestCase> {
    return this.cases.create(principal, meta, toolId, dto);
  }

  @Patch('test-cases/:caseId')
  @RequirePermission(PERMISSIONS.registryWrite)
  @ApiOperation({ summary: 'Change a test case (audited)' })
  @ApiUuidParam('id')
  @ApiUuidParam('caseId')
  update(
    @Param('id', uuidParam('id')) toolId: string,
    @Param('caseId', uuidParam('caseId')) caseId: string,
    @Body() dto: UpdateToolTestCaseDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<ToolTestCase> {
    return this.cases.update(principal, meta, toolId, caseId, dto);
  }

  @Delete('test-cases/:caseId')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.registryWrite)
  @ApiOperation({ summary: 'Delete a test case (audited)' })
  @ApiUuidParam('id')
  @ApiUuidParam('caseId')
  remove(
    @Param('id', uuidParam('id')) toolId: string,
    @Param('caseId', uuidParam('caseId')) caseId: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<void> {
    return this.cases.remove(principal, meta, toolId, caseId);
  }

  @Put('test-run-status')
  @RequirePermission(PERMISSIONS.registryWrite)
  @ApiOperation({ summary: 'Record the outcome of the last run of the test cases (audited)' })
  @ApiUuidParam('id')
  runStatus(
    @Param('id', uuidParam('id')) toolId: string,
    @Body() dto: ToolRunStatusDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<ToolTestCases> {
    return this.cases.setRunStatus(principal, meta, toolId, dto.run_status ?? null);
  }
}
