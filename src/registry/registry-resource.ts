import { Type } from '@nestjs/common';
import { A2aAgent } from '../core/entities/a2a-agent.entity';
import { Gateway } from '../core/entities/gateway.entity';
import { GrpcService } from '../core/entities/grpc-service.entity';
import { LlmModel } from '../core/entities/llm-model.entity';
import { LlmProvider } from '../core/entities/llm-provider.entity';
import { Prompt } from '../core/entities/prompt.entity';
import { RegistryEntity } from '../core/entities/registry-entity.base';
import { Resource } from '../core/entities/resource.entity';
import { Server } from '../core/entities/server.entity';
import { Tool } from '../core/entities/tool.entity';
import { A2aAgentDto, CreateA2aAgentDto, UpdateA2aAgentDto } from './dto/a2a-agent.dto';
import { CreateGatewayDto, GatewayDto, UpdateGatewayDto } from './dto/gateway.dto';
import { CreateGrpcServiceDto, GrpcServiceDto, UpdateGrpcServiceDto } from './dto/grpc-service.dto';
import { CreateLlmModelDto, LlmModelDto, UpdateLlmModelDto } from './dto/llm-model.dto';
import { CreateLlmProviderDto, LlmProviderDto, UpdateLlmProviderDto } from './dto/llm-provider.dto';
import { CreatePromptDto, PromptDto, UpdatePromptDto } from './dto/prompt.dto';
import { CreateResourceDto, ResourceDto, UpdateResourceDto } from './dto/resource.dto';
import { CreateServerDto, ServerDto, UpdateServerDto } from './dto/server.dto';
import { CreateToolDto, ToolDto, UpdateToolDto } from './dto/tool.dto';

/** A registry entity: the shared columns plus its own id. */
export type RegistryRow = RegistryEntity & { id: string };

/**
 * Everything the generic CRUD needs to know about one registry type. The API speaks the
 * tables' snake_case column names; entities are mapped through TypeORM's metadata.
 */
export interface RegistryResource<E extends RegistryRow = RegistryRow> {
  /** URL segment under /api/v1 (`a2a-agents`). */
  path: string;
  /** Singular name used in audit rows and messages (`a2a_agent`). */
  type: string;
  entity: Type<E>;
  createDto: Type<object>;
  updateDto: Type<object>;
  readDto: Type<object>;
  /** Columns (snake_case) that are secrets: sealed at rest, accepted on write, never returned (`<column>_set` instead). */
  secrets: string[];
  /** JSON columns whose secret-named keys (`client_secret`, `api_key`…) hold secrets: sealed at rest, returned as MASK. */
  nestedSecrets?: string[];
  /** Header-like JSON columns: values shown only to callers who may change the entity (MASK to others). */
  maskedUnlessManager?: string[];
  /** Column used as the human name in audit rows. */
  nameColumn: string;
  /** Fills columns whose default depends on other input (e.g. original_name = name). */
  defaults?: (input: Record<string, unknown>) => Record<string, unknown>;
  /** Columns holding the id of another registry entity (`path` of its type): the caller must see it. */
  references?: Array<{ column: string; path: string }>;
}

const gatewayReference = [{ column: 'gateway_id', path: 'gateways' }];

const originalName = (input: Record<string, unknown>) => ({ original_name: input.original_name ?? input.name });

export const REGISTRY_RESOURCES: RegistryResource[] = [
  {
    path: 'tools',
    type: 'tool',
    entity: Tool,
    createDto: CreateToolDto,
    updateDto: UpdateToolDto,
    readDto: ToolDto,
    secrets: ['auth_value'],
    nameColumn: 'name',
    defaults: originalName,
    references: gatewayReference,
    maskedUnlessManager: ['headers'],
  },
  {
    path: 'servers',
    type: 'server',
    entity: Server,
    createDto: CreateServerDto,
    updateDto: UpdateServerDto,
    readDto: ServerDto,
    secrets: [],
    nameColumn: 'name',
    nestedSecrets: ['oauth_config'],
  },
  {
    path: 'resources',
    type: 'resource',
    entity: Resource,
    createDto: CreateResourceDto,
    updateDto: UpdateResourceDto,
    readDto: ResourceDto,
    secrets: [],
    nameColumn: 'name',
    references: gatewayReference,
  },
  {
    path: 'prompts',
    type: 'prompt',
    entity: Prompt,
    createDto: CreatePromptDto,
    updateDto: UpdatePromptDto,
    readDto: PromptDto,
    secrets: [],
    nameColumn: 'name',
    defaults: originalName,
    references: gatewayReference,
  },
  {
    path: 'gateways',
    type: 'gateway',
    entity: Gateway,
    createDto: CreateGatewayDto,
    updateDto: UpdateGatewayDto,
    readDto: GatewayDto,
    secrets: ['auth_value'],
    nameColumn: 'name',
  },
  {
    path: 'a2a-agents',
    type: 'a2a_agent',
    entity: A2aAgent,
    createDto: CreateA2aAgentDto,
    updateDto: UpdateA2aAgentDto,
    readDto: A2aAgentDto,
    secrets: [],
    nameColumn: 'name',
    nestedSecrets: ['config'],
  },
  {
    path: 'grpc-services',
    type: 'grpc_service',
    entity: GrpcService,
    createDto: CreateGrpcServiceDto,
    updateDto: UpdateGrpcServiceDto,
    readDto: GrpcServiceDto,
    secrets: [],
    nameColumn: 'name',
    maskedUnlessManager: ['grpc_metadata'],
  },
  {
    path: 'llm-providers',
    type: 'llm_provider',
    entity: LlmProvider,
    createDto: CreateLlmProviderDto,
    updateDto: UpdateLlmProviderDto,
    readDto: LlmProviderDto,
    secrets: ['api_key'],
    nameColumn: 'name',
    nestedSecrets: ['config'],
  },
  {
    path: 'llm-models',
    type: 'llm_model',
    entity: LlmModel,
    createDto: CreateLlmModelDto,
    updateDto: UpdateLlmModelDto,
    readDto: LlmModelDto,
    secrets: [],
    nameColumn: 'model_name',
    references: [{ column: 'provider_id', path: 'llm-providers' }],
  },
];

export function resourceByPath(path: string): RegistryResource {
  const found = REGISTRY_RESOURCES.find((r) => r.path === path);
  if (!found) throw new Error(`unknown registry resource ${path}`);
  return found;
}
