import { hiddenSpanCondition, hidesTrace, traceScope } from './trace-visibility';

describe('trace visibility', () => {
  const scope = traceScope(
    new Map<string, string[] | null>([
      ['tools', ['t1']],
      ['prompts', null],
    ]),
  );

  it('hides a trace that names an entity the caller may not see, and only then', () => {
    expect(scope).toEqual([{ key: 'tool.id', visible: ['t1'] }]);
    expect(hidesTrace(scope, [{ attributes: { 'tool.id': 't1' } }, { attributes: null }])).toBe(false);
    expect(hidesTrace(scope, [{ attributes: { 'tool.id': 't1' } }, { attributes: { 'tool.id': 't2' } }])).toBe(true);
    expect(hidesTrace(scope, [{ attributes: { 'prompt.id': 'any' } }])).toBe(false);
    expect(hidesTrace(null, [{ attributes: { 'tool.id': 't2' } }])).toBe(false);
    expect(traceScope(new Map())).toBeNull();
  });

  it('binds every key and id in the SQL', () => {
    const params: unknown[] = [];
    const sql = hiddenSpanCondition(scope!, (v) => `$${params.push(v)}`);
    expect(sql).toBe('(s.attributes ? $1 AND NOT ((s.attributes ->> $2) = ANY($3::text[])))');
    expect(params).toEqual(['tool.id', 'tool.id', ['t1']]);
  });
});
