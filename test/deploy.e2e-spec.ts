import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { envSchema } from '../src/config/configuration';
import { parseMoveArgs } from '../src/move/move-args';
import { startApp } from './support/app';
import { parseExposition } from './support/exposition';
import { ROOT } from './support/cli';
import { createDatabase, dropDatabase } from './support/postgres';

/* eslint-disable @typescript-eslint/no-explicit-any -- walking parsed YAML */
function documents(file: string): any[] {
  const docs = parseAllDocuments(readFileSync(join(ROOT, file), 'utf8'));
  for (const doc of docs) expect(doc.errors.map((e) => `${file}: ${e.message}`)).toEqual([]);
  return docs.map((d) => d.toJS()).filter(Boolean);
}

const k8sFiles = readdirSync(join(ROOT, 'deploy', 'kubernetes'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join('deploy', 'kubernetes', f));
const k8s = k8sFiles.flatMap(documents);
const compose = documents('docker-compose.yml')[0];
const alerts = documents('deploy/prometheus/alerts.yaml')[0];
const prometheusConfig = documents('deploy/prometheus/prometheus.yml')[0];
const dashboards = readdirSync(join(ROOT, 'deploy', 'dashboards'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(ROOT, 'deploy', 'dashboards', f), 'utf8')));

/** Every fourfold_ series name an expression uses. */
const namesIn = (exprs: string[]) => exprs.flatMap((e) => e.match(/fourfold_[a-z0-9_]+/g) ?? []);
const alertExprs: string[] = alerts.groups.flatMap((g: any) => g.rules.map((r: any) => r.expr));
const dashboardExprs: string[] = dashboards.flatMap((d) => d.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr)));
const known = new Set(Object.keys(envSchema.shape));

describe('deployment files', () => {
  it('parse, and every Kubernetes object has a kind and a name', () => {
    expect(k8s.length).toBeGreaterThanOrEqual(5);
    for (const obj of k8s) expect([obj.kind, obj.metadata?.name].every(Boolean)).toBe(true);
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'pgbouncer', 'fourfold']));
  });

  it('set only variables that the configuration schema knows', () => {
    const fourfoldEnv = [
      ...Object.keys(compose.services.fourfold.environment),
      ...k8s.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'fourfold').flatMap((o) => Object.keys(o.data)),
      ...k8s.filter((o) => o.kind === 'Secret' && o.metadata.name === 'fourfold-databases').flatMap((o) => Object.keys(o.stringData)),
    ];
    expect(fourfoldEnv.length).toBeGreaterThan(8);
    expect(fourfoldEnv.filter((name) => !known.has(name))).toEqual([]);
  });

  it('wire monitoring: the metrics port is scraped, the alerts are loaded, the db:move Job runs a valid command', () => {
    const configMap = k8s.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'fourfold');
    const deployment = k8s.find((o) => o.kind === 'Deployment' && o.metadata.name === 'fourfold');
    const port = configMap.data.METRICS_PORT;
    expect(deployment.spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': port,
      'prometheus.io/path': '/metrics',
    });
    expect(deployment.spec.template.spec.containers[0].ports).toContainEqual({ name: 'metrics', containerPort: Number(port) });
    const service = k8s.find((o) => o.kind === 'Service' && o.metadata.name === 'fourfold');
    const monitor = k8s.find((o) => o.kind === 'ServiceMonitor');
    expect(service.spec.ports.map((p: any) => p.name)).toContain(monitor.spec.endpoints[0].port);
    expect(k8s.find((o) => o.kind === 'PrometheusRule').spec).toEqual(alerts);

    expect(compose.services.fourfold.environment.METRICS_PORT).toBe('9464');
    expect(prometheusConfig.scrape_configs[0].static_configs[0].targets).toEqual(['fourfold:9464']);
    expect(prometheusConfig.rule_files).toEqual(['alerts.yaml']);
    expect(compose.services.prometheus.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');

    const job = k8s.find((o) => o.kind === 'Job' && o.metadata.labels['app.kubernetes.io/component'] === 'move');
    const container = job.spec.template.spec.containers[0];
    expect(container.command).toEqual(['node', 'dist/src/cli/db-move.js']);
    const secret = k8s.find((o) => o.kind === 'Secret' && o.metadata.name === container.envFrom[2].secretRef.name);
    expect(parseMoveArgs(container.args, secret.stringData)).toMatchObject({ role: 'metrics', verify: true });
  });

  it('every series the alerts and the dashboard use exists in a real scrape of the app', async () => {
    const used = new Set(namesIn([...alertExprs, ...dashboardExprs]));
    expect(used.size).toBeGreaterThan(15);
    const url = await createDatabase('deploy_metrics');
    const app = await startApp({ DATABASE_URL: url });
    try {
      await app.get('/health/ready');
      const res = await app.get('/metrics');
      expect(res.status).toBe(200);
      const present = new Set(parseExposition(res.text).map((s) => s.name));
      expect([...used].filter((name) => !present.has(name))).toEqual([]);
    } finally {
      await app.close();
      await dropDatabase(url);
    }
  });

  it('probe paths exist in the app and answer 200', async () => {
    const deployment = k8s.find((o) => o.kind === 'Deployment' && o.metadata.name === 'fourfold');
    const container = deployment.spec.template.spec.containers[0];
    const paths = ['livenessProbe', 'readinessProbe', 'startupProbe'].map((p) => container[p].httpGet.path);
    expect(paths).toEqual(['/health/live', '/health/ready', '/health/live']);
    expect(compose.services.fourfold.healthcheck.test.join(' ')).toContain('/health/ready');

    const url = await createDatabase('deploy');
    const app = await startApp({ DATABASE_URL: url });
    try {
      for (const path of new Set(paths)) expect([path, (await app.get(path)).status]).toEqual([path, 200]);
    } finally {
      await app.close();
      await dropDatabase(url);
    }
  });
});
