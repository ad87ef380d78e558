import { randomUUID } from 'node:crypto';
import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase } from './support/postgres';
import { member, Member, team } from './support/registry';

/** `GET /api/v1/servers/{id}/{kind}`: a server's members, only those the caller may see, paged. */
describe('server members', () => {
  let url: string;
  let app: TestApp;
  let devA: Member;
  let devB: Member;
  let server: string;
  let hiddenServer: string;
  const tools: Record<string, string> = {};

  beforeAll(async () => {
    url = await createDatabase('members');
    app = await startApp({ DATABASE_URL: url });
    const [teamA, teamB] = [await team(app, 'team-a'), await team(app, 'team-b')];
    devA = await member(app, 'dev-a@example.com', 'developer', [teamA]);
    devB = await member(app, 'dev-b@example.com', 'developer', [teamB]);
    const as = (m: Member, method: string, path: string, body?: object) => app.request(method, path, { token: m.token, body });
    server = (await as(devB, 'POST', '/api/v1/servers', { name: 'b-public', team_id: teamB, visibility: 'public' })).body.id;
    hiddenServer = (await as(devB, 'POST', '/api/v1/servers', { name: 'b-private', team_id: teamB, visibility: 'private' })).body.id;
    for (const [name, visibility] of [
      ['p1', 'public'],
      ['hidden', 'private'],
      ['p2', 'public'],
      ['team-b', 'team'],
      ['p3', 'public'],
    ]) {
      tools[name] = (await as(devB, 'POST', '/api/v1/tools', { name, team_id: teamB, visibility })).body.id;
      expect((await as(devB, 'PUT', `/api/v1/servers/${server}/tools/${tools[name]}`)).status).toBe(204);
    }
    const prompt = (await as(devB, 'POST', '/api/v1/prompts', { name: 'summarize', template: 'x' })).body.id;
    expect((await as(devB, 'PUT', `/api/v1/servers/${server}/prompts/${prompt}`)).status).toBe(204);
    // A tool that is public but not a member.
    await as(devB, 'POST', '/api/v1/tools', { name: 'outsider', team_id: teamB, visibility: 'public' });
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  const names = (res: { body: { items: Array<{ name: string }> } }) => res.body.items.map((t) => t.name);

  it('lists the members the caller may see, in id order, paged with a cursor', async () => {
    const all = await app.get(`/api/v1/servers/${server}/tools`, devB.token);
    expect(all.status).toBe(200);
    expect(names(all)).toEqual(['p1', 'hidden', 'p2', 'team-b', 'p3']);
    expect(all.body.items[0]).not.toHaveProperty('auth_value');
    expect(names(await app.get(`/api/v1/servers/${server}/tools`, devA.token))).toEqual(['p1', 'p2', 'p3']);
    expect(names(await app.get(`/api/v1/servers/${server}/prompts`, devA.token))).toEqual(['summarize']);
    expect((await app.get(`/api/v1/servers/${server}/resources`, devA.token)).body).toEqual({ items: [], next_cursor: null });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await app.get(`/api/v1/servers/${server}/tools?limit=2${cursor ? `&cursor=${cursor}` : ''}`, devA.token);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...names(page));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['p1', 'p2', 'p3']);
    expect(names(await app.get(`/api/v1/servers/${server}/tools?visibility=team`, devB.token))).toEqual(['team-b']);
  });

  it('a server the caller may not see answers exactly as a missing one; bad input names the field', async () => {
    const hidden = await app.get(`/api/v1/servers/${hiddenServer}/tools`, devA.token);
    const random = randomUUID();
    const missing = await app.get(`/api/v1/servers/${random}/tools`, devA.token);
    expect(hidden.status).toBe(404);
    expect(hidden.body.message.replace(hiddenServer, '<id>')).toBe(missing.body.message.replace(random, '<id>'));
    expect((await app.get(`/api/v1/servers/${hiddenServer}/tools`, devB.token)).status).toBe(200);

    const kind = await app.get(`/api/v1/servers/${server}/widgets`, devA.token);
    expect(kind.status).toBe(400);
    expect(kind.body.errors[0].field).toBe('kind');
    const limit = await app.get(`/api/v1/servers/${server}/tools?limit=0`, devA.token);
    expect(limit.status).toBe(400);
    expect(limit.body.errors[0].field).toBe('limit');
    expect((await app.get(`/api/v1/servers/${server}/tools?cursor=bogus`, devA.token)).body.errors[0].field).toBe('cursor');
    expect((await app.get(`/api/v1/servers/not-a-uuid/tools`, devA.token)).body.errors[0].field).toBe('id');
  });

  it('a deleted member leaves the list', async () => {
    const del = await app.request('DELETE', `/api/v1/tools/${tools.p2}`, { token: devB.token });
    expect(del.status).toBe(204);
    expect(names(await app.get(`/api/v1/servers/${server}/tools`, devA.token))).toEqual(['p1', 'p3']);
  });
});
