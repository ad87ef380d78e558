import SwaggerParser from '@apidevtools/swagger-parser';
import { parse } from 'yaml';
import { routePolicy } from '../src/auth/route-policy';
import { servedRoutes } from '../src/http/openapi';
import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase } from './support/postgres';
import { member } from './support/registry';

/* eslint-disable @typescript-eslint/no-explicit-any -- the document is walked as JSON */
type Doc = Record<string, any>;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const EXPOSURE = { statusPublic: false, metricsPublic: false };
/** Swagger UI and the document itself: served by @nestjs/swagger, public by routePolicy, not operations of the API. */
const DOCS_ROUTES = /^\/docs(\/|-json$|-yaml$|$)/;

/** Routes the HTTP server really answers: Express's router, as Nest registered them. */
function expressRoutes(app: TestApp): string[] {
  const stack = (app.app.getHttpAdapter().getInstance() as any).router.stack as any[];
  return stack
    .filter((layer) => layer.route)
    .flatMap((layer) =>
      Object.keys(layer.route.methods)
        .filter((m) => HTTP_METHODS.includes(m))
        .map((m) => `${m} ${String(layer.route.path).replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
    )
    .filter((key) => !DOCS_ROUTES.test(key.split(' ')[1]))
    // Middleware that Nest mounts for every path under a prefix (forRoutes), not routes of their own.
    .filter((key) => !key.includes('{*'))
    // The OTLP/HTTP receivers answer every method of their paths: POST is the operation, the rest 405 with Allow.
    .filter((key) => !/^(?!post )\S+ \/v1\//.test(key));
}

const operations = (doc: Doc) =>
  Object.entries<Doc>(doc.paths).flatMap(([path, item]) =>
    Object.entries<Doc>(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );

/** One retry when a kept-alive connection was closed under us (the validation above holds the event loop for seconds). */
async function again<T>(call: () => Promise<T>, what: string): Promise<T> {
  try {
    return await call();
  } catch {
    return call().catch((e: Error) => {
      throw new Error(`${what}: ${e.message}`);
    });
  }
}

const concrete = (path: string) => path.replace(/\{[^}]+\}/g, '0190a4b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b');

describe('OpenAPI document (/docs-json, /docs-yaml)', () => {
  let url: string;
  let app: TestApp;
  let doc: Doc;

  beforeAll(async () => {
    url = await createDatabase('openapi');
    // Every route is called once without a token: no block for this address meanwhile.
    app = await startApp({ DATABASE_URL: url, PARTITION_MAINTENANCE_ENABLED: 'false', AUTH_FAILURE_THRESHOLD: '100000' });
    const res = await app.get('/docs-json', null);
    expect(res.status).toBe(200);
    doc = res.body;
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  it('is a valid OpenAPI document, the same in JSON and YAML', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as any)).resolves.toBeDefined();
    const yaml = await app.get('/docs-yaml', null);
    expect(yaml.status).toBe(200);
    expect(parse(yaml.text)).toEqual(doc);
  });

  it('describes the service as it is and its tokens as opaque ff_ strings', () => {
    expect(doc.info.description).toContain('metrics');
    expect(doc.info.description).toContain('traces');
    expect(doc.info.description).toContain('/docs-yaml');
    const bearer = doc.components.securitySchemes.bearer;
    expect(bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(bearer.bearerFormat).not.toMatch(/JWT/i);
    expect(bearer.description).toContain('ff_');
    expect(doc.security ?? []).toEqual([]);
  });

  it('lists every route the app serves, each public or with the permission the guard asks for', () => {
    const served = expressRoutes(app);
    const fromMetadata = servedRoutes(app.app);
    expect(served.length).toBeGreaterThan(40);
    expect(new Set(fromMetadata.map((r) => `${r.method} ${r.path}`))).toEqual(new Set(served));
    const documented = new Map(operations(doc).map((o) => [`${o.method} ${o.path}`, o.op]));
    for (const route of fromMetadata) {
      const key = `${route.method} ${route.path}`;
      const op = documented.get(key);
      expect({ key, documented: op !== undefined }).toEqual({ key, documented: true });
      const policy = routePolicy(route.path, route.method, route.declared, EXPOSURE);
      const said = op!.security.length === 0 ? { public: true } : { public: false, permission: op!['x-permission'] };
      expect({ key, ...said }).toEqual({ key, ...policy });
      if (!policy.public) expect(op!.security).toEqual([{ bearer: [] }]);
    }
    expect(documented.get('get /health/live')!.security).toEqual([]);
    expect(documented.get('get /status/database')!['x-permission']).toBe('status.read');
  });

  it('declares the error answers: 400 with errors, 401, 403, 404, 413, 415, 429 and 503 with Retry-After', () => {
    const { responses, schemas } = doc.components;
    expect(schemas.ApiError.properties.errors.items.$ref).toBe('#/components/schemas/FieldError');
    expect(responses.Error503.headers['Retry-After']).toBeDefined();
    expect(responses.Error429.headers['Retry-After']).toBeDefined();
    for (const { path, op } of operations(doc)) {
      const codes = Object.keys(op.responses);
      expect(codes).toEqual(expect.arrayContaining(['400', '503']));
      if (op.security.length) expect(codes).toEqual(expect.arrayContaining(['401', '403', '429']));
      if (path.includes('{')) expect(codes).toContain('404');
      if (op.requestBody) expect(codes).toEqual(expect.arrayContaining(['413', '415']));
    }
  });

  it('says what the guard does: without a token 401 where a token is needed, and a viewer gets 403 naming the permission', async () => {
    const viewer = await again(() => member(app, 'viewer@openapi.test', 'viewer'), 'viewer token');
    // A viewer's permissions, and `authenticated`, which every valid token holds.
    const granted = new Set(['registry.read', 'metrics.read', 'traces.read', 'teams.read', 'authenticated']);
    for (const { path, method, op } of operations(doc)) {
      const target = concrete(path);
      const anonymous = await again(() => app.request(method.toUpperCase(), target, { token: null }), `${method} ${target}`);
      if (op.security.length === 0) {
        expect({ path, method, status: anonymous.status }).not.toEqual({ path, method, status: 401 });
        continue;
      }
      expect({ path, method, status: anonymous.status }).toEqual({ path, method, status: 401 });
      if (granted.has(op['x-permission'])) continue;
      const refused = await again(() => app.request(method.toUpperCase(), target, { token: viewer.token }), `${method} ${target}`);
      expect({ path, method, status: refused.status }).toEqual({ path, method, status: 403 });
      expect(refused.body.message).toContain(`the ${op['x-permission']} permission`);
    }
  });
});
