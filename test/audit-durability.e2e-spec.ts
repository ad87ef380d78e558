import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query, startTestServer, TestServer } from './support/postgres';
import { flushWriter } from './support/registry';
import { eventually } from './support/wait';

/**
 * The logs role on an embedded server of its own, which the test stops and restarts:
 * changes keep succeeding while it is down, and every audit row arrives exactly once when
 * it returns. The commit mode of each audit insert is observed from the database itself,
 * by a trigger that records current_setting('synchronous_commit') in the writing transaction.
 */
describe.each([
  { durable: true, expected: 'on', databaseDefault: 'off' },
  { durable: false, expected: 'off', databaseDefault: 'on' },
])('audit with LOGS_DB_DURABLE=$durable and the logs database stopped and restarted', ({ durable, expected, databaseDefault }) => {
  let logsServer: TestServer;
  let coreUrl: string;
  let logsUrl: string;
  let app: TestApp;

  beforeAll(async () => {
    logsServer = await startTestServer();
    coreUrl = await createDatabase('dur_core');
    logsUrl = await createDatabase('dur_logs', logsServer.adminUrl);
    // The database default is the opposite of what the writer must set per transaction.
    const name = new URL(logsUrl).pathname.slice(1);
    await query(logsServer.adminUrl, `ALTER DATABASE ${name} SET synchronous_commit = ${databaseDefault}`);
    app = await startApp({
      DATABASE_URL: coreUrl,
      LOGS_DATABASE_URL: logsUrl,
      LOGS_DB_DURABLE: String(durable),
      DB_CONNECT_TIMEOUT_MS: '1000',
      WRITER_PROBE_MS: '300',
    });
    await query(
      logsUrl,
      `CREATE TABLE commit_modes (id uuid, mode text);
       CREATE FUNCTION record_commit_mode() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN INSERT INTO commit_modes VALUES (NEW.id, current_setting('synchronous_commit')); RETURN NULL; END $$;
       CREATE TRIGGER record_commit_mode AFTER INSERT ON audit_trails FOR EACH ROW EXECUTE FUNCTION record_commit_mode();`,
    );
  });

  afterAll(async () => {
    await app?.close();
    if (coreUrl) await dropDatabase(coreUrl);
    await logsServer?.destroy();
  });

  const auditCount = async () => (await query<{ n: number }>(logsUrl, 'SELECT count(*)::int n FROM audit_trails'))[0].n;

  it(`commits audit rows with synchronous_commit=${expected}, as observed in the database`, async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await app.request('POST', '/api/v1/servers', {
        body: { name: `up-${i}` },
        headers: { 'x-request-id': `up-${durable}-${i}` },
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    if (durable) {
      // Acknowledged means committed: the rows are there before any flush.
      const rows = await query(logsUrl, 'SELECT resource_id FROM audit_trails WHERE resource_id = ANY($1)', [ids]);
      expect(rows).toHaveLength(3);
    }
    await flushWriter(app);
    const modes = await query<{ mode: string }>(
      logsUrl,
      'SELECT DISTINCT c.mode FROM commit_modes c JOIN audit_trails a ON a.id = c.id WHERE a.resource_id = ANY($1)',
      [ids],
    );
    expect(modes).toEqual([{ mode: expected }]);
  });

  it('changes keep succeeding while the logs database is down; after restart every audit row arrives once', async () => {
    await flushWriter(app);
    const before = await auditCount();
    await logsServer.stop();
    const requestIds: string[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        const requestId = `down-${durable}-${i}`;
        const created = await app.request('POST', '/api/v1/tools', {
          body: { name: `t-${i}`, auth_value: 'down-secret' },
          headers: { 'x-request-id': requestId },
        });
        expect(created.status).toBe(201);
        requestIds.push(requestId);
        const updated = await app.request('PATCH', `/api/v1/tools/${created.body.id}`, {
          body: { description: 'changed', version: 1 },
          headers: { 'x-request-id': `${requestId}-u` },
        });
        expect(updated.status).toBe(200);
        requestIds.push(`${requestId}-u`);
      }
      await flushWriter(app);
    } finally {
      await logsServer.restart();
    }
    await eventually(async () => (await auditCount()) >= before + requestIds.length, 60_000);
    // Let any late replay land, then compare: nothing missing, nothing twice.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await auditCount()).toBe(before + requestIds.length);
    const perRequest = await query<{ request_id: string; n: number }>(
      logsUrl,
      'SELECT request_id, count(*)::int n FROM audit_trails WHERE request_id = ANY($1) GROUP BY request_id ORDER BY request_id',
      [requestIds],
    );
    expect(perRequest).toEqual([...requestIds].sort().map((request_id) => ({ request_id, n: 1 })));
    const dupes = await query(logsUrl, 'SELECT id FROM audit_trails GROUP BY id HAVING count(*) > 1');
    expect(dupes).toEqual([]);
    const masked = await query<{ v: string }>(logsUrl, `SELECT new_values->>'auth_value' v FROM audit_trails WHERE request_id = $1`, [
      requestIds[0],
    ]);
    expect(masked).toEqual([{ v: '********' }]);
  });
});
