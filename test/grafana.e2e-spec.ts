import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseLogfmt } from 'logfmt';
import { parse, parseAllDocuments } from 'yaml';
import { startApp, TestApp } from './support/app';
import { ROOT } from './support/cli';
import { parseExposition } from './support/exposition';
import { hexId, jsonRequest, jsonSpan } from './support/otlp';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, member, Member } from './support/registry';

/* eslint-disable @typescript-eslint/no-explicit-any -- walking parsed YAML and dashboard JSON */
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const datasources = parse(read('deploy/grafana/provisioning/datasources/fourfold.yaml')).datasources as any[];
const dashboard = JSON.parse(read('deploy/grafana/dashboards/gateway-usage.json'));
const targets: Array<{ panel: string; target: any }> = dashboard.panels.flatMap((p: any) =>
  (p.targets ?? []).map((target: any) => ({ panel: p.title, target })),
);
const byType = (type: string) => targets.filter((t) => t.target.datasource.type === type);
const uidOf = (type: string) => datasources.find((d) => d.type === type).uid;
const GATEWAY = dashboard.templating.list.find((v: any) => v.name === 'gateway_service').query as string;

/** Grafana's SQL macros for a concrete window, as its PostgreSQL data source expands them. */
const expandMacros = (sql: string) => sql.replace(/\$__timeFilter\(([^)]+)\)/g, `$1 BETWEEN now() - interval '2 days' AND now()`);

/** Every data link URL of the dashboard. */
function linkUrls(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(linkUrls);
  if (!node || typeof node !== 'object') return [];
  const own = typeof (node as any).url === 'string' ? [(node as any).url as string] : [];
  return [...own, ...Object.values(node).flatMap(linkUrls)];
}
/** The queries of the links that open a Jaeger search in Explore. */
const linkedSearches: any[] = linkUrls(dashboard.panels)
  .filter((u) => u.startsWith('/explore?left='))
  .flatMap((u) => JSON.parse(u.slice('/explore?left='.length)).queries);

describe('Grafana provisioning (deploy/grafana)', () => {
  let app: TestApp;
  let db: string;
  let viewer: Member;

  beforeAll(async () => {
    db = await createDatabase('grafana');
    app = await startApp({ DATABASE_URL: db, WRITER_FLUSH_MS: '20' });
    viewer = await member(app, 'grafana@fourfold.test', 'viewer');
    for (const [table, id, name, extra] of [
      ['tool_metrics', 'tool_id', 'tool_name', ''],
      ['prompt_metrics', 'prompt_id', 'prompt_name', ''],
      ['resource_metrics', 'resource_id', 'resource_name', ''],
      ['a2a_agent_metrics', 'a2a_agent_id', 'agent_name', ', interaction_type'],
    ])
      await query(
        db,
        `INSERT INTO ${table} (id, ${id}, ${name}, "timestamp", response_time, is_success${extra})
         SELECT gen_random_uuid(), 'e' || (i % 3), 'entity-' || (i % 3), now() - interval '1 hour' - random() * interval '20 hours',
                exp(ln(0.2) + random()), random() > 0.1${extra ? `, 'invoke'` : ''}
           FROM generate_series(1, 600) i`,
      );
    expect((await app.post('/api/v1/metrics/rollup', {})).body).toMatchObject({ ran: true });
    // The gateway's traces: a slow tool call crossing into a tool server.
    const traceId = hexId(16);
    const [root, child] = [hexId(8), hexId(8)];
    const spans = [
      jsonSpan({
        traceId,
        spanId: root,
        name: 'tools/call',
        startMs: Date.now() - 60_000,
        durationMs: 1800,
        kind: 2,
        status: 2,
        attributes: { 'gen_ai.tool.name': 'entity-1' },
      }),
    ];
    const sent = await app.request('POST', '/v1/traces', {
      body: {
        resourceSpans: [
          ...(jsonRequest(GATEWAY, spans).resourceSpans as unknown[]),
          ...(jsonRequest('tool-server', [
            jsonSpan({ traceId, spanId: child, parentSpanId: root, name: 'run', startMs: Date.now() - 59_000, durationMs: 900 }),
          ]).resourceSpans as unknown[]),
        ],
      },
    });
    expect(sent.status).toBe(200);
    await flushWriter(app);
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    if (db) await dropDatabase(db);
  });

  it('provisions Prometheus, fourfold’s Jaeger API (token in a custom header) and the metrics database read-only', () => {
    expect(datasources.map((d) => d.type).sort()).toEqual(['grafana-postgresql-datasource', 'jaeger', 'prometheus']);
    const jaeger = datasources.find((d) => d.type === 'jaeger');
    expect(jaeger.url).toBe('${FOURFOLD_URL}/jaeger');
    expect(jaeger.jsonData.httpHeaderName1).toBe('Authorization');
    expect(jaeger.secureJsonData.httpHeaderValue1).toBe('Bearer ${FOURFOLD_GRAFANA_TOKEN}');
    expect(datasources.find((d) => d.type === 'grafana-postgresql-datasource').user).toBe('grafana_ro');
    expect(read('deploy/grafana/metrics-readonly.sh')).toMatch(/default_transaction_read_only = on/);
    // Every panel's data source is one of those provisioned.
    expect(targets.every((t) => datasources.some((d) => d.uid === t.target.datasource.uid))).toBe(true);
  });

  it('is wired in docker-compose and the Kubernetes examples, every variable of the data sources set', () => {
    const used = [
      ...new Set(
        read('deploy/grafana/provisioning/datasources/fourfold.yaml')
          .match(/\$\{([A-Z_]+)\}/g)!
          .map((v) => v.slice(2, -1)),
      ),
    ];
    const compose = parse(read('docker-compose.yml'));
    expect(compose.services.grafana.volumes).toEqual(
      expect.arrayContaining([
        './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
        './deploy/grafana/dashboards:/var/lib/grafana/dashboards/usage:ro',
      ]),
    );
    expect(used.filter((v) => !(v in compose.services.grafana.environment))).toEqual([]);
    const k8s = parseAllDocuments(read('deploy/kubernetes/grafana.yaml')).map((d) => d.toJS());
    const deployment = k8s.find((o) => o.kind === 'Deployment');
    const secret = k8s.find((o) => o.kind === 'Secret');
    const env = [...deployment.spec.template.spec.containers[0].env.map((e: any) => e.name), ...Object.keys(secret.stringData)];
    expect(used.filter((v) => !env.includes(v))).toEqual([]);
    const kustomization = parse(read('deploy/grafana/kustomization.yaml'));
    const generated = kustomization.configMapGenerator.map((g: any) => g.name).sort();
    expect(deployment.spec.template.spec.volumes.map((v: any) => v.configMap.name).sort()).toEqual(generated);
    for (const g of kustomization.configMapGenerator)
      for (const f of g.files) expect(existsSync(join(ROOT, 'deploy/grafana', f))).toBe(true);
  });

  it('runs every SQL query of the dashboard against a migrated metrics database with data, each returning rows', async () => {
    const sqlTargets = byType('grafana-postgresql-datasource');
    expect(sqlTargets.length).toBeGreaterThanOrEqual(8);
    for (const { panel, target } of sqlTargets) {
      const sql = expandMacros(target.rawSql);
      expect({ panel, leftover: sql.match(/\$\w+/g) }).toEqual({ panel, leftover: null });
      const rows = await query<Record<string, unknown>>(db, sql);
      expect({ panel, rows: rows.length > 0 }).toEqual({ panel, rows: true });
    }
  });

  it('asks the Jaeger API only what it answers: Grafana’s own requests for every Jaeger panel and trace link', async () => {
    const base = datasources.find((d) => d.type === 'jaeger').url.replace('${FOURFOLD_URL}', '');
    const get = (path: string, params: Record<string, string> = {}) =>
      app.get(`${base}${path}?${new URLSearchParams(params)}`, viewer.token);
    expect((await get('/api/services')).body.data).toContain(GATEWAY); // the data source's health check
    const now = Date.now();
    const searches = [...byType('jaeger').map((t) => t.target), ...linkedSearches].filter((q) => q.queryType === 'search');
    expect(searches.length).toBeGreaterThanOrEqual(3);
    for (const q of searches) {
      const interpolate = (v: string) => v.replace('${gateway_service}', GATEWAY).replace(/\$\{__data\.fields\.\w+\}/, 'entity-1');
      const params: Record<string, string> = { start: String((now - 3_600_000) * 1000), end: String(now * 1000), lookback: 'custom' };
      for (const key of ['service', 'operation', 'minDuration', 'maxDuration', 'limit'])
        if (q[key] !== undefined && q[key] !== '') params[key] = interpolate(String(q[key]));
      // Grafana turns the logfmt tags into JSON before sending them.
      if (q.tags) params.tags = JSON.stringify(parseLogfmt(interpolate(q.tags)));
      const res = await get('/api/traces', params);
      expect({ params, status: res.status, found: res.body.data?.length > 0 }).toEqual({ params, status: 200, found: true });
    }
    for (const q of byType('jaeger').filter((t) => t.target.queryType === 'dependencyGraph')) {
      const res = await get('/api/dependencies', { endTs: String(now), lookback: String(3_600_000) });
      expect({ panel: q.panel, status: res.status, data: res.body.data }).toEqual({
        panel: q.panel,
        status: 200,
        data: [{ parent: GATEWAY, child: 'tool-server', callCount: 1 }],
      });
    }
  });

  it('uses only Prometheus series the app exposes', async () => {
    const names = byType('prometheus').flatMap((t) => t.target.expr.match(/fourfold_[a-z0-9_]+/g) ?? []);
    expect(names.length).toBeGreaterThanOrEqual(2);
    const res = await app.get('/metrics');
    const present = new Set(parseExposition(res.text).map((s) => s.name));
    expect(names.filter((n: string) => !present.has(n))).toEqual([]);
    expect(uidOf('prometheus')).toBe('fourfold-prometheus');
  });
});
