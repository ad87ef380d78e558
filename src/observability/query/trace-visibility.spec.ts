import { hiddenSpanCondition, hidesTrace, traceScope } from './trace-visibility';

describe('trace visibility', () => {
  const scope = traceScope(
    new Map<string, string[] | null>([
      ['tools', ['t1']],
      ['prompts', null],
    ]),
  );

  it('hides a trace that names an entity the caller may not see, and only then', () => {
    expect(scope).toEqual([
      { key: 'tool.id', visible: ['t1'] },
      { key: 'contextforge.tool.id', visible: ['t1'] },
    ]);
    expect(hidesTrace(scope, [{ attributes: { 'tool.id': 't1' } }, { attributes: null }])).toBe(false);
    expect(hidesTrace(scope, [{ attributes: { 'tool.id': 't1' } }, { attributes: { 'tool.id': 't2' } }])).toBe(true);
    expect(hidesTrace(scope, [{ attributes: { 'prompt.id': 'any' } }])).toBe(false);
    expect(hidesTrace(null, [{ attributes: { 'tool.id': 't2' } }])).toBe(false);
    expect(traceScope(new Map())).toBeNull();
  });

  it("reads the ids under the keys ContextForge sends: a private server's server_id, a gateway's tool.gateway_id", () => {
    const gateway = traceScope(new Map([['servers', ['s1']], ['gateways', ['g1']]]));
    // tool.invoke through a virtual server carries server_id, not server.id.
    expect(hidesTrace(gateway, [{ attributes: { 'tool.id': 'any', server_id: 's2' } }])).toBe(true);
    expect(hidesTrace(gateway, [{ attributes: { server_id: 's1', 'tool.gateway_id': 'g1' } }])).toBe(false);
    expect(hidesTrace(gateway, [{ attributes: { 'contextforge.gateway_id': 'g2' } }])).toBe(true);
  });

  it('binds every key and id in the SQL', () => {
    const params: unknown[] = [];
    const sql = hiddenSpanCondition(scope!, (v) => `$${params.push(v)}`);
    expect(sql).toBe(
      '(s.attributes ? $1 AND NOT ((s.attributes ->> $2) = ANY($3::text[]))) OR (s.attributes ? $4 AND NOT ((s.attributes ->> $5) = ANY($6::text[])))',
    );
    expect(params.slice(0, 3)).toEqual(['tool.id', 'tool.id', ['t1']]);
  });
});
