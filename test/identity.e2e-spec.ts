import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, member, team } from './support/registry';

/** Users, approvals, teams, members, invitations and join requests, with their history and audit, on real PostgreSQL. */
describe('identity lifecycle', () => {
  let url: string;
  let app: TestApp;
  const ADMIN = 'admin@fourfold.local';

  beforeAll(async () => {
    url = await createDatabase('identity');
    app = await startApp({ DATABASE_URL: url, USER_APPROVAL_REQUIRED: 'true' });
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  const as = (token: string | null) => ({
    get: (path: string) => app.request('GET', path, { token }),
    post: (path: string, body: unknown = {}) => app.request('POST', path, { token, body }),
    put: (path: string, body: unknown = {}) => app.request('PUT', path, { token, body }),
    patch: (path: string, body: unknown = {}) => app.request('PATCH', path, { token, body }),
    del: (path: string) => app.request('DELETE', path, { token }),
  });
  const admin = () => as(app.adminToken);

  it('lives a user’s whole life: pending, approved, invited, accepted, promoted, removed, deactivated, reactivated', async () => {
    const created = await admin().post('/api/v1/users', { email: 'Alice@Example.com', full_name: 'Alice' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'alice@example.com', is_active: false, approval_status: 'pending' });
    expect((await admin().post('/api/v1/users', { email: 'alice@example.com' })).status).toBe(409);

    // A token issued while pending is refused: the user cannot authenticate before approval.
    const alice = await member(app, 'alice@example.com', 'developer');
    const pendingUse = await as(alice.token).get('/api/v1/teams');
    expect(pendingUse.status).toBe(401);
    expect(pendingUse.body.message).toBe('pending approval');

    const approvals = await admin().get('/api/v1/user-approvals');
    const approval = approvals.body.items.find((a: { email: string }) => a.email === 'alice@example.com');
    expect(approval).toMatchObject({ status: 'pending', full_name: 'Alice' });
    const approved = await admin().post(`/api/v1/user-approvals/${approval.id}/approve`, { reason: 'known' });
    expect(approved.body).toMatchObject({ status: 'approved', approved_by: ADMIN, reason: 'known' });
    expect((await admin().post(`/api/v1/user-approvals/${approval.id}/reject`, { reason: 'late' })).status).toBe(409);
    expect((await as(alice.token).get('/api/v1/teams')).status).toBe(200);

    const teamId = await team(app, 'life');
    const invited = await admin().post(`/api/v1/teams/${teamId}/invitations`, { email: 'alice@example.com' });
    expect(invited.status).toBe(201);
    expect(invited.body.token).toMatch(/^ffi_/);
    const listed = await admin().get(`/api/v1/teams/${teamId}/invitations`);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.text).not.toContain(invited.body.token);
    const stored = await query<{ token: string }>(url, `SELECT token FROM email_team_invitations WHERE id = $1`, [invited.body.id]);
    expect(stored[0].token).not.toContain(invited.body.token);

    // Accepted with the invitation token alone; a second use is an unknown token.
    const accepted = await as(null).post('/api/v1/invitations/accept', { token: invited.body.token });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ team_id: teamId, role: 'member', user_created: false });
    expect((await as(null).post('/api/v1/invitations/accept', { token: invited.body.token })).status).toBe(404);
    expect((await as(alice.token).get(`/api/v1/teams/${teamId}`)).body.your_role).toBe('member');

    // A member cannot manage; promoted to owner, she can.
    expect((await as(alice.token).patch(`/api/v1/teams/${teamId}`, { name: 'renamed' })).status).toBe(403);
    expect((await admin().patch(`/api/v1/teams/${teamId}/members/alice@example.com`, { role: 'owner' })).body.role).toBe('owner');
    expect((await as(alice.token).patch(`/api/v1/teams/${teamId}`, { name: 'life, renamed' })).body.name).toBe('life, renamed');

    // Another owner removes her; the private team is then hidden from her like a missing one.
    expect((await admin().del(`/api/v1/teams/${teamId}/members/alice@example.com`)).status).toBe(204);
    const hidden = await as(alice.token).get(`/api/v1/teams/${teamId}`);
    expect(hidden.status).toBe(404);
    const missing = await as(alice.token).get(`/api/v1/teams/${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}`);
    expect(Object.keys(hidden.body)).toEqual(Object.keys(missing.body));

    // Deactivated: her token is refused at the very next request; reactivated: accepted again.
    expect((await admin().post('/api/v1/users/alice@example.com/deactivate')).body.is_active).toBe(false);
    const refused = await as(alice.token).get('/api/v1/teams');
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe('inactive user');
    expect((await admin().post('/api/v1/users/alice@example.com/reactivate')).body.is_active).toBe(true);
    expect((await as(alice.token).get('/api/v1/teams')).status).toBe(200);

    const history = await admin().get(`/api/v1/teams/${teamId}/history?limit=2`);
    const rest = await admin().get(`/api/v1/teams/${teamId}/history?cursor=${history.body.next_cursor}`);
    expect(
      [...history.body.items, ...rest.body.items].map((h: { user_email: string; action: string; role: string; performed_by: string }) => [
        h.user_email,
        h.action,
        h.role,
        h.performed_by,
      ]),
    ).toEqual([
      [ADMIN, 'added', 'owner', ADMIN],
      ['alice@example.com', 'invitation_accepted', 'member', 'alice@example.com'],
      ['alice@example.com', 'role_changed', 'owner', ADMIN],
      ['alice@example.com', 'removed', 'owner', ADMIN],
    ]);

    await flushWriter(app);
    const audit = await query<{ action: string; resource_type: string }>(
      url,
      `SELECT action, resource_type FROM audit_trails WHERE resource_name = 'alice@example.com' OR resource_id = 'alice@example.com' ORDER BY id`,
    );
    expect(audit.map((a) => `${a.resource_type}:${a.action}`)).toEqual([
      'user:create',
      'user_role:grant',
      'api_token:create',
      'user_approval:approve',
      'team_invitation:invite',
      'team_invitation:accept_invitation',
      'team_member:member_invitation_accepted',
      'team_member:member_role_changed',
      'team_member:member_removed',
      'user:deactivate',
      'user:reactivate',
    ]);
  });

  it('creates the user an invitation names when it is unknown (pending approval), and refuses an expired, revoked or declined token as unknown', async () => {
    const teamId = await team(app, 'invites');
    const invite = async (email: string) => (await admin().post(`/api/v1/teams/${teamId}/invitations`, { email, expires_in: '1h' })).body;

    const fresh = await invite('newcomer@example.com');
    const accepted = await as(null).post('/api/v1/invitations/accept', { token: fresh.token, full_name: 'New Comer' });
    expect(accepted.body).toMatchObject({ user_created: true, user_pending_approval: true, role: 'member' });
    expect((await admin().get('/api/v1/users/newcomer@example.com')).body).toMatchObject({
      full_name: 'New Comer',
      is_active: false,
      approval_status: 'pending',
    });

    const unknown = await as(null).post('/api/v1/invitations/accept', { token: `ffi_${'A'.repeat(43)}` });
    expect(unknown.status).toBe(404);

    const expired = await invite('late@example.com');
    await query(url, `UPDATE email_team_invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.id]);
    const revoked = await invite('revoked@example.com');
    expect((await admin().del(`/api/v1/teams/${teamId}/invitations/${revoked.id}`)).status).toBe(204);
    expect((await admin().del(`/api/v1/teams/${teamId}/invitations/${revoked.id}`)).status).toBe(404);
    const declined = await invite('declined@example.com');
    expect((await as(null).post('/api/v1/invitations/decline', { token: declined.token })).status).toBe(204);
    const replaced = await invite('twice@example.com');
    await invite('twice@example.com');

    for (const token of [expired.token, revoked.token, declined.token, replaced.token]) {
      const res = await as(null).post('/api/v1/invitations/accept', { token });
      expect([res.status, res.body]).toEqual([404, unknown.body]);
    }
    expect((await admin().get(`/api/v1/teams/${teamId}/invitations`)).body.items.map((i: { email: string }) => i.email)).toEqual([
      'twice@example.com',
    ]);

    // An invitation id is no oracle: through another team it is unknown.
    const other = await team(app, 'invites-other');
    const elsewhere = await invite('elsewhere@example.com');
    expect((await admin().del(`/api/v1/teams/${other}/invitations/${elsewhere.id}`)).status).toBe(404);
    expect((await as(null).post('/api/v1/invitations/accept', { token: 'not-a-token' })).body.errors[0].field).toBe('token');
  });

  it('handles join requests for public teams: one pending each, approved, rejected, withdrawn; a private team hides them', async () => {
    const publicTeam = (await admin().post('/api/v1/teams', { name: 'open', slug: 'open', visibility: 'public' })).body.id;
    const privateTeam = await team(app, 'closed');
    const [dana, eve, finn] = [
      await approvedMember('dana@example.com'),
      await approvedMember('eve@example.com'),
      await approvedMember('finn@example.com'),
    ];

    expect((await as(dana.token).get(`/api/v1/teams?visibility=public`)).body.items.map((t: { slug: string }) => t.slug)).toContain('open');
    expect((await as(dana.token).get(`/api/v1/teams`)).body.items).toEqual([]);
    const hidden = await as(dana.token).post(`/api/v1/teams/${privateTeam}/join-requests`, {});
    expect(hidden.status).toBe(404);

    const asked = await as(dana.token).post(`/api/v1/teams/${publicTeam}/join-requests`, { message: 'hello' });
    expect(asked.status).toBe(201);
    expect((await as(dana.token).post(`/api/v1/teams/${publicTeam}/join-requests`, {})).status).toBe(409);
    expect((await as(dana.token).get(`/api/v1/teams/${publicTeam}/join-requests`)).status).toBe(403);
    const eveAsked = (await as(eve.token).post(`/api/v1/teams/${publicTeam}/join-requests`, {})).body;
    const finnAsked = (await as(finn.token).post(`/api/v1/teams/${publicTeam}/join-requests`, {})).body;
    expect((await admin().get(`/api/v1/teams/${publicTeam}/join-requests`)).body.items).toHaveLength(3);

    // Someone else's request is unknown to them; the requester withdraws it.
    expect((await as(dana.token).del(`/api/v1/teams/${publicTeam}/join-requests/${finnAsked.id}`)).status).toBe(404);
    expect((await as(finn.token).del(`/api/v1/teams/${publicTeam}/join-requests/${finnAsked.id}`)).status).toBe(204);
    expect((await admin().post(`/api/v1/teams/${publicTeam}/join-requests/${asked.body.id}/approve`)).body.status).toBe('approved');
    expect((await admin().post(`/api/v1/teams/${publicTeam}/join-requests/${eveAsked.id}/reject`)).body.status).toBe('rejected');
    expect((await admin().post(`/api/v1/teams/${publicTeam}/join-requests/${eveAsked.id}/approve`)).status).toBe(404);
    expect((await admin().post(`/api/v1/teams/${privateTeam}/join-requests/${asked.body.id}/approve`)).status).toBe(404);

    const members = (await as(dana.token).get(`/api/v1/teams/${publicTeam}/members`)).body.items.map(
      (m: { user_email: string }) => m.user_email,
    );
    expect(members.sort()).toEqual([ADMIN, 'dana@example.com']);
    expect((await as(eve.token).post(`/api/v1/teams/${publicTeam}/join-requests`, {})).status).toBe(201);
    expect((await as(eve.token).get(`/api/v1/teams/${publicTeam}/history`)).status).toBe(403);
  });

  it('keeps the last owner, and deletes a team only once no registry entity belongs to it', async () => {
    const teamId = await team(app, 'owned');
    expect((await admin().del(`/api/v1/teams/${teamId}/members/${ADMIN}`)).status).toBe(409);
    expect((await admin().patch(`/api/v1/teams/${teamId}/members/${ADMIN}`, { role: 'member' })).status).toBe(409);

    const tool = await admin().post('/api/v1/tools', {
      name: 'owned-tool',
      url: 'https://t.example.com',
      team_id: teamId,
      visibility: 'team',
    });
    expect(tool.status).toBe(201);
    const refused = await admin().del(`/api/v1/teams/${teamId}`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('tools');
    expect((await admin().del(`/api/v1/tools/${tool.body.id}`)).status).toBe(204);
    expect((await admin().del(`/api/v1/teams/${teamId}`)).status).toBe(204);
    expect((await admin().get(`/api/v1/teams/${teamId}`)).status).toBe(404);
    expect((await admin().put(`/api/v1/teams/${await team(app, 'nobody')}/members/ghost@example.com`)).body.message).toContain('invite');
  });

  it('lists tokens without their secret, revokes your own, and a revoked role stops its permissions at the next request', async () => {
    const gus = await approvedMember('gus@example.com');
    const second = await member(app, 'gus@example.com', 'viewer');
    const own = await as(gus.token).get('/api/v1/tokens');
    expect(own.body.items.map((t: { jti: string }) => t.jti).sort()).toEqual([gus.jti, second.jti].sort());
    for (const t of [gus.token, second.token]) expect(own.text).not.toContain(t);
    expect(own.text).not.toMatch(/token_hash|"token"/);
    expect((await as(gus.token).get(`/api/v1/tokens?user_email=${ADMIN}`)).status).toBe(403);
    expect((await as(gus.token).del(`/api/v1/tokens/${(await admin().get('/api/v1/tokens')).body.items[0].jti}`)).status).toBe(404);
    expect((await as(gus.token).del(`/api/v1/tokens/${second.jti}`)).status).toBe(204);
    expect((await as(gus.token).get('/api/v1/tokens?is_active=false')).body.items[0]).toMatchObject({ jti: second.jti, revoked: true });

    const roles = await as(gus.token).get('/api/v1/users/gus@example.com/roles');
    expect(roles.body.items.map((r: { role: string }) => r.role).sort()).toEqual(['developer', 'viewer']);
    const body = { name: 'gus-tool', url: 'https://g.example.com' };
    expect((await as(gus.token).post('/api/v1/tools', body)).status).toBe(201);
    expect((await admin().del('/api/v1/users/gus@example.com/roles/developer')).status).toBe(204);
    expect((await as(gus.token).post('/api/v1/tools', { ...body, name: 'gus-tool-2' })).status).toBe(403);
    expect((await admin().del(`/api/v1/users/${ADMIN}/roles/admin`)).status).toBe(409);

    // Blocked requests (the two 403s above) are counted in the token's usage.
    await flushWriter(app);
    const usage = await as(gus.token).get(`/api/v1/tokens/${gus.jti}/usage`);
    expect(usage.body.blocked).toBe(2);
    expect(usage.body.by_route).toEqual(
      expect.arrayContaining([expect.objectContaining({ route: '/api/v1/tools', method: 'POST', status_code: 403, blocked: 1 })]),
    );
    const blocked = await admin().get(`/api/v1/token-usage?blocked=true&token_jti=${gus.jti}`);
    expect(blocked.body.items.map((r: { endpoint: string; block_reason: string }) => `${r.endpoint} ${r.block_reason}`)).toEqual([
      '/api/v1/tools denied',
      '/api/v1/tokens denied',
    ]);
    expect((await as(gus.token).get(`/api/v1/tokens/${(await admin().get('/api/v1/tokens')).body.items[0].jti}/usage`)).status).toBe(404);

    // Deleting a user who owns registry entities is refused; once they are gone, it works and their tokens are revoked.
    expect((await admin().del('/api/v1/users/gus@example.com')).status).toBe(409);
    await query(url, `DELETE FROM tools WHERE owner_email = 'gus@example.com'`);
    expect((await admin().del('/api/v1/users/gus@example.com')).status).toBe(204);
    expect((await query(url, `SELECT 1 FROM token_revocations WHERE jti = $1`, [gus.jti])).length).toBe(1);
    expect((await as(gus.token).get('/api/v1/tokens')).status).toBe(401);
  });

  it('pages auth events, token usage and permission decisions newest first across partitions, bounded by a window', async () => {
    const now = Date.now();
    const day = 86_400_000;
    // 40 rows from 12 days back to 5 days ahead: the DEFAULT partition, dated ones, pairs sharing a timestamp.
    const times = Array.from({ length: 40 }, (_, i) => new Date(now - 12 * day + Math.floor(i / 2) * ((17 * day) / 20)));
    const ids = times.map((_, i) => `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`);
    for (const [i, t] of times.entries()) {
      await query(
        url,
        `INSERT INTO email_auth_events (id, "timestamp", user_email, event_type, success) VALUES ($1, $2, 'pager@example.com', 'paging', true)`,
        [ids[i], t],
      );
      await query(
        url,
        `INSERT INTO token_usage_logs (id, "timestamp", token_jti, user_email, endpoint, method, status_code, blocked) VALUES ($1, $2, 'pager-jti', 'pager@example.com', '/x', 'GET', 200, false)`,
        [ids[i], t],
      );
      await query(
        url,
        `INSERT INTO permission_audit_log (id, "timestamp", user_email, permission, granted, roles_checked) VALUES ($1, $2, 'pager@example.com', 'paging.test', true, '[]')`,
        [ids[i], t],
      );
    }
    for (const table of ['token_usage_logs', 'permission_audit_log']) {
      const parts = await query<{ n: number }>(
        url,
        `SELECT count(DISTINCT tableoid)::int AS n FROM ${table} WHERE user_email = 'pager@example.com'`,
      );
      expect(parts[0].n).toBeGreaterThanOrEqual(3);
    }
    const expected = ids
      .map((id, i) => ({ id, t: times[i].getTime() }))
      .sort((a, b) => b.t - a.t || (a.id < b.id ? 1 : -1))
      .map((r) => r.id);
    const since = new Date(now - 13 * day).toISOString();
    const until = new Date(now + 6 * day).toISOString();
    for (const path of [
      '/api/v1/auth-events?user_email=pager@example.com',
      '/api/v1/token-usage?user_email=pager@example.com',
      '/api/v1/permission-audit?permission=paging.test',
    ]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await admin().get(`${path}&since=${since}&until=${until}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.items.map((r: { id: string }) => r.id));
        cursor = res.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(expected);
      const tooWide = await admin().get(`${path}&since=${new Date(now - 40 * day).toISOString()}`);
      expect(tooWide.body.errors[0].field).toBe('since');
      // The default window is the last day: only the rows of the last day.
      const recent = await admin().get(path);
      expect(recent.body.items.every((r: { timestamp: string }) => Date.parse(r.timestamp) >= now - day - 60_000)).toBe(true);
    }
  });

  /** A user created and approved, with a developer token. */
  async function approvedMember(email: string) {
    const m = await member(app, email, 'developer');
    const approval = (await admin().get('/api/v1/user-approvals?limit=200')).body.items.find((a: { email: string }) => a.email === email);
    if (approval) await admin().post(`/api/v1/user-approvals/${approval.id}/approve`);
    return m;
  }
});
