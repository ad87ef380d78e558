import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, member } from './support/registry';
import { eventually } from './support/wait';

/** Gateway-wide settings: validated, audited, and seen by every replica within seconds. */
describe('global settings', () => {
  let url: string;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    url = await createDatabase('settings');
    const env = { DATABASE_URL: url, CORE_PURGE_ENABLED: 'false', GLOBAL_SETTINGS_REFRESH_MS: '500' };
    a = await startApp(env);
    b = await startApp({ ...env, ADMIN_TOKEN: a.adminToken });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    if (url) await dropDatabase(url);
  });

  it('starts from the defaults of the schema', async () => {
    const res = await a.get('/api/v1/settings');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      settings: {
        passthrough_headers: [],
        tool_timeout_ms: 60_000,
        tool_max_retries: 0,
        health_check_interval_seconds: 60,
        federation_enabled: true,
        maintenance_message: null,
      },
      version: 0,
      updated_at: null,
      updated_by: null,
    });
  });

  it('a change on one replica is seen by the other within seconds; the audit row holds old and new values', async () => {
    const changed = await a.request('PATCH', '/api/v1/settings', {
      body: { version: 0, tool_timeout_ms: 30_000, passthrough_headers: ['X-Tenant-Id'] },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ version: 1, settings: { tool_timeout_ms: 30_000, passthrough_headers: ['X-Tenant-Id'] } });
    expect(changed.body.updated_by).toBe('admin@fourfold.local');

    let seen: { settings: object } | null = null;
    await eventually(async () => {
      const res = await b.get('/api/v1/settings');
      seen = res.body.version === 1 ? res.body : null;
      return seen !== null;
    }, 10_000);
    expect(seen!.settings).toEqual(changed.body.settings);

    await flushWriter(a);
    const [audit] = await query<{ old_values: Record<string, unknown>; new_values: Record<string, unknown>; changes: object }>(
      url,
      `SELECT old_values, new_values, changes FROM audit_trails WHERE resource_type = 'global_config'`,
    );
    expect(audit.old_values).toMatchObject({ tool_timeout_ms: 60_000, passthrough_headers: [] });
    expect(audit.new_values).toMatchObject({ tool_timeout_ms: 30_000, passthrough_headers: ['X-Tenant-Id'] });
    expect(Object.keys(audit.changes).sort()).toEqual(['passthrough_headers', 'tool_timeout_ms']);
  });

  it('a stale version answers 409; bad input answers 400 naming the field and changes nothing', async () => {
    const stale = await b.request('PATCH', '/api/v1/settings', { body: { version: 0, tool_max_retries: 2 } });
    expect(stale.status).toBe(409);
    const cases: Array<[unknown, string]> = [
      [{ tool_timeout_ms: 1000 }, 'version'],
      [{ version: 1, tool_timeout_ms: 5 }, 'tool_timeout_ms'],
      [{ version: 1, tool_timeout_ms: '1000' }, 'tool_timeout_ms'],
      [{ version: 1, passthrough_headers: ['Authorization'] }, 'passthrough_headers.0'],
      [{ version: 1, passthrough_headers: ['bad header'] }, 'passthrough_headers.0'],
      [{ version: 1, no_such_setting: true }, 'no_such_setting'],
      [{ version: 1, maintenance_message: 'x'.repeat(1001) }, 'maintenance_message'],
    ];
    for (const [body, field] of cases) {
      const res = await a.request('PATCH', '/api/v1/settings', { body });
      expect([field, res.status, res.body.errors?.[0]?.field]).toEqual([field, 400, field]);
    }
    expect((await a.get('/api/v1/settings')).body.version).toBe(1);
  });

  it('the gateway role reads, only admins change', async () => {
    const gateway = await member(a, 'gw@example.com', 'gateway');
    const developer = await member(a, 'dev@example.com', 'developer');
    expect((await a.get('/api/v1/settings', gateway.token)).status).toBe(200);
    expect((await a.get('/api/v1/settings', developer.token)).status).toBe(403);
    const denied = await a.request('PATCH', '/api/v1/settings', { token: gateway.token, body: { version: 1, tool_max_retries: 1 } });
    expect(denied.status).toBe(403);
  });
});
