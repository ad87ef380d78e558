/**
 * Which traces a caller may read. A trace whose spans name a registry entity (the gateway's
 * `tool.id`, `prompt.id`… attributes) that the caller may not see is hidden as a whole: it
 * answers as a missing trace on every path (by id, search, Jaeger), so a trace is no oracle
 * for a private tool. Mappings as data: one entry per entity type.
 */

/**
 * Span attribute keys that carry an entity's id in core, per registry path: the semantic
 * names, and those ContextForge sends (`server_id` on `tool.invoke` through a virtual server,
 * `contextforge.*` on `mcp.client.call`, `tool.gateway_id`; ../shared/reference/contextforge-spans.md).
 */
export const ENTITY_ID_ATTRIBUTES: ReadonlyArray<{ path: string; keys: readonly string[] }> = [
  { path: 'tools', keys: ['tool.id', 'contextforge.tool.id'] },
  { path: 'prompts', keys: ['prompt.id'] },
  { path: 'resources', keys: ['resource.id'] },
  { path: 'servers', keys: ['server.id', 'server_id'] },
  { path: 'gateways', keys: ['gateway.id', 'tool.gateway_id', 'contextforge.gateway_id'] },
  { path: 'a2a-agents', keys: ['a2a.agent.id', 'agent.id'] },
];

/** Per attribute key, the ids the caller may see; null: the caller sees every trace. */
export type TraceScope = ReadonlyArray<{ key: string; visible: readonly string[] }> | null;

/** The scope from the visible ids of each entity type (null for a type: all visible). */
export function traceScope(visibleByPath: ReadonlyMap<string, readonly string[] | null>): TraceScope {
  const scope: Array<{ key: string; visible: readonly string[] }> = [];
  for (const { path, keys } of ENTITY_ID_ATTRIBUTES) {
    const visible = visibleByPath.get(path);
    if (visible === null || visible === undefined) continue;
    for (const key of keys) scope.push({ key, visible });
  }
  return scope.length ? scope : null;
}

/** True when some span names an entity outside the scope. */
export function hidesTrace(scope: TraceScope, spans: ReadonlyArray<{ attributes: Record<string, unknown> | null }>): boolean {
  if (!scope) return false;
  const sets = scope.map((s) => ({ key: s.key, visible: new Set(s.visible) }));
  return spans.some((span) =>
    sets.some(({ key, visible }) => {
      const value = span.attributes?.[key];
      return value !== undefined && value !== null && !visible.has(String(value));
    }),
  );
}

/**
 * SQL: some span of trace `t` names an entity outside the scope (alias `s`, within the trace's
 * time so partitions prune). `p` binds a value and returns its placeholder.
 */
export function hiddenSpanCondition(scope: NonNullable<TraceScope>, p: (value: unknown) => string): string {
  return scope
    .map(({ key, visible }) => `(s.attributes ? ${p(key)} AND NOT ((s.attributes ->> ${p(key)}) = ANY(${p(visible)}::text[])))`)
    .join(' OR ');
}
