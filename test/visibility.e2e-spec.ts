import { randomUUID } from 'node:crypto';
import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, member, Member, team } from './support/registry';

/**
 * No existence oracle: what a caller may not see answers exactly as what does not exist,
 * in references (a tool's gateway, a model's provider) and in metrics, which follow the
 * registry's visibility rules with the visible ids asked of core.
 */
describe('hidden entities answer as missing ones', () => {
  let url: string;
  let app: TestApp;
  let devA: Member;
  let devB: Member;
  let viewer: Member;
  let hiddenGateway: string;
  let hiddenProvider: string;
  let publicGateway: string;
  let hiddenTool: { id: string; name: string };
  let publicTool: string;

  beforeAll(async () => {
    url = await createDatabase('visibility');
    app = await startApp({ DATABASE_URL: url });
    const [teamA, teamB] = [await team(app, 'team-a'), await team(app, 'team-b')];
    devA = await member(app, 'dev-a@example.com', 'developer', [teamA]);
    devB = await member(app, 'dev-b@example.com', 'developer', [teamB]);
    viewer = await member(app, 'viewer@example.com', 'viewer');
    const as = (m: Member, path: string, body: object) => app.request('POST', path, { token: m.token, body });
    const gateway = (slug: string, visibility: string) =>
      as(devB, '/api/v1/gateways', { name: slug, slug, url: 'https://gw.example.com', team_id: teamB, visibility });
    hiddenGateway = (await gateway('b-private', 'private')).body.id;
    publicGateway = (await gateway('b-public', 'public')).body.id;
    hiddenProvider = (
      await as(devB, '/api/v1/llm-providers', { name: 'b', slug: 'b-llm', provider_type: 'openai', team_id: teamB, visibility: 'private' })
    ).body.id;
    const tool = await as(devB, '/api/v1/tools', { name: 'b-secret-tool', team_id: teamB, visibility: 'private' });
    hiddenTool = { id: tool.body.id, name: tool.body.name };
    publicTool = (await as(devB, '/api/v1/tools', { name: 'b-public-tool', team_id: teamB, visibility: 'public' })).body.id;
    const run = (id: string, n: number) =>
      Array.from({ length: n }, () => ({ entity_type: 'tool', entity_id: id, response_time: 0.1, is_success: true }));
    expect((await app.post('/api/v1/metrics/executions', [...run(hiddenTool.id, 5), ...run(publicTool, 2)])).status).toBe(202);
    await flushWriter(app);
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  /** The answer with the id it mentions replaced, to compare a hidden id's answer with a random one's. */
  const shape = (res: { status: number; body: unknown }, id: string) => ({
    status: res.status,
    body: JSON.parse(JSON.stringify(res.body).split(id).join('<id>')),
  });

  it('a reference to another team’s private gateway or provider answers exactly as one to a random id (400, not 201 or a 409 naming the table)', async () => {
    const tools = async () => (await query<{ n: number }>(url, 'SELECT count(*)::int n FROM tools'))[0].n;
    const before = await tools();
    const random = randomUUID();
    const create = (token: string, gateway_id: string) =>
      app.request('POST', '/api/v1/tools', { token, body: { name: `t-${gateway_id}`, gateway_id } });
    const hidden = await create(devA.token, hiddenGateway);
    expect(hidden.status).toBe(400);
    expect(hidden.body.errors).toEqual([{ field: 'gateway_id', reason: expect.stringMatching(/not a gateway you can see/) }]);
    expect(shape(hidden, hiddenGateway)).toEqual(shape(await create(devA.token, random), random));
    // Not even the admin learns a table name from a random id.
    const adminRandom = await create(app.adminToken, random);
    expect(adminRandom.status).toBe(400);
    expect(adminRandom.text).not.toMatch(/table|gateways"/);

    const model = (provider_id: string) =>
      app.request('POST', '/api/v1/llm-models', { token: devA.token, body: { provider_id, model_id: 'm', model_name: 'm' } });
    expect(shape(await model(hiddenProvider), hiddenProvider)).toEqual(shape(await model(random), random));
    expect((await model(hiddenProvider)).status).toBe(400);

    const mine = await create(devA.token, publicGateway);
    expect(mine.status).toBe(201); // a gateway the caller sees may be referenced
    const patch = await app.request('PATCH', `/api/v1/tools/${mine.body.id}`, {
      token: devA.token,
      body: { gateway_id: hiddenGateway, version: 1 },
    });
    expect(shape(patch, hiddenGateway)).toEqual(shape(hidden, hiddenGateway));
    expect(await tools()).toBe(before + 1);
  });

  it('metrics of another team’s private tool answer 404 like the registry, for a viewer and a developer; its team sees them', async () => {
    for (const who of [viewer, devA]) {
      const registry = await app.get(`/api/v1/tools/${hiddenTool.id}`, who.token);
      const summary = await app.get(`/api/v1/metrics/tools/${hiddenTool.id}/summary`, who.token);
      const series = await app.get(`/api/v1/metrics/tools/${hiddenTool.id}/timeseries`, who.token);
      expect(registry.status).toBe(404);
      expect([summary.status, summary.body]).toEqual([registry.status, registry.body]);
      expect([series.status, series.body]).toEqual([registry.status, registry.body]);
      expect(summary.text).not.toContain(hiddenTool.name);
      const random = randomUUID();
      expect(shape(await app.get(`/api/v1/metrics/tools/${random}/summary`, who.token), random)).toEqual(shape(summary, hiddenTool.id));
    }
    const own = await app.get(`/api/v1/metrics/tools/${hiddenTool.id}/summary`, devB.token);
    expect(own.body).toMatchObject({ name: hiddenTool.name, total_executions: 5 });
  });

  it('a slug another team’s private gateway or provider uses is free for the caller, exactly like an unused one; only the caller’s own duplicate answers 409', async () => {
    const create = (path: string, body: object) => app.request('POST', path, { token: devA.token, body });
    for (const [path, body] of [
      ['/api/v1/gateways', { name: 'mine', slug: 'b-private', url: 'https://gw.example.com' }],
      ['/api/v1/llm-providers', { name: 'mine', slug: 'b-llm', provider_type: 'openai' }],
    ] as const) {
      expect((await create(path, body)).status).toBe(201);
      const again = await create(path, { ...body, name: 'mine again' });
      expect(again.status).toBe(409);
      expect(again.body.message).toContain('slug');
    }
  });

  it('/metrics/top lists only the entities the caller may see', async () => {
    const top = async (m: { token: string } | null) =>
      (await app.get('/api/v1/metrics/top?entity_type=tool', m?.token ?? app.adminToken)).body.items.map((i: { id: string }) => i.id);
    expect(await top(viewer)).toEqual([publicTool]);
    expect(await top(devA)).toEqual([publicTool]);
    expect(await top(devB)).toEqual([hiddenTool.id, publicTool]);
    expect(await top(null)).toEqual([hiddenTool.id, publicTool]);
  });
});
