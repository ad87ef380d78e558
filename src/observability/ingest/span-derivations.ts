/**
 * What fourfold derives from a span's name and attributes, as data: the registry entity a span
 * is about (resource_type / resource_name / resource_id) and its operation name for
 * /operations and /stats (bounded cardinality; the raw name stays on the span).
 */

/** One kind of entity: the attributes naming its id and its name, first present wins. */
export interface ResourceRule {
  type: string;
  id: readonly string[];
  name: readonly string[];
}

/**
 * The gateways' conventions (ContextForge: tool.*, resource.*, prompt.*, a2a.agent.*; the
 * OpenTelemetry GenAI and MCP conventions: gen_ai.tool.name, gen_ai.prompt.name,
 * mcp.resource.uri). The first rule with any of its attributes on the span decides.
 */
export const RESOURCE_RULES: readonly ResourceRule[] = [
  { type: 'tool', id: ['tool.id', 'contextforge.tool.id'], name: ['tool.name', 'gen_ai.tool.name', 'mcp.tool.name'] },
  { type: 'resource', id: ['resource.id'], name: ['resource.name', 'resource.uri', 'mcp.resource.uri'] },
  { type: 'prompt', id: ['prompt.id'], name: ['prompt.name', 'gen_ai.prompt.name'] },
  { type: 'a2a_agent', id: ['a2a.agent.id'], name: ['a2a.agent.name'] },
];

/** resource_id is a soft reference to a registry id (at most 36 characters); longer values are not ids. */
const MAX_ID = 36;
const MAX_NAME = 255;

export interface SpanResource {
  type: string | null;
  name: string | null;
  id: string | null;
}

const textOf = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : null;

function firstText(attributes: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const text = textOf(attributes[key]);
    if (text !== null) return text;
  }
  return null;
}

/** The entity a span is about, from RESOURCE_RULES; all null when no rule applies. */
export function spanResource(attributes: Record<string, unknown>, rules: readonly ResourceRule[] = RESOURCE_RULES): SpanResource {
  for (const rule of rules) {
    const id = firstText(attributes, rule.id);
    const name = firstText(attributes, rule.name);
    if (id === null && name === null) continue;
    return { type: rule.type, name: name?.slice(0, MAX_NAME) ?? null, id: id !== null && id.length <= MAX_ID ? id : null };
  }
  return { type: null, name: null, id: null };
}

/** Path segments that are ids: UUIDs (with or without dashes), numbers, hex of 8+ characters with a digit. */
const ID_SEGMENT = [/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i, /^\d+$/, /^(?=[0-9a-f]*\d)[0-9a-f]{8,}$/i];

/** A URL path with its id segments as {id} and no query string. */
export function templatePath(path: string): string {
  return path
    .split(/[?#]/)[0]
    .split('/')
    .map((segment) => (ID_SEGMENT.some((re) => re.test(segment)) ? '{id}' : segment))
    .join('/');
}

const HTTP_METHOD = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE|CONNECT)$/i;

/**
 * The operation a span counts under: `<method> <http.route>` when the span has a route (the
 * route alone without a method), else its name; every path in it templated, so that
 * `POST /servers/<uuid>/mcp` of a hundred servers is one operation.
 */
export function operationName(name: string, attributes: Record<string, unknown>): string {
  const route = textOf(attributes['http.route']);
  let base = name;
  if (route !== null && route.startsWith('/')) {
    const method = textOf(attributes['http.request.method']) ?? textOf(attributes['http.method']) ?? name.split(' ')[0];
    base = HTTP_METHOD.test(method) ? `${method.toUpperCase()} ${route}` : route;
  }
  return base
    .split(' ')
    .map((token) => (token.startsWith('/') ? templatePath(token) : token))
    .join(' ')
    .slice(0, MAX_NAME);
}
