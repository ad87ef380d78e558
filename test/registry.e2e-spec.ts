import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter } from './support/registry';

describe('registry API: lists and input validation', () => {
  let url: string;
  let app: TestApp;
  const call = (method: string, path: string, body?: unknown) => app.request(method, path, { body });
  const counts = async () =>
    (
      await query<{ audit: number; tools: number; servers: number }>(
        url,
        `SELECT (SELECT count(*) FROM audit_trails)::int audit, (SELECT count(*) FROM tools)::int tools, (SELECT count(*) FROM servers)::int servers`,
      )
    )[0];

  beforeAll(async () => {
    url = await createDatabase('registry');
    app = await startApp({ DATABASE_URL: url, HTTP_MAX_BODY_BYTES: '65536' });
    // The first prompt of the list below.
    await call('POST', '/api/v1/prompts', { name: 'summarize', template: 'Summarize {{text}}' });
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  it('lists paginate with a cursor and filter by tags, team, visibility, enabled', async () => {
    for (let i = 0; i < 5; i++) {
      await call('POST', '/api/v1/prompts', { name: `p${i}`, tags: i % 2 ? ['odd', 'x'] : ['even'], enabled: i !== 4 });
    }
    const first = await call('GET', '/api/v1/prompts?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await call('GET', `/api/v1/prompts?limit=2&cursor=${first.body.next_cursor}`);
    const third = await call('GET', `/api/v1/prompts?limit=2&cursor=${second.body.next_cursor}`);
    const names = [...first.body.items, ...second.body.items, ...third.body.items].map((p: { name: string }) => p.name);
    expect(names).toEqual(['summarize', 'p0', 'p1', 'p2', 'p3', 'p4']);
    expect(third.body.next_cursor).toBeNull();
    expect((await call('GET', '/api/v1/prompts?tags=odd,x')).body.items.map((p: { name: string }) => p.name)).toEqual(['p1', 'p3']);
    expect((await call('GET', '/api/v1/prompts?enabled=false')).body.items.map((p: { name: string }) => p.name)).toEqual(['p4']);
    expect((await call('GET', '/api/v1/prompts?visibility=private')).body.items).toEqual([]);
    expect((await call('GET', '/api/v1/prompts?limit=500')).status).toBe(400);
  });

  it('bad input answers 4xx with a clear message and writes nothing', async () => {
    await flushWriter(app);
    const before = await counts();
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ['POST', '/api/v1/tools', { name: 42 }, 400, /name must be a string/],
      ['POST', '/api/v1/tools', {}, 400, /name must be a string/],
      ['POST', '/api/v1/tools', { name: 't', timeout_ms: 'soon' }, 400, /timeout_ms must be an integer/],
      ['POST', '/api/v1/tools', { name: 't', owner_email: 'me@x' }, 400, /owner_email should not exist/],
      ['POST', '/api/v1/tools', { name: 't', visibility: 'team' }, 400, /visibility team needs a team_id/],
      ['POST', '/api/v1/tools', { name: 't', gateway_id: 'x' }, 400, /gateway_id must be a UUID/],
      ['POST', '/api/v1/servers', { name: 's', tags: ["x'); DROP TABLE servers; --"] }, 400, /tags are/],
      ['PATCH', '/api/v1/servers/00000000-0000-4000-8000-000000000000', { name: 's' }, 400, /version must be an integer/],
      ['GET', "/api/v1/tools?team_id=1' OR '1'='1", undefined, 400, /team_id must be a UUID/],
      ['GET', '/api/v1/tools?tags=a%27%3B%20DELETE%20FROM%20tools%3B--', undefined, 400, /tags are/],
      ['GET', '/api/v1/tools?visibility=public%27--', undefined, 400, /visibility must be one of/],
      ['GET', '/api/v1/tools?cursor=%27%20OR%201%3D1', undefined, 400, /cursor must be/],
      ['GET', '/api/v1/tools?order=name;DROP', undefined, 400, /order should not exist/],
      ['GET', "/api/v1/audit-trails?user_email=a'or'1'='1", undefined, 400, /user_email must be/],
      [
        'POST',
        '/api/v1/logs/search',
        { text: "'; DROP TABLE structured_log_entries; --", limit: 5000 },
        400,
        /limit must not be greater than 500/,
      ],
      ['GET', '/api/v1/tools/not-a-uuid', undefined, 400, /id must be a UUID/],
      ['GET', '/api/v1/tools/00000000-0000-4000-8000-000000000000', undefined, 404, /not found/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const res = await call(method, path, body);
      expect([method, path, res.status]).toEqual([method, path, status]);
      expect(res.body.message).toMatch(message);
      if (status === 400 && res.body.errors) expect(res.body.errors[0]).toEqual({ field: expect.any(String), reason: expect.any(String) });
    }
    const text = await app.request('POST', '/api/v1/logs/search', { body: { text: "'; DROP TABLE structured_log_entries; --" } });
    expect(text.status).toBe(200);

    const invalidJson = await app.request('POST', '/api/v1/tools', { rawBody: '{"name": "t",' });
    expect(invalidJson.status).toBe(400);
    expect(invalidJson.body.message).toMatch(/not valid JSON/);
    const oversized = await app.request('POST', '/api/v1/tools', { body: { name: 't', description: 'x'.repeat(70_000) } });
    expect(oversized.status).toBe(413);
    expect(oversized.body.message).toMatch(/larger than 65536 bytes/);

    await flushWriter(app);
    expect(await counts()).toEqual(before);
  });
});
