import { randomBytes } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rotateSecrets } from '../src/cli/secrets-rotate';
import { parseSecretKey, SecretBox, SecretKey } from '../src/common/secret-box';
import { ExpiryPurgeService } from '../src/core/purge/expiry-purge.service';
import { SEALED_PLACE } from '../src/core/sealed-columns';
import { CORE_DB } from '../src/database/roles';
import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, member, Member } from './support/registry';

const ACCESS = 'upstream-access-token-' + randomBytes(8).toString('hex');
const REFRESH = 'upstream-refresh-token-' + randomBytes(8).toString('hex');
const CLIENT_SECRET = 'upstream-client-secret-' + randomBytes(8).toString('hex');
const VERIFIER = randomBytes(32).toString('base64url');
const K1 = `k1:${randomBytes(32).toString('base64')}`;

/** OAuth towards upstream servers: sealed at rest, opened only for gateway.worker, states single use and expiring. */
describe('upstream OAuth credentials', () => {
  let url: string;
  let app: TestApp;
  let worker: Member;
  let developer: Member;
  let gateway: string;
  const base = () => `/api/v1/gateways/${gateway}/oauth`;

  beforeAll(async () => {
    url = await createDatabase('oauth');
    app = await startApp({ DATABASE_URL: url, CORE_PURGE_ENABLED: 'false', SECRET_KEY: K1 });
    worker = await member(app, 'gateway@example.com', 'gateway');
    developer = await member(app, 'dev@example.com', 'developer');
    gateway = (await app.request('POST', '/api/v1/gateways', { body: { name: 'github', slug: 'github', url: 'https://mcp.example.com' } }))
      .body.id;
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  const as = (m: Member | null, method: string, path: string, body?: unknown) =>
    app.request(method, path, { token: m ? m.token : undefined, body });

  it('a state is consumed once, only for its gateway and user, and not after it expires', async () => {
    const created = await as(worker, 'POST', `${base()}/states`, { user_email: developer.email, code_verifier: VERIFIER });
    expect(created.status).toBe(201);
    const { state } = created.body;
    const consume = (body: object) => as(worker, 'POST', `${base()}/states/consume`, body);
    expect((await consume({ state, user_email: 'other@example.com' })).status).toBe(404);
    const first = await consume({ state, user_email: developer.email });
    expect(first.status).toBe(200);
    expect(first.body.code_verifier).toBe(VERIFIER);
    const again = await consume({ state, user_email: developer.email });
    expect(again.status).toBe(404);

    const late = (await as(worker, 'POST', `${base()}/states`, { user_email: developer.email, code_verifier: VERIFIER })).body.state;
    await query(url, `UPDATE oauth_states SET expires_at = now() - interval '1 second' WHERE state = $1`, [late]);
    expect((await consume({ state: late, user_email: developer.email })).status).toBe(404);
    const raw = await query<{ code_verifier: string }>(url, `SELECT code_verifier FROM oauth_states`);
    expect(raw.every((r) => r.code_verifier.startsWith('ff1:k1:') && !r.code_verifier.includes(VERIFIER))).toBe(true);

    // Used and expired states are purged.
    const outcome = await app.app.get(ExpiryPurgeService).purge();
    expect(outcome.deleted.oauth_states).toBe(2);
    expect(await query(url, `SELECT 1 FROM oauth_states`)).toEqual([]);
  });

  it('tokens are sealed at rest, opened only for gateway.worker, listed without secrets for admins', async () => {
    const stored = await as(worker, 'PUT', `${base()}/tokens/${developer.email}`, {
      access_token: ACCESS,
      refresh_token: REFRESH,
      expires_at: '2030-01-01T00:00:00Z',
      scopes: ['repo', 'read:user'],
    });
    expect(stored.status).toBe(200);
    expect(stored.text).not.toContain(ACCESS);
    const [raw] = await query<Record<string, string>>(url, `SELECT * FROM oauth_tokens`);
    expect(JSON.stringify(raw)).not.toContain(ACCESS);
    expect(JSON.stringify(raw)).not.toContain(REFRESH);
    expect(raw.access_token).toMatch(/^ff1:k1:/);

    const opened = await as(worker, 'GET', `${base()}/tokens/${developer.email}`);
    expect(opened.body).toMatchObject({
      access_token: ACCESS,
      refresh_token: REFRESH,
      scopes: ['repo', 'read:user'],
      expires_at: '2030-01-01T00:00:00.000Z',
    });
    expect((await as(developer, 'GET', `${base()}/tokens/${developer.email}`)).status).toBe(403);
    expect((await as(developer, 'GET', `${base()}/tokens`)).status).toBe(403);
    expect((await as(worker, 'GET', `${base()}/tokens`)).status).toBe(403);

    const listed = await as(null, 'GET', `${base()}/tokens`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ user_email: developer.email, refresh_token_set: true })]);
    expect(listed.text).not.toContain(ACCESS);
    expect(listed.text).not.toContain('ff1:');

    expect((await as(worker, 'DELETE', `${base()}/tokens/${developer.email}`)).status).toBe(204);
    expect((await as(worker, 'GET', `${base()}/tokens/${developer.email}`)).status).toBe(404);
  });

  it('registered clients: secret sealed, listed without it; writes audited with no secret in the audit rows', async () => {
    const registered = await as(worker, 'PUT', `${base()}/clients`, {
      issuer: 'https://github.com/login/oauth',
      client_id: 'abc123',
      client_secret: CLIENT_SECRET,
      redirect_uris: ['https://gateway.example.com/oauth/callback'],
      metadata: { token_endpoint_auth_method: 'client_secret_post' },
    });
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({ client_id: 'abc123', client_secret_set: true });
    const listed = await as(null, 'GET', `${base()}/clients`);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.text).not.toContain(CLIENT_SECRET);
    const [raw] = await query<{ client_secret_encrypted: string }>(url, `SELECT client_secret_encrypted FROM registered_oauth_clients`);
    expect(raw.client_secret_encrypted).toMatch(/^ff1:k1:/);

    await flushWriter(app);
    const audit = await query<{ action: string; resource_type: string }>(
      url,
      `SELECT action, resource_type FROM audit_trails WHERE resource_type IN ('oauth_client', 'oauth_token') ORDER BY timestamp`,
    );
    expect(audit.map((r) => `${r.resource_type}.${r.action}`)).toEqual([
      'oauth_token.store',
      'oauth_token.delete',
      'oauth_client.register',
    ]);
    const all = JSON.stringify(await query(url, `SELECT * FROM audit_trails`));
    for (const secret of [ACCESS, REFRESH, CLIENT_SECRET, VERIFIER]) expect(all).not.toContain(secret);
  });

  it('bad input answers 400 naming the field; an unknown gateway answers 404', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', `${base()}/states`, { user_email: developer.email, code_verifier: 'short' }, 'code_verifier'],
      ['POST', `${base()}/states`, { user_email: 'nope', code_verifier: VERIFIER }, 'user_email'],
      ['PUT', `${base()}/tokens/${developer.email}`, { access_token: 'x', expires_at: '2026-02-30T00:00:00Z' }, 'expires_at'],
      ['PUT', `${base()}/tokens/not-an-email`, { access_token: 'x' }, 'email'],
      ['PUT', `${base()}/clients`, { issuer: 'not a url', client_id: 'x' }, 'issuer'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await as(worker, method, path, body);
      expect([path, res.status, res.body.errors?.[0]?.field]).toEqual([path, 400, field]);
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(
      (await as(worker, 'POST', `/api/v1/gateways/${unknown}/oauth/states`, { user_email: developer.email, code_verifier: VERIFIER }))
        .status,
    ).toBe(404);
  });

  it('secrets rotate seals them again with a new key', async () => {
    await as(worker, 'PUT', `${base()}/tokens/${developer.email}`, { access_token: ACCESS, refresh_token: REFRESH });
    const box = new SecretBox({
      active: parseSecretKey(`k2:${randomBytes(32).toString('base64')}`) as SecretKey,
      previous: [parseSecretKey(K1) as SecretKey],
      production: false,
    });
    const report = await rotateSecrets(app.app.get<DataSource>(getDataSourceToken(CORE_DB)), box);
    expect(report.failed).toEqual([]);
    expect(report.resealed).toBeGreaterThanOrEqual(3);
    const [token] = await query<{ access_token: string; refresh_token: string }>(
      url,
      `SELECT access_token, refresh_token FROM oauth_tokens`,
    );
    expect(token.access_token).toMatch(/^ff1:k2:/);
    expect(box.open(token.access_token, SEALED_PLACE.oauthAccess(gateway, developer.email))).toBe(ACCESS);
    expect(box.open(token.refresh_token, SEALED_PLACE.oauthRefresh(gateway, developer.email))).toBe(REFRESH);
    const [client] = await query<{ client_secret_encrypted: string }>(url, `SELECT client_secret_encrypted FROM registered_oauth_clients`);
    expect(client.client_secret_encrypted).toMatch(/^ff1:k2:/);
  });
});
