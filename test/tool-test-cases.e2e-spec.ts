import { randomUUID } from 'node:crypto';
import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, member, Member, team } from './support/registry';

/** A tool's test cases: CRUD under the tool's visibility, deleted with the tool, every change audited. */
describe('tool test cases', () => {
  let url: string;
  let app: TestApp;
  let owner: Member;
  let outsider: Member;
  let viewer: Member;
  let privateTool: string;
  let publicTool: string;

  beforeAll(async () => {
    url = await createDatabase('testcases');
    app = await startApp({ DATABASE_URL: url, CORE_PURGE_ENABLED: 'false' });
    const [teamA, teamB] = [await team(app, 'team-a'), await team(app, 'team-b')];
    owner = await member(app, 'owner@example.com', 'developer', [teamA]);
    outsider = await member(app, 'outsider@example.com', 'developer', [teamB]);
    viewer = await member(app, 'viewer@example.com', 'viewer');
    const tool = (name: string, visibility: string) =>
      app.request('POST', '/api/v1/tools', { token: owner.token, body: { name, team_id: teamA, visibility } });
    privateTool = (await tool('weather', 'private')).body.id;
    publicTool = (await tool('echo', 'public')).body.id;
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  const as = (m: Member, method: string, path: string, body?: unknown) => app.request(method, path, { token: m.token, body });

  it('adds, lists, changes and deletes test cases; each change audited', async () => {
    const base = `/api/v1/tools/${privateTool}/test-cases`;
    expect((await as(owner, 'GET', base)).body).toEqual({ tool_id: privateTool, run_status: null, items: [] });
    const created = await as(owner, 'POST', base, {
      name: 'paris',
      arguments: { city: 'Paris' },
      expected_output: { content: [{ type: 'text', text: '12 °C' }] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'paris', arguments: { city: 'Paris' }, assertion: null, created_by: owner.email });
    const second = await as(owner, 'POST', base, { name: 'oslo', assertion: 'result.isError == false' });
    expect((await as(owner, 'POST', base, { name: 'oslo' })).status).toBe(409);

    const changed = await as(owner, 'PATCH', `${base}/${created.body.id}`, { arguments: { city: 'Lyon' }, expected_output: null });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'paris', arguments: { city: 'Lyon' }, expected_output: null });
    expect((await as(owner, 'DELETE', `${base}/${second.body.id}`)).status).toBe(204);
    expect((await as(owner, 'DELETE', `${base}/${second.body.id}`)).status).toBe(404);
    const status = await as(owner, 'PUT', `/api/v1/tools/${privateTool}/test-run-status`, { run_status: 'passed 1/1' });
    expect(status.body.run_status).toBe('passed 1/1');
    const list = await as(owner, 'GET', base);
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(['paris']);
    expect(list.body.run_status).toBe('passed 1/1');

    await flushWriter(app);
    const audit = await query<{ action: string; resource_id: string; old_values: { arguments?: object } | null; team_id: string | null }>(
      url,
      `SELECT action, resource_id, old_values, team_id FROM audit_trails WHERE resource_type = 'tool_test_case' ORDER BY timestamp`,
    );
    expect(audit.map((r) => r.action)).toEqual(['create', 'create', 'update', 'delete', 'update']);
    expect(audit[2].old_values?.arguments).toEqual({ city: 'Paris' });
    expect(audit.every((r) => r.team_id !== null)).toBe(true);
  });

  it('follows the tool: a hidden tool answers as a missing one, only those who may change the tool change its cases', async () => {
    const hidden = await as(outsider, 'GET', `/api/v1/tools/${privateTool}/test-cases`);
    const random = randomUUID();
    const missing = await as(outsider, 'GET', `/api/v1/tools/${random}/test-cases`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.message.replace(privateTool, '<id>')).toBe(missing.body.message.replace(random, '<id>'));
    expect((await as(outsider, 'POST', `/api/v1/tools/${privateTool}/test-cases`, { name: 'x' })).status).toBe(404);

    expect((await as(owner, 'POST', `/api/v1/tools/${publicTool}/test-cases`, { name: 'ping' })).status).toBe(201);
    expect((await as(outsider, 'GET', `/api/v1/tools/${publicTool}/test-cases`)).body.items).toHaveLength(1);
    expect((await as(outsider, 'POST', `/api/v1/tools/${publicTool}/test-cases`, { name: 'mine' })).status).toBe(403);
    expect((await as(viewer, 'POST', `/api/v1/tools/${publicTool}/test-cases`, { name: 'mine' })).status).toBe(403);
    expect((await as(viewer, 'GET', `/api/v1/tools/${publicTool}/test-cases`)).status).toBe(200);
  });

  it('bad input answers 400 naming the field', async () => {
    const base = `/api/v1/tools/${publicTool}/test-cases`;
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', base, {}, 'name'],
      ['POST', base, { name: 'x', arguments: 'city=Paris' }, 'arguments'],
      ['POST', base, { name: 'x', assertion: 'x'.repeat(10_001) }, 'assertion'],
      ['POST', base, { name: 'x', tool_id: publicTool }, 'tool_id'],
      ['PATCH', `${base}/not-a-uuid`, {}, 'caseId'],
      ['GET', '/api/v1/tools/nope/test-cases', undefined, 'id'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await as(owner, method, path, body);
      expect([path, res.status, res.body.errors?.[0]?.field]).toEqual([path, 400, field]);
    }
  });

  it('deleting the tool deletes its test cases', async () => {
    expect((await query<{ n: number }>(url, `SELECT count(*)::int n FROM toolops_test_cases WHERE tool_id = $1`, [publicTool]))[0].n).toBe(1);
    expect((await as(owner, 'DELETE', `/api/v1/tools/${publicTool}`)).status).toBe(204);
    expect((await query<{ n: number }>(url, `SELECT count(*)::int n FROM toolops_test_cases WHERE tool_id = $1`, [publicTool]))[0].n).toBe(0);
    expect((await as(owner, 'GET', `/api/v1/tools/${publicTool}/test-cases`)).status).toBe(404);
  });
});
