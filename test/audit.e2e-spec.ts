import { startApp, TestApp, TestResponse } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, member } from './support/registry';

const TOOL_SECRET = 'tool-secret-hunter2-a1b2c3';
const TOOL_SECRET_2 = 'tool-secret-rotated-d4e5f6';
const API_KEY = 'sk-provider-secret-9z8y7x';
const GATEWAY_SECRET = 'gateway-bearer-secret-q1w2e3';

interface AuditRow {
  action: string;
  resource_type: string;
  resource_id: string;
  user_email: string | null;
  request_id: string;
  request_path: string;
  request_method: string;
  client_ip: string;
  old_values: Record<string, unknown> | null;
  new_values: Record<string, unknown> | null;
  changes: Record<string, { old: unknown; new: unknown }> | null;
}

describe('audit trail of every change, secrets kept out of responses and logs, request logs', () => {
  let url: string;
  let app: TestApp;
  const responses: TestResponse[] = [];
  let n = 0;

  /** A request with its own X-Request-Id; every response is kept for the secret scan. */
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const requestId = `req-${++n}`;
    const res = await app.request(method, path, { body, token, headers: { 'x-request-id': requestId } });
    responses.push(res);
    return { ...res, requestId };
  };
  const auditOf = async (requestId: string) => query<AuditRow>(url, 'SELECT * FROM audit_trails WHERE request_id = $1', [requestId]);

  beforeAll(async () => {
    url = await createDatabase('audit');
    app = await startApp({ DATABASE_URL: url });
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  it('each mutation of each kind leaves exactly one audit row with the right old and new values, secrets masked', async () => {
    const created = await call('POST', '/api/v1/tools', {
      name: 'weather',
      url: 'https://api.example.com/w',
      auth_type: 'bearer',
      auth_value: TOOL_SECRET,
      tags: ['prod'],
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-request-id')).toBe(created.requestId);
    expect(created.body).toMatchObject({ name: 'weather', original_name: 'weather', auth_value_set: true, version: 1, tags: ['prod'] });
    expect(created.body).not.toHaveProperty('auth_value');
    const id = created.body.id;

    const [c] = await auditOf(created.requestId);
    expect(c).toMatchObject({
      action: 'create',
      resource_type: 'tool',
      resource_id: id,
      user_email: 'admin@fourfold.local',
      request_path: '/api/v1/tools',
      request_method: 'POST',
      client_ip: '127.0.0.1',
      old_values: null,
      changes: null,
    });
    expect(c.new_values).toMatchObject({ id, name: 'weather', auth_value: '********', version: 1, tags: ['prod'] });

    const updated = await call('PATCH', `/api/v1/tools/${id}`, { description: 'forecasts', auth_value: TOOL_SECRET_2, version: 1 });
    expect(updated.status).toBe(200);
    expect(updated.body.version).toBe(2);
    const u = await auditOf(updated.requestId);
    expect(u).toHaveLength(1);
    expect(u[0].old_values).toMatchObject({ description: null, version: 1, auth_value: '********' });
    expect(u[0].new_values).toMatchObject({ description: 'forecasts', version: 2, auth_value: '********' });
    expect(Object.keys(u[0].changes!).sort()).toEqual(
      ['auth_value', 'description', 'modified_by', 'updated_at', 'version'].filter((k) => k !== 'modified_by'),
    );
    expect(u[0].changes!.auth_value).toEqual({ old: '********', new: '********' });

    const stale = await call('PATCH', `/api/v1/tools/${id}`, { description: 'lost update', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/version 2, not 1/);

    const server = await call('POST', '/api/v1/servers', { name: 'bundle' });
    const assoc = await call('PUT', `/api/v1/servers/${server.body.id}/tools/${id}`);
    expect(assoc.status).toBe(204);
    const again = await call('PUT', `/api/v1/servers/${server.body.id}/tools/${id}`);
    expect(again.status).toBe(204);
    const dissoc = await call('DELETE', `/api/v1/servers/${server.body.id}/tools/${id}`);
    expect(dissoc.status).toBe(204);
    expect((await call('DELETE', `/api/v1/servers/${server.body.id}/tools/${id}`)).status).toBe(404);

    const provider = await call('POST', '/api/v1/llm-providers', {
      name: 'OpenAI',
      slug: 'openai',
      provider_type: 'openai',
      api_key: API_KEY,
    });
    expect(provider.body).toMatchObject({ api_key_set: true });
    const model = await call('POST', '/api/v1/llm-models', { provider_id: provider.body.id, model_id: 'gpt-4o', model_name: 'GPT-4o' });
    expect(model.status).toBe(201);
    const gateway = await call('POST', '/api/v1/gateways', {
      name: 'gw',
      slug: 'gw',
      url: 'http://gw.internal:9000/sse',
      auth_value: { token: GATEWAY_SECRET },
    });
    expect(gateway.body).toMatchObject({ auth_value_set: true });
    const dupe = await call('POST', '/api/v1/gateways', { name: 'gw2', slug: 'gw', url: 'http://gw2.internal/sse' });
    expect(dupe.status).toBe(409);
    expect(dupe.body.message).toMatch(/duplicate/);
    for (const [path, body] of [
      ['resources', { uri: 'file:///readme.md', name: 'readme' }],
      ['prompts', { name: 'summarize', template: 'Summarize {{text}}' }],
      ['a2a-agents', { name: 'agent', slug: 'agent', endpoint_url: 'https://agent.example.com' }],
      ['grpc-services', { name: 'svc', slug: 'svc', target: 'svc.internal:443' }],
    ] as const) {
      const res = await call('POST', `/api/v1/${path}`, body);
      expect([path, res.status]).toEqual([path, 201]);
      const got = await call('GET', `/api/v1/${path}/${res.body.id}`);
      expect(got.body).toEqual(res.body);
    }
    const removed = await call('DELETE', `/api/v1/tools/${id}?version=2`);
    expect(removed.status).toBe(204);
    expect((await call('GET', `/api/v1/tools/${id}`)).status).toBe(404);
    const d = await auditOf(removed.requestId);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ action: 'delete', resource_id: id, new_values: null });
    expect(d[0].old_values).toMatchObject({ description: 'forecasts', auth_value: '********', version: 2 });

    // Exactly one row per successful mutation, none for failures or no-ops.
    const mutations = [created, updated, server, assoc, dissoc, provider, model, gateway, removed];
    for (const m of mutations) expect([m.requestId, (await auditOf(m.requestId)).length]).toEqual([m.requestId, 1]);
    for (const m of [stale, again, dupe]) expect([m.requestId, (await auditOf(m.requestId)).length]).toEqual([m.requestId, 0]);
    expect((await auditOf(assoc.requestId))[0]).toMatchObject({
      action: 'associate',
      resource_type: 'server',
      new_values: { server_id: server.body.id, tool_id: id },
    });
    expect((await auditOf(dissoc.requestId))[0]).toMatchObject({
      action: 'dissociate',
      old_values: { server_id: server.body.id, tool_id: id },
    });

    const viaApi = await call('GET', `/api/v1/audit-trails?resource_type=tool&resource_id=${id}`);
    expect(viaApi.body.items.map((r: { action: string }) => r.action)).toEqual(['delete', 'update', 'create']);
  });

  it('no secret appears in any response, log line or stored log entry', async () => {
    await flushWriter(app);
    const secrets = [TOOL_SECRET, TOOL_SECRET_2, API_KEY, GATEWAY_SECRET, app.adminToken];
    const dev = await member(app, 'scan@example.com', 'developer');
    // The token is in this one response (shown once) and must be nowhere else.
    responses.push(await app.request('GET', '/api/v1/llm-providers', { token: dev.token }));
    await flushWriter(app);
    const stored =
      JSON.stringify(await query(url, 'SELECT * FROM structured_log_entries')) +
      JSON.stringify(await query(url, 'SELECT * FROM audit_trails'));
    const logs = app.logLines.join('\n');
    expect(app.logLines.length).toBeGreaterThan(50);
    expect(logs).toContain('"authorization":"********"');
    for (const secret of [...secrets, dev.token]) {
      for (const res of responses) expect(res.text).not.toContain(secret);
      expect(logs).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
    const apiKeyInDb = await query<{ api_key: string }>(url, 'SELECT api_key FROM llm_providers');
    expect(apiKeyInDb).toEqual([{ api_key: API_KEY }]);
  });

  it('logs carry request id, user, path and duration, also in structured_log_entries, and are searchable', async () => {
    const res = await app.request('GET', '/api/v1/servers', { headers: { 'x-request-id': 'trace-me-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-me-123');
    const generated = await app.request('GET', '/api/v1/servers');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await flushWriter(app);
    const line = app.logLines.map((l) => JSON.parse(l)).find((l) => l.req?.id === 'trace-me-123');
    expect(line).toMatchObject({ user: 'admin@fourfold.local', req: { url: '/api/v1/servers' }, responseTime: expect.any(Number) });
    const found = await app.request('POST', '/api/v1/logs/search', { body: { request_id: 'trace-me-123' } });
    expect(found.status).toBe(200);
    expect(found.body.items).toEqual([
      expect.objectContaining({
        request_id: 'trace-me-123',
        user_email: 'admin@fourfold.local',
        request_path: '/api/v1/servers',
        level: 'info',
        duration_ms: expect.any(Number),
      }),
    ]);
    const warnings = await app.request('POST', '/api/v1/logs/search', { body: { level: 'warning', text: 'request' } });
    expect(warnings.body.items.length).toBeGreaterThan(0);
    expect(warnings.body.items.every((e: { level: string }) => ['warning', 'error', 'critical'].includes(e.level))).toBe(true);
    // pino's name for the level is the same level; the answer speaks the stored names.
    const warn = await app.request('POST', '/api/v1/logs/search', { body: { level: 'warn', text: 'request' } });
    expect(warn.status).toBe(200);
    expect(warn.body.items).toEqual(warnings.body.items);
    const bad = await app.request('POST', '/api/v1/logs/search', { body: { level: 'verbose' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'level', reason: expect.stringContaining('warning') })]);
  });
});
