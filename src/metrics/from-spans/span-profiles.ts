import type { SpanProfileName } from '../../config/configuration';
import type { EntityType } from '../metric-tables';

/**
 * Which spans describe an execution, and where in the span each fact of the execution row
 * is: a gateway's conventions as data. A profile is an ordered list of mappings; a span
 * becomes at most one execution row (the first mapping that matches it, over the enabled
 * profiles in METRICS_FROM_SPANS order), plus one server row when the mapping names the
 * attribute of the virtual server the call went through. Attribute lists are tried in order,
 * the first present value wins. Adding a gateway's conventions is one more profile here.
 */
export interface SpanMatch {
  /** The span's name is exactly this. */
  name?: string;
  /** The span carries this attribute with this (string) value. */
  attribute?: { key: string; equals: string };
  /** Span kinds the mapping applies to (OTLP kinds in lower case); all when absent. */
  kinds?: readonly string[];
}

export interface SpanMapping {
  match: SpanMatch;
  entity: EntityType;
  /** The entity's id; when none is present the name is the id (conventions that carry only names). */
  id: readonly string[];
  name: readonly string[];
  /** Boolean attributes (true/false, or the strings) whose `false` marks a failure, even under status OK. */
  success: readonly string[];
  /** A present value marks a failure and is recorded as the error type. */
  errorType: readonly string[];
  /** The error message; the span's status message, then its exception event's message, when absent. */
  errorMessage: readonly string[];
  /** A2A interaction type ('invoke' when absent). */
  interactionType?: readonly string[];
  /** The virtual server the call went through: one server_metrics row too. */
  server?: readonly string[];
  /** The MCP session the call belongs to (tool chains within a session). */
  session?: readonly string[];
}

export interface SpanProfile {
  name: SpanProfileName;
  mappings: readonly SpanMapping[];
}

/** What a failure looks like on ContextForge spans (../shared/reference/contextforge-spans.md). */
const CF_FAILURE = {
  success: ['success', 'upstream.response.success'],
  errorType: ['error.type'],
  errorMessage: ['error.message'],
} as const;

/** The ContextForge gateway (v1.0.8): one INTERNAL span per execution, named by its kind. */
const CONTEXTFORGE: SpanProfile = {
  name: 'contextforge',
  mappings: [
    { match: { name: 'tool.invoke' }, entity: 'tool', id: ['tool.id'], name: ['tool.name'], server: ['server_id'], ...CF_FAILURE },
    {
      match: { name: 'resource.read' },
      entity: 'resource',
      id: ['resource.id'],
      name: ['resource.name', 'resource.uri'],
      server: ['server_id'],
      ...CF_FAILURE,
    },
    { match: { name: 'prompt.render' }, entity: 'prompt', id: ['prompt.id'], name: ['prompt.name'], server: ['server_id'], ...CF_FAILURE },
    {
      match: { name: 'a2a.invoke' },
      entity: 'a2a_agent',
      id: ['a2a.agent.id'],
      name: ['a2a.agent.name'],
      interactionType: ['a2a.interaction_type'],
      ...CF_FAILURE,
    },
  ],
};

/**
 * The OpenTelemetry MCP semantic conventions: `mcp.method.name` says what was called, the
 * entity is named, not identified (its name is its id here). Only the serving side's spans
 * (SERVER, INTERNAL): a gateway's CLIENT span towards the upstream server is the same
 * execution seen from the other end, and counting it too would count the call twice.
 */
const SEMCONV_FAILURE = { success: [], errorType: ['error.type'], errorMessage: ['error.message'], session: ['mcp.session.id'] } as const;
const SERVING = ['server', 'internal'] as const;
const MCP_SEMCONV: SpanProfile = {
  name: 'mcp-semconv',
  mappings: [
    {
      match: { attribute: { key: 'mcp.method.name', equals: 'tools/call' }, kinds: SERVING },
      entity: 'tool',
      id: [],
      name: ['gen_ai.tool.name'],
      ...SEMCONV_FAILURE,
    },
    {
      match: { attribute: { key: 'mcp.method.name', equals: 'resources/read' }, kinds: SERVING },
      entity: 'resource',
      id: [],
      name: ['mcp.resource.uri'],
      ...SEMCONV_FAILURE,
    },
    {
      match: { attribute: { key: 'mcp.method.name', equals: 'prompts/get' }, kinds: SERVING },
      entity: 'prompt',
      id: [],
      name: ['gen_ai.prompt.name'],
      ...SEMCONV_FAILURE,
    },
  ],
};

export const SPAN_PROFILE_DEFINITIONS: Record<SpanProfileName, SpanProfile> = {
  contextforge: CONTEXTFORGE,
  'mcp-semconv': MCP_SEMCONV,
};
