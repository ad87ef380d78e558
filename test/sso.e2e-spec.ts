import { randomBytes } from 'node:crypto';
import { startApp, TestApp } from './support/app';
import { followUntil, startOidcProvider, TestOidcProvider } from './support/oidc';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, team } from './support/registry';

const CLIENT_SECRET = 'sso-client-secret-' + randomBytes(8).toString('hex');

/** SSO login against a real OIDC provider (npm `oidc-provider`) started by the spec. */
describe('SSO login (OIDC, authorization code with PKCE)', () => {
  let url: string;
  let app: TestApp;
  let idp: TestOidcProvider;
  let callbackUrl: string;
  let teamId: string;

  beforeAll(async () => {
    url = await createDatabase('sso');
    app = await startApp({
      DATABASE_URL: url,
      CORE_PURGE_ENABLED: 'false',
      SSO_ALLOW_HTTP_ISSUERS: 'true',
      SECRET_KEY: `k1:${randomBytes(32).toString('base64')}`,
    });
    callbackUrl = `${app.baseUrl}/auth/sso/company/callback`;
    idp = await startOidcProvider(callbackUrl, 'fourfold', CLIENT_SECRET);
    teamId = await team(app, 'staff');
    const created = await app.request('POST', '/api/v1/sso/providers', {
      body: {
        slug: 'company',
        display_name: 'Company',
        issuer: idp.issuer,
        client_id: 'fourfold',
        client_secret: CLIENT_SECRET,
        redirect_uri: callbackUrl,
        allowed_domains: ['allowed.test'],
        default_role: 'developer',
        default_team_id: teamId,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug: 'company', client_secret_set: true, enabled: true });
    expect(created.text).not.toContain(CLIENT_SECRET);
  });

  afterAll(async () => {
    await idp?.stop();
    await app?.close();
    if (url) await dropDatabase(url);
  });

  /** The app's login redirect, then the provider's, up to the callback URL the provider sends the browser to. */
  const toCallback = async (loginHint: string) => {
    const start = await fetch(`${app.baseUrl}/auth/sso/company/login?login_hint=${encodeURIComponent(loginHint)}`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.origin).toBe(idp.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    return followUntil(authorize.href, callbackUrl);
  };
  const callback = (href: string) => app.get(new URL(href).pathname + new URL(href).search, null);

  it('a full login creates the user with the default role and team and ends in a working fourfold token', async () => {
    const res = await callback(await toCallback('alice@allowed.test'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user_email: 'alice@allowed.test', role: 'developer', user_created: true });
    const token = res.body.token as string;
    expect((await app.get('/api/v1/tools', token)).status).toBe(200);
    const [membership] = await query<{ team_id: string }>(
      url,
      `SELECT team_id FROM email_team_members WHERE user_email = 'alice@allowed.test'`,
    );
    expect(membership.team_id).toBe(teamId);

    // A second login links the same user.
    const again = await callback(await toCallback('alice@allowed.test'));
    expect(again.body).toMatchObject({ user_email: 'alice@allowed.test', user_created: false });
    expect((await query(url, `SELECT 1 FROM email_users WHERE email = 'alice@allowed.test'`)).length).toBe(1);

    const [raw] = await query<{ client_secret_encrypted: string }>(url, `SELECT client_secret_encrypted FROM sso_providers`);
    expect(raw.client_secret_encrypted).toMatch(/^ff1:k1:/);
    expect(await query(url, `SELECT 1 FROM sso_auth_sessions`)).toEqual([]);
  });

  it('a wrong state is refused, and the right one still works once', async () => {
    const href = await toCallback('bob@allowed.test');
    const wrong = new URL(href);
    wrong.searchParams.set('state', 'forged-state');
    const refused = await callback(wrong.href);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('state');
    expect((await callback(href)).status).toBe(200);
  });

  it('a replayed code (the callback sent twice) is refused', async () => {
    const href = await toCallback('carol@allowed.test');
    expect((await callback(href)).status).toBe(200);
    const replay = await callback(href);
    expect(replay.status).toBe(400);
    expect(replay.body.message).toMatch(/already used/);
  });

  it('an expired login is refused', async () => {
    const href = await toCallback('dave@allowed.test');
    await query(url, `UPDATE sso_auth_sessions SET expires_at = now() - interval '1 second'`);
    const res = await callback(href);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/expired/);
    expect((await query(url, `SELECT 1 FROM email_users WHERE email = 'dave@allowed.test'`)).length).toBe(0);
  });

  it('a disallowed domain or an unverified email is refused and creates no user', async () => {
    const evil = await callback(await toCallback('eve@evil.test'));
    expect(evil.status).toBe(403);
    expect(evil.body.message).toMatch(/evil.test is not a domain/);
    const unverified = await callback(await toCallback('unverified+frank@allowed.test'));
    expect(unverified.status).toBe(403);
    expect(await query(url, `SELECT email FROM email_users WHERE email IN ('eve@evil.test', 'frank@allowed.test')`)).toEqual([]);
  });

  it('providers: listed without secrets, unknown and disabled ones answer 404, changes audited', async () => {
    const list = await app.get('/api/v1/sso/providers');
    expect(list.body.items).toHaveLength(1);
    expect(list.text).not.toContain(CLIENT_SECRET);
    expect(list.text).not.toContain('ff1:');
    const id = list.body.items[0].id;
    expect((await app.request('PATCH', `/api/v1/sso/providers/${id}`, { body: { enabled: false } })).status).toBe(200);
    expect((await fetch(`${app.baseUrl}/auth/sso/company/login`, { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(`${app.baseUrl}/auth/sso/nobody/login`, { redirect: 'manual' })).status).toBe(404);
    expect((await app.get('/auth/sso/Bad_Slug/login', null)).body.errors[0].field).toBe('provider');
    const bad = await app.request('POST', '/api/v1/sso/providers', {
      body: { slug: 'x', display_name: 'x', issuer: 'nope', client_id: 'c', client_secret: 's', redirect_uri: callbackUrl },
    });
    expect([bad.status, bad.body.errors[0].field]).toEqual([400, 'issuer']);
    await flushWriter(app);
    const audit = await query<{ action: string }>(
      url,
      `SELECT action FROM audit_trails WHERE resource_type = 'sso_provider' ORDER BY timestamp`,
    );
    expect(audit.map((r) => r.action)).toEqual(['create', 'update']);
    const all = JSON.stringify(await query(url, `SELECT * FROM audit_trails`));
    expect(all).not.toContain(CLIENT_SECRET);
  });
});
