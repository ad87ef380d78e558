import { runScript } from './support/cli';
import { eventually } from './support/wait';
import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, member, Member, team } from './support/registry';

describe('authentication and authorization', () => {
  let url: string;
  let app: TestApp;
  let teamA: string;
  let teamB: string;
  let devA: Member;
  let devB: Member;
  let viewer: Member;

  beforeAll(async () => {
    url = await createDatabase('auth');
    app = await startApp({ DATABASE_URL: url });
    [teamA, teamB] = [await team(app, 'team-a'), await team(app, 'team-b')];
    devA = await member(app, 'dev-a@example.com', 'developer', [teamA]);
    devB = await member(app, 'dev-b@example.com', 'developer', [teamB]);
    viewer = await member(app, 'viewer@example.com', 'viewer');
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  const authFailures = async (reason: string) =>
    Number(
      (await query<{ n: string }>(url, `SELECT count(*) n FROM email_auth_events WHERE NOT success AND failure_reason = $1`, [reason]))[0]
        .n,
    );
  const denials = async (email: string) =>
    query<{ permission: string; resource_type: string | null; resource_id: string | null }>(
      url,
      `SELECT permission, resource_type, resource_id FROM permission_audit_log WHERE NOT granted AND user_email = $1`,
      [email],
    );

  it('the health probes and the OpenAPI document need no token', async () => {
    expect((await app.get('/health/live', null)).status).toBe(200);
    const docs = await app.get('/docs-json', null);
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/tools', '/api/v1/servers/{id}/{kind}/{memberId}', '/api/v1/audit-trails']),
    );
    const ingest = docs.body.paths['/api/v1/metrics/executions'].post;
    expect(ingest.requestBody.content['application/json'].schema.items.required).toEqual([
      'entity_type',
      'entity_id',
      'response_time',
      'is_success',
    ]);
    expect(Object.keys(ingest.responses)).toEqual(expect.arrayContaining(['202', '400', '413', '503']));
    expect(docs.body.components.schemas.CreateToolDto.properties).toHaveProperty('auth_value');
    expect(docs.body.components.schemas.ToolDto.properties).not.toHaveProperty('auth_value');
  });

  it('no token, a malformed header or a wrong token: 401, each an auth failure event', async () => {
    const none = await app.get('/api/v1/tools', null);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ statusCode: 401, message: 'missing token' });
    expect((await app.request('GET', '/api/v1/tools', { token: null, headers: { authorization: 'Basic eA==' } })).status).toBe(401);
    const bad = await app.get('/api/v1/tools', 'ff_not-a-real-token-at-all-0000000000000');
    expect(bad.status).toBe(401);
    expect(bad.body.message).toBe('invalid token');
    await flushWriter(app);
    expect(await authFailures('missing token')).toBe(1);
    expect(await authFailures('malformed authorization header')).toBe(1);
    expect(await authFailures('unknown token')).toBe(1);
  });

  it('an expired token: 401', async () => {
    const shortLived = await member(app, 'short@example.com', 'viewer', [], '1s');
    expect((await app.get('/api/v1/tools', shortLived.token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const res = await app.get('/api/v1/tools', shortLived.token);
    expect(res).toMatchObject({ status: 401, body: { message: 'expired token' } });
    await flushWriter(app);
    expect(await authFailures('expired token')).toBe(1);
  });

  it('a revoked token: 401 on the very next request, and the revocation is recorded', async () => {
    const victim = await member(app, 'victim@example.com', 'viewer');
    expect((await app.get('/api/v1/tools', victim.token)).status).toBe(200);
    const revoke = await app.request('DELETE', `/api/v1/tokens/${victim.jti}`, { body: { reason: 'test' } });
    expect(revoke.status).toBe(204);
    expect(await app.get('/api/v1/tools', victim.token)).toMatchObject({ status: 401, body: { message: 'revoked token' } });
    expect(await query(url, 'SELECT jti, revoked_by, reason FROM token_revocations WHERE jti = $1', [victim.jti])).toEqual([
      { jti: victim.jti, revoked_by: 'admin@fourfold.local', reason: 'test' },
    ]);
    await flushWriter(app);
    expect(await authFailures('revoked token')).toBe(1);
  });

  it('revoking a revoked token changes nothing: the same answer, no second audit row', async () => {
    const twice = await member(app, 'twice@example.com', 'viewer');
    const audits = async () =>
      (
        await query<{ n: number }>(url, `SELECT count(*)::int n FROM audit_trails WHERE action = 'revoke' AND resource_id = $1`, [
          twice.jti,
        ])
      )[0].n;
    expect((await app.request('DELETE', `/api/v1/tokens/${twice.jti}`, { body: {} })).status).toBe(204);
    expect((await app.request('DELETE', `/api/v1/tokens/${twice.jti}`, { body: { reason: 'again' } })).status).toBe(204);
    await flushWriter(app);
    expect(await audits()).toBe(1);
  });

  it('tokens are stored only as hashes', async () => {
    const rows = await query<{ token_hash: string }>(url, 'SELECT token_hash FROM email_api_tokens');
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const dump = JSON.stringify(await query(url, 'SELECT * FROM email_api_tokens'));
    for (const m of [devA, devB, viewer]) expect(dump).not.toContain(m.token);
    expect(dump).not.toContain(app.adminToken);
  });

  it('a viewer reads but cannot write: 403, audited as a denial', async () => {
    expect((await app.get('/api/v1/tools', viewer.token)).status).toBe(200);
    const res = await app.request('POST', '/api/v1/tools', { token: viewer.token, body: { name: 'nope' } });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/registry\.write/);
    expect(Number((await query<{ n: string }>(url, `SELECT count(*) n FROM tools WHERE name = 'nope'`))[0].n)).toBe(0);
    await flushWriter(app);
    expect(await denials(viewer.email)).toEqual([expect.objectContaining({ permission: 'registry.write', resource_type: 'tools' })]);
  });

  it('a developer does not see another team’s private or team entity (404, audited) but sees public ones', async () => {
    const priv = await app.request('POST', '/api/v1/tools', {
      token: devB.token,
      body: { name: 'b-private', team_id: teamB, visibility: 'private' },
    });
    const teamOnly = await app.request('POST', '/api/v1/tools', {
      token: devB.token,
      body: { name: 'b-team', team_id: teamB, visibility: 'team' },
    });
    const pub = await app.request('POST', '/api/v1/tools', {
      token: devB.token,
      body: { name: 'b-public', team_id: teamB, visibility: 'public' },
    });
    expect([priv.status, teamOnly.status, pub.status]).toEqual([201, 201, 201]);

    const hidden = await app.get(`/api/v1/tools/${priv.body.id}`, devA.token);
    expect(hidden).toMatchObject({ status: 404, body: { message: `tool ${priv.body.id} not found` } });
    expect((await app.get(`/api/v1/tools/${teamOnly.body.id}`, devA.token)).status).toBe(404);
    expect((await app.get(`/api/v1/tools/${pub.body.id}`, devA.token)).status).toBe(200);
    const list = await app.get('/api/v1/tools', devA.token);
    expect(list.body.items.map((t: { name: string }) => t.name)).toEqual(['b-public']);

    // Team B's entities are visible to team B and to the admin.
    expect((await app.get('/api/v1/tools', devB.token)).body.items).toHaveLength(3);
    expect((await app.get(`/api/v1/tools/${priv.body.id}`)).status).toBe(200);

    // Changing another team's public entity: 403; an invisible one: 404.
    const patch = await app.request('PATCH', `/api/v1/tools/${pub.body.id}`, { token: devA.token, body: { description: 'x', version: 1 } });
    expect(patch.status).toBe(403);
    expect((await app.request('DELETE', `/api/v1/tools/${priv.body.id}`, { token: devA.token })).status).toBe(404);
    // A developer may not put an entity into a team it does not belong to.
    expect((await app.request('POST', '/api/v1/tools', { token: devA.token, body: { name: 'sneaky', team_id: teamB } })).status).toBe(403);

    await flushWriter(app);
    const denied = await denials(devA.email);
    expect(denied).toEqual(
      expect.arrayContaining([
        { permission: 'registry.read', resource_type: 'tool', resource_id: priv.body.id },
        { permission: 'registry.read', resource_type: 'tool', resource_id: teamOnly.body.id },
        { permission: 'registry.write', resource_type: 'tool', resource_id: pub.body.id },
        { permission: 'registry.write', resource_type: 'tool', resource_id: priv.body.id },
        { permission: 'registry.write', resource_type: 'tool', resource_id: null },
      ]),
    );
    // Granted decisions on changes are recorded too.
    const granted = await query(
      url,
      `SELECT count(*)::int n FROM permission_audit_log WHERE granted AND user_email = $1 AND resource_id = $2`,
      [devB.email, priv.body.id],
    );
    expect(granted).toEqual([{ n: 1 }]);
  });

  it('operator routes need admin: developers get 403 on audit, logs, security events and tokens', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/audit-trails'],
      ['POST', '/api/v1/logs/search'],
      ['GET', '/api/v1/security-events'],
      ['POST', '/api/v1/tokens'],
    ]) {
      expect([path, (await app.request(method, path, { token: devA.token, body: method === 'POST' ? {} : undefined })).status]).toEqual([
        path,
        403,
      ]);
    }
    expect((await app.get('/api/v1/audit-trails')).status).toBe(200);
    // /status/* is admin-only by path (src/auth/route-policy.ts), for routes added later too.
  });

  it('metrics routes: developers may send and read, viewers only read', async () => {
    expect((await app.get('/api/v1/metrics/summary?entity=tool', viewer.token)).status).not.toBe(403);
    expect((await app.request('POST', '/api/v1/metrics/executions', { token: viewer.token, body: [] })).status).toBe(403);
    expect((await app.request('POST', '/api/v1/metrics/executions', { token: devA.token, body: [] })).status).not.toBe(403);
  });

  it('every authenticated request leaves a token_usage_logs row', async () => {
    await flushWriter(app);
    const before = await query<{ n: number }>(url, `SELECT count(*)::int n FROM token_usage_logs WHERE token_jti = $1`, [viewer.jti]);
    await app.get('/api/v1/servers', viewer.token);
    await app.get('/api/v1/nothing-here', viewer.token);
    await flushWriter(app);
    const rows = await query<{ endpoint: string; status_code: number; method: string }>(
      url,
      `SELECT endpoint, status_code, method FROM token_usage_logs WHERE token_jti = $1 ORDER BY timestamp DESC LIMIT 2`,
      [viewer.jti],
    );
    const after = await query<{ n: number }>(url, `SELECT count(*)::int n FROM token_usage_logs WHERE token_jti = $1`, [viewer.jti]);
    // Authentication comes before routing (and before any body is read): an unknown route is authenticated too.
    expect(after[0].n - before[0].n).toBe(2);
    expect(rows).toEqual(
      expect.arrayContaining([
        { endpoint: '/api/v1/servers', status_code: 200, method: 'GET' },
        { endpoint: '/api/v1/nothing-here', status_code: 404, method: 'GET' },
      ]),
    );
  });

  it('the CLI creates a token that works once printed, and revokes it', async () => {
    const created = await runScript(
      'src/cli/main.ts',
      ['token', 'create', '--email', 'cli@example.com', '--role', 'viewer', '--expires-in', '30d'],
      { DATABASE_URL: url },
    );
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^ff_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).not.toContain(token);
    expect((await app.get('/api/v1/tools', token)).status).toBe(200);
    const jti = /jti ([0-9a-f-]{36})/.exec(created.stderr)![1];
    const revoked = await runScript('src/cli/main.ts', ['token', 'revoke', '--jti', jti], { DATABASE_URL: url });
    expect(revoked.code).toBe(0);
    expect((await app.get('/api/v1/tools', token)).status).toBe(401);
    const audit = await query(url, `SELECT action, resource_type, user_id FROM audit_trails WHERE resource_id = $1 ORDER BY timestamp`, [
      jti,
    ]);
    expect(audit).toEqual([
      { action: 'create', resource_type: 'api_token', user_id: 'cli' },
      { action: 'revoke', resource_type: 'api_token', user_id: 'cli' },
    ]);
    const bad = await runScript('src/cli/main.ts', ['token', 'create', '--email', 'x@example.com', '--role', 'root'], {
      DATABASE_URL: url,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--role must be one of admin, developer, viewer/);
  });
});

describe('repeated authentication failures', () => {
  let url: string;
  let app: TestApp;

  beforeAll(async () => {
    url = await createDatabase('authsec');
    app = await startApp({ DATABASE_URL: url, AUTH_FAILURE_THRESHOLD: '3', AUTH_FAILURE_WINDOW_SECONDS: '60', AUTH_BLOCK_SECONDS: '2' });
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  it('raise a security event linked to its log entry, and the address gets 429 for a while', async () => {
    for (let i = 0; i < 3; i++) expect((await app.get('/api/v1/tools', `ff_wrong-token-${i}-xxxxxxxxxxxxxxxxxxxxxxxxxx`)).status).toBe(401);
    const blocked = await app.get('/api/v1/tools');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await app.get('/health/live', null)).status).toBe(200);

    const events = await app.get('/api/v1/security-events').catch(() => null);
    expect(events?.status).toBe(429); // the admin shares the address: blocked too
    // The event and its log entry go through the writer's buffers: wait for them (a loaded machine flushes late).
    const linked = () =>
      query<{
        event_type: string;
        failed_attempts_count: number;
        client_ip: string;
        message: string;
        is_security_event: boolean;
      }>(
        url,
        `SELECT s.event_type, s.failed_attempts_count, s.client_ip, l.message, l.is_security_event
           FROM security_events s JOIN structured_log_entries l ON (l.id, l.timestamp) = (s.log_entry_id, s.log_entry_timestamp)`,
      );
    await eventually(async () => (await linked()).length > 0, 10_000);
    const rows = await linked();
    expect(rows).toEqual([
      expect.objectContaining({
        event_type: 'repeated_authentication_failure',
        failed_attempts_count: 3,
        client_ip: '127.0.0.1',
        is_security_event: true,
      }),
    ]);

    await new Promise((r) => setTimeout(r, 2100));
    const list = await app.get('/api/v1/security-events');
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ event_type: 'repeated_authentication_failure', severity: 'high', log_entry_id: expect.any(String) }),
    ]);
  });
});
