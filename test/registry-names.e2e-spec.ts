import { DataSource } from 'typeorm';
import { CoreSchema1795400000000, RegistryNameUniqueness1795610000000 } from '../migrations/core';
import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { member, team } from './support/registry';

/** Names of servers, prompts and resources are unique per team and owner, in the schema (as tools' are). */
describe('registry names', () => {
  let url: string;
  let app: TestApp;

  beforeAll(async () => {
    url = await createDatabase('names');
    app = await startApp({ DATABASE_URL: url });
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  it.each([
    ['servers', {}],
    ['prompts', {}],
    ['resources', { uri: 'file:///a' }],
  ])('%s: a second one with the same name, team and owner answers 409; another team or owner may use the name', async (path, extra) => {
    const teamId = await team(app, `names-${path}`);
    const dev = await member(app, `names-${path}@example.com`, 'developer', [teamId]);
    const create = (token: string, body: object) =>
      app.request('POST', `/api/v1/${path}`, { token, body: { name: 'same', ...extra, ...body } });
    expect((await create(app.adminToken, {})).status).toBe(201);
    const twice = await create(app.adminToken, {});
    expect(twice.status).toBe(409);
    expect(twice.body.message).toMatch(/^duplicate: team_id, owner_email, name=/);
    expect((await create(app.adminToken, { team_id: teamId })).status).toBe(201);
    expect((await create(app.adminToken, { team_id: teamId })).status).toBe(409);
    expect((await create(dev.token, { team_id: teamId })).status).toBe(201);
    expect((await create(dev.token, {})).status).toBe(201);
    expect(await query(url, `SELECT count(*)::int n FROM ${path} WHERE name = 'same'`)).toEqual([{ n: 4 }]);
  });

  it('the migration keeps existing duplicates, renamed, so that it applies to any database', async () => {
    const old = await createDatabase('names_old');
    const db = new DataSource({ type: 'postgres', url: old });
    await db.initialize();
    const q = db.createQueryRunner();
    try {
      await new CoreSchema1795400000000().up(q);
      for (const [id, created] of [
        ['00000000-0000-7000-8000-00000000aaaa', '2026-01-01'],
        ['00000000-0000-7000-8000-00000000bbbb', '2026-01-02'],
        ['00000000-0000-7000-8000-00000000cccc', '2026-01-03'],
      ])
        await q.query(`INSERT INTO servers (id, name, owner_email, created_at, version) VALUES ($1, 'dup', 'o@example.com', $2, 1)`, [
          id,
          created,
        ]);
      await q.query(
        `INSERT INTO servers (id, name, owner_email, version) VALUES ('00000000-0000-7000-8000-00000000dddd', 'dup', 'other@example.com', 1)`,
      );
      await new RegistryNameUniqueness1795610000000().up(q);
      expect(await q.query(`SELECT id, name, version FROM servers ORDER BY id`)).toEqual([
        { id: '00000000-0000-7000-8000-00000000aaaa', name: 'dup', version: 1 },
        { id: '00000000-0000-7000-8000-00000000bbbb', name: 'dup (0000bbbb)', version: 2 },
        { id: '00000000-0000-7000-8000-00000000cccc', name: 'dup (0000cccc)', version: 2 },
        { id: '00000000-0000-7000-8000-00000000dddd', name: 'dup', version: 1 },
      ]);
      await expect(q.query(`INSERT INTO servers (id, name, owner_email, version) VALUES ('x', 'dup', 'o@example.com', 1)`)).rejects.toThrow(
        /uq_servers_team_owner_name/,
      );
    } finally {
      await q.release();
      await db.destroy();
      await dropDatabase(old);
    }
  });
});
