import { formatVerifyTable, summarize, VerifyRow } from './verify-report';

const row = (over: Partial<VerifyRow>): VerifyRow => ({
  table: 'tool_metrics',
  unit: 'tool_metrics_p20260301',
  source_rows: 10,
  target_rows: 10,
  source_checksum: '1',
  target_checksum: '1',
  missing: 0,
  different: 0,
  stale: 0,
  newer_in_target: 0,
  extra_in_target: 0,
  ok: true,
  ...over,
});

describe('verify report', () => {
  it('matches when nothing is missing, different or stale; rows ahead on the target are reported, not mismatches', () => {
    const summary = summarize([
      row({}),
      row({ unit: 'tool_metrics_p20260302', extra_in_target: 4, target_rows: 14 }),
      row({ table: 'audit_trails', unit: 'audit_trails_p20260302' }),
    ]);
    expect(summary).toMatchObject({ ok: true, units: 3, tables: 2, mismatched: [] });
    expect(summary.ahead.map((r) => r.unit)).toEqual(['tool_metrics_p20260302']);
  });

  it('prints the differences as a table', () => {
    const text = formatVerifyTable([
      row({ missing: 1, target_rows: 9, ok: false }),
      row({ table: 'security_events', unit: 'security_events', target_rows: null }),
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^table\s+partition\s+source rows\s+target rows\s+missing\s+different\s+stale\s+newer in target\s+extra in target$/,
    );
    expect(lines[1]).toMatch(/^tool_metrics\s+tool_metrics_p20260301\s+10\s+9\s+1\s+0\s+0\s+0\s+0$/);
    expect(lines[2]).toMatch(/^security_events\s+-\s+10\s+\?/);
  });
});
