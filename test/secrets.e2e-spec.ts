import { randomBytes } from 'node:crypto';
import { SecretBox } from '../src/common/secret-box';
import { parseEnv } from '../src/config/configuration';
import { settingsFromEnv } from '../src/config/settings';
import { runScript } from './support/cli';
import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, member, team } from './support/registry';

const K1 = `k1:${randomBytes(32).toString('base64')}`;
const K2 = `k2:${randomBytes(32).toString('base64')}`;
const boxOf = (vars: Record<string, string>) => new SecretBox(settingsFromEnv(parseEnv(vars)).secrets);

describe('secrets at rest and in answers', () => {
  let url: string;
  let app: TestApp;

  beforeAll(async () => {
    url = await createDatabase('secrets');
    app = await startApp({ DATABASE_URL: url, SECRET_KEY: K1 });
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  const stored = async () =>
    (
      await query<Record<string, unknown>>(
        url,
        `SELECT (SELECT auth_value FROM tools WHERE name = 'sealed') tool, (SELECT auth_value FROM gateways WHERE slug = 'sealed') gateway,
                (SELECT api_key FROM llm_providers WHERE slug = 'sealed') provider, (SELECT oauth_config FROM servers WHERE name = 'sealed') server,
                (SELECT id FROM tools WHERE name = 'sealed') tool_id, (SELECT id FROM gateways WHERE slug = 'sealed') gateway_id,
                (SELECT id FROM servers WHERE name = 'sealed') server_id`,
      )
    )[0];

  it('are sealed with AES-256-GCM and the key id, never returned, and rotate to a new key with the CLI', async () => {
    const created = [
      await app.post('/api/v1/tools', { name: 'sealed', auth_value: 'tool-secret-1' }),
      await app.post('/api/v1/gateways', {
        name: 'g',
        slug: 'sealed',
        url: 'https://g.example.com',
        auth_value: { Authorization: 'Bearer gw-secret-2' },
      }),
      await app.post('/api/v1/llm-providers', { name: 'p', slug: 'sealed', provider_type: 'openai', api_key: 'sk-secret-3' }),
      await app.post('/api/v1/servers', {
        name: 'sealed',
        oauth_config: { client_id: 'c', client_secret: 'oauth-secret-4', token_url: 'https://t' },
      }),
    ];
    expect(created.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(created[0].body.auth_value_set).toBe(true);
    expect(created[3].body.oauth_config).toEqual({ client_id: 'c', client_secret: '********', token_url: 'https://t' });
    const dump = JSON.stringify(await query(url, 'SELECT * FROM tools'));
    const before = await stored();
    for (const secret of ['tool-secret-1', 'gw-secret-2', 'sk-secret-3', 'oauth-secret-4'])
      expect(JSON.stringify(before)).not.toContain(secret);
    expect(dump).not.toContain('tool-secret-1');
    expect(before.tool).toMatch(/^ff1:k1:/);
    expect(before.gateway).toMatch(/^ff1:k1:/);
    expect((before.server as { client_secret: string }).client_secret).toMatch(/^ff1:k1:/);
    const k1 = boxOf({ SECRET_KEY: K1 });
    expect(k1.open(before.tool, `tools.auth_value:${before.tool_id}`)).toBe('tool-secret-1');
    expect(k1.open(before.gateway, `gateways.auth_value:${before.gateway_id}`)).toEqual({ Authorization: 'Bearer gw-secret-2' });

    // Sending the mask back keeps the stored secret; a new value replaces it.
    const server = created[3].body;
    const patched = await app.request('PATCH', `/api/v1/servers/${server.id}`, { body: { oauth_config: server.oauth_config, version: 1 } });
    expect(patched.status).toBe(200);
    const kept = (await stored()).server as { client_secret: string };
    expect(k1.open(kept.client_secret, `servers.oauth_config.client_secret:${before.server_id}`)).toBe('oauth-secret-4');

    const rotate = await runScript('src/cli/main.ts', ['secrets', 'rotate'], {
      DATABASE_URL: url,
      SECRET_KEY: K2,
      SECRET_KEYS_PREVIOUS: K1,
    });
    expect(rotate.stderr).toBe('');
    expect(rotate).toMatchObject({ code: 0, stdout: 'sealed 4 secret values again with key k2; 0 rows were current\n' });
    const after = await stored();
    expect(after.tool).toMatch(/^ff1:k2:/);
    expect(after.provider).toMatch(/^ff1:k2:/);
    const k2 = boxOf({ SECRET_KEY: K2 });
    expect(k2.open(after.tool, `tools.auth_value:${after.tool_id}`)).toBe('tool-secret-1');
    expect(k2.open(after.gateway, `gateways.auth_value:${after.gateway_id}`)).toEqual({ Authorization: 'Bearer gw-secret-2' });
    const again = await runScript('src/cli/main.ts', ['secrets', 'rotate'], { DATABASE_URL: url, SECRET_KEY: K2 });
    expect(again).toMatchObject({ code: 0, stdout: 'sealed 0 secret values again with key k2; 4 rows were current\n' });
    const audit = await query(url, `SELECT action, resource_type, user_id FROM audit_trails WHERE resource_type = 'secrets'`);
    expect(audit).toEqual([{ action: 'rotate', resource_type: 'secrets', user_id: 'cli' }]);
  });

  it('tool headers are shown to those who may change the tool only, and audit rows mask header names in any case', async () => {
    const teamId = await team(app, 'headers');
    const owner = await member(app, 'owner@example.com', 'developer', [teamId]);
    const viewer = await member(app, 'looker@example.com', 'viewer');
    const headers = { Authorization: 'Bearer header-secret', 'X-Api-Key': 'key-secret', Accept: 'application/json' };
    const tool = await app.request('POST', '/api/v1/tools', {
      token: owner.token,
      body: { name: 'with-headers', team_id: teamId, headers },
    });
    expect(tool.body.headers).toEqual(headers);
    expect((await app.get(`/api/v1/tools/${tool.body.id}`, owner.token)).body.headers).toEqual(headers);
    const seen = await app.get(`/api/v1/tools/${tool.body.id}`, viewer.token);
    expect(seen.body.headers).toEqual({ Authorization: '********', 'X-Api-Key': '********', Accept: '********' });
    const listed = (await app.get('/api/v1/tools', viewer.token)).body.items.find((t: { id: string }) => t.id === tool.body.id);
    expect(listed.headers.Authorization).toBe('********');
    await flushWriter(app);
    const [row] = await query<{ new_values: { headers: Record<string, string> } }>(
      url,
      `SELECT new_values FROM audit_trails WHERE resource_id = $1`,
      [tool.body.id],
    );
    expect(row.new_values.headers).toEqual({ Authorization: '********', 'X-Api-Key': '********', Accept: 'application/json' });
  });

  it('a token in the query string never reaches the request log line', async () => {
    await app.get(`/api/v1/tools?access_token=${app.adminToken}&limit=1`);
    const line = app.logLines.find((l) => l.includes('access_token='));
    expect(line).toContain('access_token=********&limit=1');
    expect(app.logLines.join('\n')).not.toContain(app.adminToken);
  });
});

describe('production mode without SECRET_KEY', () => {
  let url: string;
  let app: TestApp;

  beforeAll(async () => {
    url = await createDatabase('secrets_prod');
    app = await startApp({ DATABASE_URL: url, NODE_ENV: 'production' });
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  it('refuses to store a secret and says why; everything else works', async () => {
    const refused = await app.post('/api/v1/tools', { name: 't', auth_value: 'would-be-clear' });
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/SECRET_KEY is not set and NODE_ENV is production/);
    expect(await query(url, `SELECT count(*)::int n FROM tools`)).toEqual([{ n: 0 }]);
    expect((await app.post('/api/v1/tools', { name: 't' })).status).toBe(201);
  });
});
