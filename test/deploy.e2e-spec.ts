import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { envSchema } from '../src/config/configuration';
import { startApp } from './support/app';
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
