import { executionId } from '../ingest/execution-batch';
import { executionsOfSpans, SpanFacts, SpanMatcher } from './span-executions';
import { SPAN_PROFILE_DEFINITIONS, SpanProfile } from './span-profiles';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const LIMITS = { retentionDays: 90, maxResponseTimeSeconds: 86_400 };
const BOTH = new SpanMatcher([SPAN_PROFILE_DEFINITIONS.contextforge, SPAN_PROFILE_DEFINITIONS['mcp-semconv']]);
const TRACE = '0af7651916cd43dd8448eb211c80319c';
let next = 0;

function span(name: string, attributes: Record<string, unknown>, over: Partial<SpanFacts> = {}): SpanFacts {
  const start = BigInt(NOW - 60_000) * 1_000_000n;
  return {
    traceId: TRACE,
    spanId: (++next).toString(16).padStart(16, '0'),
    name,
    kind: 'internal',
    startNanos: start,
    endNanos: start + 250_000_000n,
    status: 'unset',
    statusMessage: null,
    attributes,
    events: [],
    ...over,
  };
}

const derive = (spans: SpanFacts[], matcher = BOTH) => executionsOfSpans(spans, matcher, LIMITS, NOW);

describe('metrics from spans: the profiles as data', () => {
  it('every mapping names an entity and where its id or name is; names are unique per profile', () => {
    for (const profile of Object.values(SPAN_PROFILE_DEFINITIONS)) {
      expect(profile.mappings.length).toBeGreaterThan(0);
      for (const m of profile.mappings) {
        expect(m.match.name !== undefined || m.match.attribute !== undefined).toBe(true);
        expect(m.id.length + m.name.length).toBeGreaterThan(0);
      }
      const names = profile.mappings.map((m) => m.match.name ?? `${m.match.attribute!.key}=${m.match.attribute!.equals}`);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('contextforge tool.invoke: id, name, timing, and a server row when it names its virtual server', () => {
    const s = span('tool.invoke', {
      'tool.id': '9f1c2e4b7a9d4c3e8f1a2b3c4d5e6f70',
      'tool.name': 'time-server-get-time',
      'tool.integration_type': 'MCP',
      'tool.gateway_id': 'gw-1',
      server_id: 'b2f7c1d8e9a04f6b8c7d6e5f4a3b2c1d',
      arguments_count: 1,
      has_headers: false,
      success: true,
      'duration.ms': 249.7,
    });
    const rows = derive([s]);
    expect(rows).toEqual([
      {
        id: executionId(TRACE, s.spanId, 'tool'),
        entityType: 'tool',
        entityId: '9f1c2e4b7a9d4c3e8f1a2b3c4d5e6f70',
        name: 'time-server-get-time',
        timestamp: new Date(NOW - 60_000),
        responseTime: 0.25,
        isSuccess: true,
        errorMessage: null,
        errorType: null,
        interactionType: 'invoke',
        traceId: TRACE,
        sessionId: null,
      },
      expect.objectContaining({
        id: executionId(TRACE, s.spanId, 'server'),
        entityType: 'server',
        entityId: 'b2f7c1d8e9a04f6b8c7d6e5f4a3b2c1d',
        name: null,
        isSuccess: true,
      }),
    ]);
    expect(derive([s])).toEqual(rows); // the same span, the same rows
  });

  it('a tool failure under status OK (success=false, upstream.response.success=false) and a gateway error (status ERROR)', () => {
    const [quiet] = derive([span('tool.invoke', { 'tool.id': 't1', 'tool.name': 'a', success: false }, { status: 'ok' })]);
    expect(quiet).toMatchObject({ isSuccess: false, errorType: null, errorMessage: null });
    const [upstream] = derive([span('tool.invoke', { 'tool.id': 't1', 'upstream.response.success': 'false' }, { status: 'ok' })]);
    expect(upstream).toMatchObject({ isSuccess: false, name: null, entityId: 't1' });
    const [gateway] = derive([
      span(
        'tool.invoke',
        { 'tool.id': 't1', success: true },
        {
          status: 'error',
          statusMessage: null,
          events: [{ name: 'exception', attributes: { 'exception.type': 'ToolInvocationError', 'exception.message': 'connect refused' } }],
        },
      ),
    ]);
    expect(gateway).toMatchObject({ isSuccess: false, errorType: 'ToolInvocationError', errorMessage: 'connect refused' });
    const [typed] = derive([
      span('tool.invoke', { 'tool.id': 't1', error: true, 'error.type': 'TimeoutError', 'error.message': 'took 30 s' }),
    ]);
    expect(typed).toMatchObject({ isSuccess: false, errorType: 'TimeoutError', errorMessage: 'took 30 s' });
  });

  it('contextforge resource.read, prompt.render, a2a.invoke; helper spans (tool.lookup, mcp.client.call, llm.chat) add nothing', () => {
    const rows = derive([
      span('resource.read', { 'resource.uri': 'file:///notes.txt', 'resource.id': 'r1', 'resource.name': 'notes', 'content.size': 12 }),
      span('prompt.render', { 'prompt.id': 'p1', arguments_count: 2, user: 'a@b.c', 'messages.count': 3 }),
      span('a2a.invoke', { 'a2a.agent.id': 'ag1', 'a2a.agent.name': 'planner', 'a2a.interaction_type': 'query' }),
      span('tool.lookup', { 'tool.id': 't1', 'tool.name': 'a' }),
      span('mcp.client.call', { 'mcp.tool.name': 'a', 'contextforge.tool.id': 't1' }, { kind: 'client' }),
      span('llm.chat', { 'gen_ai.system': 'openai', 'gen_ai.usage.total_tokens': 10 }),
    ]);
    expect(rows.map((r) => [r.entityType, r.entityId, r.name, r.interactionType])).toEqual([
      ['resource', 'r1', 'notes', 'invoke'],
      ['prompt', 'p1', null, 'invoke'],
      ['a2a_agent', 'ag1', 'planner', 'query'],
    ]);
  });

  it('mcp-semconv: the method says what was called, the name is the id, error.type=tool_error is a failure', () => {
    const rows = derive([
      span(
        'tools/call get_weather',
        { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'get_weather', 'error.type': 'tool_error' },
        { kind: 'server' },
      ),
      span('resources/read', { 'mcp.method.name': 'resources/read', 'mcp.resource.uri': `file:///${'x'.repeat(60)}` }, { kind: 'server' }),
      span(
        'prompts/get',
        { 'mcp.method.name': 'prompts/get', 'gen_ai.prompt.name': 'summary', 'mcp.session.id': 's1' },
        { kind: 'server' },
      ),
      // the gateway calling the upstream server: the same execution from the other end
      span('tools/call get_weather', { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'get_weather' }, { kind: 'client' }),
      span('tools/list', { 'mcp.method.name': 'tools/list' }, { kind: 'server' }),
    ]);
    expect(rows.map((r) => [r.entityType, r.entityId.length <= 36, r.name?.slice(0, 12), r.isSuccess, r.errorType])).toEqual([
      ['tool', true, 'get_weather', false, 'tool_error'],
      ['resource', true, 'file:///xxxx', true, null],
      ['prompt', true, 'summary', true, null],
    ]);
    expect(rows[0].entityId).toBe('get_weather');
    expect(rows[2].sessionId).toBe('s1');
    // a long URI as id: a name-based UUID, stable
    expect(rows[1].entityId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('first match wins over the enabled profiles, so a span carrying both conventions counts once; off matches nothing', () => {
    const both = span('tool.invoke', { 'tool.id': 't1', 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'x' }, { kind: 'server' });
    expect(derive([both]).filter((r) => r.entityType === 'tool')).toHaveLength(1);
    expect(derive([both])[0].entityId).toBe('t1');
    const semconvFirst = new SpanMatcher([SPAN_PROFILE_DEFINITIONS['mcp-semconv'], SPAN_PROFILE_DEFINITIONS.contextforge]);
    expect(derive([both], semconvFirst).map((r) => r.entityId)).toEqual(['x']);
    expect(derive([both], new SpanMatcher([]))).toEqual([]);
  });

  it('a third gateway is one more profile entry', () => {
    const other: SpanProfile = {
      name: 'contextforge',
      mappings: [
        {
          match: { name: 'execute_tool' },
          entity: 'tool',
          id: ['tool.key'],
          name: [],
          success: ['ok'],
          errorType: [],
          errorMessage: ['why'],
        },
      ],
    };
    const [row] = derive([span('execute_tool', { 'tool.key': 'k', ok: false, why: 'boom' })], new SpanMatcher([other]));
    expect(row).toMatchObject({ entityId: 'k', isSuccess: false, errorMessage: 'boom' });
  });

  it('adds nothing for a span without id or name, outside retention, in the far future, or longer than the bound', () => {
    const at = (ms: number) => BigInt(ms) * 1_000_000n;
    expect(
      derive([
        span('tool.invoke', { success: true }),
        span('tool.invoke', { 'tool.id': 't' }, { startNanos: at(NOW - 91 * 86_400_000), endNanos: at(NOW - 91 * 86_400_000 + 5) }),
        span('tool.invoke', { 'tool.id': 't' }, { startNanos: at(NOW + 3_600_000), endNanos: at(NOW + 3_600_001) }),
        span('tool.invoke', { 'tool.id': 't' }, { startNanos: at(NOW - 2 * 86_400_000), endNanos: at(NOW) }),
      ]),
    ).toEqual([]);
  });
});
