import { startApp, TestApp } from './support/app';
import { hexId, jsonRequest, jsonSpan } from './support/otlp';
import { createDatabase, dropDatabase } from './support/postgres';
import { flushWriter, member, Member, team } from './support/registry';

const HOUR = 3_600_000;

function percentile(sorted: number[], q: number): number {
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo] + (sorted[Math.ceil(rank)] - sorted[lo]) * (rank - lo);
}

describe('per-entity analytics: stats, errors, heatmap, chains', () => {
  let url: string;
  let app: TestApp;
  let devA: Member;
  let devB: Member;
  let hidden: string;
  const ids: Record<string, string> = {};
  const now = Date.now();
  const thisHour = Math.floor(now / HOUR) * HOUR;
  const from = new Date(thisHour - 5 * HOUR).toISOString();
  const to = new Date(now + 60_000).toISOString();
  const values: number[] = [];

  beforeAll(async () => {
    url = await createDatabase('analytics');
    app = await startApp({ DATABASE_URL: url, WRITER_FLUSH_MS: '20' });
    const [teamA, teamB] = [await team(app, 'team-a'), await team(app, 'team-b')];
    devA = await member(app, 'dev-a@analytics.test', 'developer', [teamA]);
    devB = await member(app, 'dev-b@analytics.test', 'developer', [teamB]);
    hidden = (
      await app.request('POST', '/api/v1/tools', { token: devB.token, body: { name: 'b-private', team_id: teamB, visibility: 'private' } })
    ).body.id;

    for (const name of ['A', 'B', 'C'])
      ids[name] = (await app.request('POST', '/api/v1/tools', { body: { name: `tool-${name}`, visibility: 'public' } })).body.id;
    // 4 closed hours (rolled up: hourly rows with sketches) and the open hour (raw rows).
    const items: Array<Record<string, unknown>> = [];
    for (let h = 4; h >= 0; h--) {
      for (let i = 0; i < 60; i++) {
        const rt = Math.round(Math.exp(((i * 37 + h * 11) % 97) / 12 - 6) * 1e6) / 1e6;
        const at = h === 0 ? Math.min(thisHour + i * 1000, now - 1000) : thisHour - h * HOUR + i * 50_000;
        values.push(rt);
        const failed = i % 10 === 0;
        items.push({
          entity_type: 'tool',
          entity_id: hidden,
          timestamp: new Date(at).toISOString(),
          response_time: rt,
          is_success: !failed,
          ...(failed
            ? { error_type: i % 20 === 0 ? 'tool_error' : 'TimeoutError', error_message: i % 20 === 0 ? 'bad city' : 'took too long' }
            : {}),
        });
      }
    }
    for (let i = 0; i < items.length; i += 100)
      expect((await app.post('/api/v1/metrics/executions', items.slice(i, i + 100))).status).toBe(202);
    await flushWriter(app);

    // Traces with known tool sequences: A B C twice, A C once; a session spanning two traces: C then B.
    const tool = (traceId: string, id: string, startMs: number, extra: Record<string, string> = {}) =>
      jsonSpan({
        traceId,
        spanId: hexId(8),
        name: 'tool.invoke',
        startMs,
        durationMs: 5,
        attributes: { 'tool.id': id, 'tool.name': `name-${id}`, ...extra },
      });
    const spans = [];
    const base = now - 10 * 60_000;
    for (const [k, seq] of [
      ['A', 'B', 'C'],
      ['A', 'B', 'C'],
      ['A', 'C'],
    ].entries()) {
      const traceId = hexId(16);
      seq.forEach((name, i) => spans.push(tool(traceId, ids[name], base + k * 1000 + i * 10)));
      if (k === 0) {
        spans.push(tool(traceId, hidden, base + 500)); // a hidden tool after C: devA never sees it
        values.push(0.005);
      }
    }
    const semconv = (traceId: string, name: string, startMs: number) =>
      jsonSpan({
        traceId,
        spanId: hexId(8),
        name: `tools/call ${name}`,
        kind: 2,
        startMs,
        durationMs: 5,
        attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': name, 'mcp.session.id': 'sess-9' },
      });
    spans.push(semconv(hexId(16), 'C', base + 5000), semconv(hexId(16), 'B', base + 6000));
    expect(
      (await app.request('POST', '/v1/traces', { token: app.adminToken, rawBody: JSON.stringify(jsonRequest('gw', spans)) })).status,
    ).toBe(200);
    await flushWriter(app);
    // Rolled up last: the tool spans above are executions too (metrics from spans), ten minutes
    // ago, so in the previous hour during the first ten minutes of an hour. Rolled up before them,
    // that hour would be pending again and read from raw rows (one hourly row fewer).
    expect((await app.post('/api/v1/metrics/rollup', { hours_back: 6 })).status).toBe(200);
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  it('stats: calls, error rate and percentiles over the window (rollups and raw tail merged), top errors by type and message', async () => {
    const res = await app.get(`/api/v1/metrics/tools/${hidden}/stats?from=${from}&to=${to}&errors=5`, devB.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ calls: 301, failures: 30, error_rate: 30 / 301, source: 'mixed', exact: false });
    expect(res.body.sources.hourly_rows).toBe(4);
    const sorted = [...values].sort((a, b) => a - b);
    for (const [key, q] of [
      ['p50', 0.5],
      ['p90', 0.9],
      ['p95', 0.95],
      ['p99', 0.99],
    ] as const) {
      expect(Math.abs(res.body[key] - percentile(sorted, q)) / percentile(sorted, q)).toBeLessThanOrEqual(0.0101);
    }
    expect(res.body.top_errors).toEqual([
      expect.objectContaining({ error_type: 'TimeoutError', error_message: 'took too long', count: 15 }),
      expect.objectContaining({ error_type: 'tool_error', error_message: 'bad city', count: 15 }),
    ]);
  });

  it('heatmap: per hour, cells that sum to the calls of the hour and of the window, from the sketches', async () => {
    const res = await app.get(`/api/v1/metrics/tools/${hidden}/heatmap?from=${from}&to=${to}`, devB.token);
    expect(res.status).toBe(200);
    expect(res.body.points).toHaveLength(5);
    for (const p of res.body.points) {
      expect(p.cells).toHaveLength(res.body.latency_bounds.length + 1);
      expect(p.cells.reduce((a: number, b: number) => a + b, 0)).toBe(p.count);
      expect(p.unbinned).toBe(0);
    }
    expect(res.body.total).toBe(301);
    const daily = await app.get(`/api/v1/metrics/tools/${hidden}/heatmap?from=${from}&to=${to}&bucket=day&bounds=0.01,0.1,1`, devB.token);
    expect(daily.status).toBe(200);
    const cells = daily.body.points.reduce((sum: number[], p: { cells: number[] }) => sum.map((v, i) => v + p.cells[i]), [0, 0, 0, 0]);
    expect(cells.reduce((a: number, b: number) => a + b, 0)).toBe(301);
    // each value in its cell, but for values within 1 % of a bound
    const exact = [0, 0, 0, 0];
    values.forEach((v) => exact[v <= 0.01 ? 0 : v <= 0.1 ? 1 : v <= 1 ? 2 : 3]++);
    expect(cells.reduce((d: number, c: number, i: number) => d + Math.abs(c - exact[i]), 0)).toBeLessThanOrEqual(
      values.filter((v) => [0.01, 0.1, 1].some((b) => Math.abs(v - b) <= b * 0.011)).length,
    );
  });

  it('chains: the most common sequences and transitions within a trace and within a session; hidden tools left out', async () => {
    const named = (seq: string[]) => seq.map((n) => (n === 'hidden' ? 'b-private' : `tool-${n}`));
    const sequences = (body: { sequences: Array<{ tool_ids: string[]; tool_names: string[]; count: number }> }) =>
      body.sequences.map((s) => ({ ...s, tool_ids: s.tool_ids.map((id) => Object.keys(ids).find((k) => ids[k] === id) ?? 'hidden') }));
    const admin = await app.get(`/api/v1/metrics/chains?from=${from}&to=${to}`, app.adminToken);
    expect(admin.status).toBe(200);
    expect(sequences(admin.body)).toEqual(
      expect.arrayContaining([
        { tool_ids: ['A', 'B', 'C'], tool_names: named(['A', 'B', 'C']), count: 1 },
        { tool_ids: ['A', 'B', 'C', 'hidden'], tool_names: named(['A', 'B', 'C', 'hidden']), count: 1 },
        { tool_ids: ['A', 'C'], tool_names: named(['A', 'C']), count: 1 },
      ]),
    );
    expect(admin.body.sequences).toHaveLength(3);
    const a = await app.get(`/api/v1/metrics/chains?from=${from}&to=${to}`, devA.token);
    expect(sequences(a.body)).toEqual([
      { tool_ids: ['A', 'B', 'C'], tool_names: named(['A', 'B', 'C']), count: 2 },
      { tool_ids: ['A', 'C'], tool_names: named(['A', 'C']), count: 1 },
    ]);
    const key = (id: string) => Object.keys(ids).find((k) => ids[k] === id);
    expect(
      a.body.transitions.map((t: { from: { id: string }; to: { id: string }; count: number }) => [key(t.from.id), key(t.to.id), t.count]),
    ).toEqual(
      expect.arrayContaining([
        ['A', 'B', 2],
        ['B', 'C', 2],
        ['A', 'C', 1],
      ]),
    );
    expect(a.body.transitions).toHaveLength(3);
    expect(a.body.transitions[2].count).toBe(1);
    const session = await app.get(`/api/v1/metrics/chains?by=session&from=${from}&to=${to}`, app.adminToken);
    expect(session.body.sequences).toEqual([{ tool_ids: ['C', 'B'], tool_names: ['C', 'B'], count: 1 }]);
  });

  it('a hidden entity answers 404 as the registry does; bad parameters answer 400 naming them', async () => {
    const registry = await app.get(`/api/v1/tools/${hidden}`, devA.token);
    for (const path of ['stats', 'heatmap']) {
      const res = await app.get(`/api/v1/metrics/tools/${hidden}/${path}`, devA.token);
      expect([res.status, res.body]).toEqual([registry.status, registry.body]);
    }
    const bad = await app.get(`/api/v1/metrics/tools/${hidden}/heatmap?bounds=1,0.5`, devB.token);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'bounds', reason: 'must be in increasing order' }]);
    const unknown = await app.get(`/api/v1/metrics/tools/${hidden}/stats?error=5`, devB.token);
    expect([unknown.status, unknown.body.errors]).toEqual([400, [{ field: 'error', reason: 'error should not exist' }]]);
    const long = await app.get(`/api/v1/metrics/chains?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z`, devA.token);
    expect(long.status).toBe(400);
    expect(long.body.errors[0].field).toBe('from');
  });
});
