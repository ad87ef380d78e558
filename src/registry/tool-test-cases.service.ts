import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { uuidv7 } from '../common/ids';
import { ToolTestCase } from '../core/entities/toolops-test-case.entity';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { canChange } from './access';
import { CreateToolTestCaseDto, UpdateToolTestCaseDto } from './dto/tool-test-case.dto';
import { RegistryRow, resourceByPath } from './registry-resource';
import { RegistryService } from './registry.service';

const TOOLS = resourceByPath('tools');
/** Test cases one tool keeps at most. */
export const MAX_TEST_CASES = 200;

export interface ToolTestCases {
  tool_id: string;
  run_status: string | null;
  items: ToolTestCase[];
}

/**
 * A tool's test cases (`toolops_test_cases`, one row per tool holding its cases): seen by whoever
 * sees the tool, changed by whoever may change it, deleted with it (foreign key). A hidden tool
 * answers as a missing one; every change is audited with the tool's team.
 */
@Injectable()
export class ToolTestCasesService {
  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly registry: RegistryService,
    private readonly audit: AuditService,
  ) {}

  async list(principal: Principal, meta: RequestMeta, toolId: string): Promise<ToolTestCases> {
    await this.registry.findVisible(TOOLS, principal, meta, toolId, PERMISSIONS.registryRead);
    const [row] = (await this.db.query(`SELECT test_cases, run_status FROM toolops_test_cases WHERE tool_id = $1`, [toolId])) as Array<{
      test_cases: ToolTestCase[];
      run_status: string | null;
    }>;
    return { tool_id: toolId, run_status: row?.run_status ?? null, items: row?.test_cases ?? [] };
  }

  async create(principal: Principal, meta: RequestMeta, toolId: string, dto: CreateToolTestCaseDto): Promise<ToolTestCase> {
    const tool = await this.changeable(principal, meta, toolId);
    const now = new Date().toISOString();
    const created: ToolTestCase = {
      id: uuidv7(),
      name: dto.name,
      arguments: dto.arguments ?? {},
      expected_output: dto.expected_output ?? null,
      assertion: dto.assertion ?? null,
      created_at: now,
      updated_at: now,
      created_by: principal.email,
    };
    await this.edit(toolId, (cases) => {
      if (cases.length >= MAX_TEST_CASES)
        throw new ConflictException(`tool ${toolId} has ${MAX_TEST_CASES} test cases, the most it may keep`);
      unique(cases, created.name, null);
      return [...cases, created];
    });
    await this.record(principal, meta, tool, { action: 'create', resourceId: created.id, newValues: { tool_id: toolId, ...created } });
    return created;
  }

  async update(principal: Principal, meta: RequestMeta, toolId: string, caseId: string, dto: UpdateToolTestCaseDto): Promise<ToolTestCase> {
    const tool = await this.changeable(principal, meta, toolId);
    let before: ToolTestCase | undefined;
    let after: ToolTestCase | undefined;
    await this.edit(toolId, (cases) => {
      before = cases.find((c) => c.id === caseId);
      if (!before) throw missingCase(toolId, caseId);
      if (dto.name !== undefined) unique(cases, dto.name, caseId);
      const defined = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
      after = { ...before, ...defined, updated_at: new Date().toISOString() };
      return cases.map((c) => (c.id === caseId ? after! : c));
    });
    await this.record(principal, meta, tool, {
      action: 'update',
      resourceId: caseId,
      oldValues: { tool_id: toolId, ...before! },
      newValues: { tool_id: toolId, ...after! },
    });
    return after!;
  }

  async remove(principal: Principal, meta: RequestMeta, toolId: string, caseId: string): Promise<void> {
    const tool = await this.changeable(principal, meta, toolId);
    let before: ToolTestCase | undefined;
    await this.edit(toolId, (cases) => {
      before = cases.find((c) => c.id === caseId);
      if (!before) throw missingCase(toolId, caseId);
      return cases.filter((c) => c.id !== caseId);
    });
    await this.record(principal, meta, tool, { action: 'delete', resourceId: caseId, oldValues: { tool_id: toolId, ...before! } });
  }

  /** The outcome of the last run of the tool's cases, as the gateway's test runner reports it. */
  async setRunStatus(principal: Principal, meta: RequestMeta, toolId: string, runStatus: string | null): Promise<ToolTestCases> {
    const tool = await this.changeable(principal, meta, toolId);
    // The subquery sees the row as it was before this statement: the old status, for the audit row.
    const [row] = (await this.db.query(
      `INSERT INTO toolops_test_cases (tool_id, run_status) VALUES ($1, $2)
       ON CONFLICT (tool_id) DO UPDATE SET run_status = EXCLUDED.run_status, updated_at = now()
       RETURNING test_cases, (SELECT run_status FROM toolops_test_cases WHERE tool_id = $1) AS before`,
      [toolId, runStatus],
    )) as Array<{ test_cases: ToolTestCase[]; before: string | null }>;
    await this.record(principal, meta, tool, {
      action: 'update',
      resourceId: toolId,
      oldValues: { tool_id: toolId, run_status: row.before },
      newValues: { tool_id: toolId, run_status: runStatus },
    });
    return { tool_id: toolId, run_status: runStatus, items: row.test_cases };
  }

  private async changeable(principal: Principal, meta: RequestMeta, toolId: string): Promise<RegistryRow> {
    const tool = await this.registry.findVisible(TOOLS, principal, meta, toolId, PERMISSIONS.registryWrite);
    if (!canChange(principal, tool))
      this.registry.deny(principal, meta, TOOLS, toolId, tool.teamId, 'you may change only tools you own or of your teams');
    return tool;
  }

  /** Read-modify-write of the tool's cases under a row lock (the row is created on first use). */
  private async edit(toolId: string, change: (cases: ToolTestCase[]) => ToolTestCase[]): Promise<void> {
    await this.db.transaction(async (tx: EntityManager) => {
      await tx.query(`INSERT INTO toolops_test_cases (tool_id) VALUES ($1) ON CONFLICT (tool_id) DO NOTHING`, [toolId]);
      const [row] = (await tx.query(`SELECT test_cases FROM toolops_test_cases WHERE tool_id = $1 FOR UPDATE`, [toolId])) as Array<{
        test_cases: ToolTestCase[];
      }>;
      const next = change(row.test_cases);
      await tx.query(`UPDATE toolops_test_cases SET test_cases = $2::jsonb, updated_at = now() WHERE tool_id = $1`, [
        toolId,
        JSON.stringify(next),
      ]);
    });
  }

  private async record(
    principal: Principal,
    meta: RequestMeta,
    tool: RegistryRow,
    entry: { action: string; resourceId: string; oldValues?: Record<string, unknown>; newValues?: Record<string, unknown> },
  ): Promise<void> {
    this.registry.decision(principal, meta, TOOLS, tool.id, tool.teamId, true);
    await this.audit.record(
      { principal, meta },
      { ...entry, resourceType: 'tool_test_case', resourceName: (tool as unknown as { name: string }).name, teamId: tool.teamId },
    );
  }
}

function unique(cases: ToolTestCase[], name: string, except: string | null): void {
  if (cases.some((c) => c.name === name && c.id !== except)) throw new ConflictException(`the tool has a test case named "${name}"`);
}

function missingCase(toolId: string, caseId: string): NotFoundException {
  return new NotFoundException(`tool ${toolId} has no test case ${caseId}`);
}
