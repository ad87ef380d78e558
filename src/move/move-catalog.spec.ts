import { orderByReferences, TableShape } from './move-catalog';

const shape = (table: string, references: string[] = []): TableShape => ({
  table,
  columns: ['id'],
  key: ['id'],
  keyTypes: ['uuid'],
  mutable: false,
  references,
  partitioning: null,
});

describe('orderByReferences', () => {
  it('puts referenced tables first and keeps the given order otherwise', () => {
    const ordered = orderByReferences([
      shape('observability_events', ['observability_spans']),
      shape('observability_saved_queries'),
      shape('observability_spans', ['observability_traces']),
      shape('observability_metrics', ['observability_traces']),
      shape('observability_traces'),
    ]).map((s) => s.table);
    expect(ordered).toEqual([
      'observability_traces',
      'observability_spans',
      'observability_events',
      'observability_saved_queries',
      'observability_metrics',
    ]);
  });

  it('ignores references outside the role and to the table itself, and refuses a cycle', () => {
    expect(orderByReferences([shape('a', ['a', 'elsewhere']), shape('b')]).map((s) => s.table)).toEqual(['a', 'b']);
    expect(() => orderByReferences([shape('a', ['b']), shape('b', ['a'])])).toThrow(/cycle/);
  });
});
