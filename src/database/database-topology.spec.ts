import { describeUrl, resolveTopology } from './database-topology';

const CORE = 'postgres://app:secret@core-db:5432/mcp';
const METRICS = 'postgres://app:secret@metrics-db:5432/mcp_metrics';
const LOGS = 'postgres://app:secret@pgbouncer:6432/mcp_logs';

describe('resolveTopology', () => {
  it('puts every role in core when only DATABASE_URL is set', () => {
    const t = resolveTopology({ core: CORE });
    expect(t.databases).toHaveLength(1);
    expect(t.databases[0].roles).toEqual(['core', 'metrics', 'logs', 'observability']);
    expect(Object.values(t.roles).map((r) => [r.role, r.own, r.dataSourceName])).toEqual([
      ['core', true, 'core'],
      ['metrics', false, 'core'],
      ['logs', false, 'core'],
      ['observability', false, 'core'],
    ]);
  });

  it('gives a role with its own URL its own database and leaves the rest in core', () => {
    const t = resolveTopology({ core: CORE, metrics: METRICS });
    expect(t.databases.map((d) => [d.name, d.roles])).toEqual([
      ['core', ['core', 'logs', 'observability']],
      ['metrics', ['metrics']],
    ]);
    expect(t.roles.metrics).toEqual({ role: 'metrics', own: true, dataSourceName: 'metrics' });
  });

  it('shares one pool when two URLs name the same database', () => {
    const t = resolveTopology({ core: CORE, metrics: CORE.replace('secret', 'other'), logs: LOGS, observability: LOGS });
    expect(t.databases.map((d) => [d.name, d.roles])).toEqual([
      ['core', ['core', 'metrics']],
      ['logs', ['logs', 'observability']],
    ]);
    expect(t.roles.metrics.own).toBe(false);
    expect(t.roles.observability).toEqual({ role: 'observability', own: true, dataSourceName: 'logs' });
  });

  it('describes databases without credentials', () => {
    expect(describeUrl(LOGS)).toBe('pgbouncer:6432/mcp_logs');
    const t = resolveTopology({ core: CORE, metrics: METRICS, logs: LOGS });
    expect(JSON.stringify(t.databases.map((d) => d.label))).not.toContain('secret');
  });
});
