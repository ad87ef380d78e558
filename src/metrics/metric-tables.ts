/**
 * The five kinds of entity whose executions are measured, and where each one's rows live:
 * raw table, hourly rollup table, their id and name columns, the core table names come
 * from, and the URL segment of its query routes.
 */
export const ENTITY_TYPES = ['tool', 'server', 'resource', 'prompt', 'a2a_agent'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export interface MetricTable {
  entityType: EntityType;
  raw: string;
  hourly: string;
  idColumn: string;
  nameColumn: string;
  /** Core table holding the entity (and its current name). */
  coreTable: string;
  /** `/api/v1/metrics/<path>/:id/...` */
  path: string;
  /** A2A agents have an interaction_type, part of the rollup's key. */
  hasInteractionType: boolean;
}

export const METRIC_TABLES: Record<EntityType, MetricTable> = {
  tool: {
    entityType: 'tool',
    raw: 'tool_metrics',
    hourly: 'tool_metrics_hourly',
    idColumn: 'tool_id',
    nameColumn: 'tool_name',
    coreTable: 'tools',
    path: 'tools',
    hasInteractionType: false,
  },
  server: {
    entityType: 'server',
    raw: 'server_metrics',
    hourly: 'server_metrics_hourly',
    idColumn: 'server_id',
    nameColumn: 'server_name',
    coreTable: 'servers',
    path: 'servers',
    hasInteractionType: false,
  },
  resource: {
    entityType: 'resource',
    raw: 'resource_metrics',
    hourly: 'resource_metrics_hourly',
    idColumn: 'resource_id',
    nameColumn: 'resource_name',
    coreTable: 'resources',
    path: 'resources',
    hasInteractionType: false,
  },
  prompt: {
    entityType: 'prompt',
    raw: 'prompt_metrics',
    hourly: 'prompt_metrics_hourly',
    idColumn: 'prompt_id',
    nameColumn: 'prompt_name',
    coreTable: 'prompts',
    path: 'prompts',
    hasInteractionType: false,
  },
  a2a_agent: {
    entityType: 'a2a_agent',
    raw: 'a2a_agent_metrics',
    hourly: 'a2a_agent_metrics_hourly',
    idColumn: 'a2a_agent_id',
    nameColumn: 'agent_name',
    coreTable: 'a2a_agents',
    path: 'a2a-agents',
    hasInteractionType: true,
  },
};

export function metricTableByPath(path: string): MetricTable | undefined {
  return Object.values(METRIC_TABLES).find((t) => t.path === path);
}

/** Recorded as the name of an entity core does not know. */
export const UNKNOWN_NAME = 'unknown';
