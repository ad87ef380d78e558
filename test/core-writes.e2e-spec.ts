import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query, tablesOf } from './support/postgres';
import { flushWriter, member } from './support/registry';

/**
 * Reads write nothing to core. In split mode (metrics and logs in databases of their own), a
 * row-level trigger on every core table records each write; authenticated GETs may cause only
 * the token's first-use event and the once-a-minute last_used update. Failures are still
 * recorded in email_auth_events.
 */
describe('reads and core writes, in split mode', () => {
  let coreUrl: string;
  let metricsUrl: string;
  let logsUrl: string;
  let app: TestApp;

  beforeAll(async () => {
    [coreUrl, metricsUrl, logsUrl] = [await createDatabase('cw_core'), await createDatabase('cw_metrics'), await createDatabase('cw_logs')];
    app = await startApp({
      DATABASE_URL: coreUrl,
      METRICS_DATABASE_URL: metricsUrl,
      LOGS_DATABASE_URL: logsUrl,
      PERFORMANCE_ENABLED: 'true',
    });
  });

  afterAll(async () => {
    await app?.close();
    for (const url of [coreUrl, metricsUrl, logsUrl]) if (url) await dropDatabase(url);
  });

  it('1,000 authenticated GETs write to core only the first-use event and one last_used update', async () => {
    const core = await tablesOf(coreUrl);
    expect(core).not.toContain('token_usage_logs'); // split mode for real: usage rows go elsewhere
    expect(core).not.toContain('audit_trails');
    const viewer = await member(app, 'reader@example.com', 'viewer');
    const tool = await app.post('/api/v1/tools', { name: 'read-me' });
    await flushWriter(app);
    await query(
      coreUrl,
      `CREATE TABLE core_writes (table_name text, op text);
       CREATE FUNCTION record_core_write() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN INSERT INTO core_writes VALUES (TG_TABLE_NAME, TG_OP); RETURN NULL; END $$;` +
        core
          .map(
            (t) =>
              `CREATE TRIGGER record_core_write AFTER INSERT OR UPDATE OR DELETE ON "${t}" FOR EACH ROW EXECUTE FUNCTION record_core_write();`,
          )
          .join('\n'),
    );
    const paths = ['/api/v1/tools', `/api/v1/tools/${tool.body.id}`, '/api/v1/metrics/top?entity_type=tool', '/api/v1/servers?limit=5'];
    for (let i = 0; i < 1000; i += 10) {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, j) => app.get(paths[(i + j) % paths.length], viewer.token)));
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    }
    await flushWriter(app);
    const writes = await query<{ table_name: string; op: string; n: number }>(
      coreUrl,
      'SELECT table_name, op, count(*)::int n FROM core_writes GROUP BY 1, 2 ORDER BY 1, 2',
    );
    expect(writes).toEqual([
      { table_name: 'email_api_tokens', op: 'UPDATE', n: 1 },
      { table_name: 'email_auth_events', op: 'INSERT', n: 1 },
    ]);
    expect(await query(coreUrl, 'SELECT event_type, success FROM email_auth_events WHERE user_email = $1', [viewer.email])).toEqual([
      { event_type: 'token_first_use', success: true },
    ]);
    const usage = await query<{ n: number }>(metricsUrl, 'SELECT count(*)::int n FROM token_usage_logs WHERE token_jti = $1', [viewer.jti]);
    expect(usage[0].n).toBe(1000);

    // Failures still land in core, each one.
    for (let i = 0; i < 3; i++) expect((await app.get('/api/v1/tools', 'ff_not-a-token-xxxxxxxxxxxxxxxxxxxxxxxxxx')).status).toBe(401);
    await flushWriter(app);
    expect(
      await query(coreUrl, `SELECT count(*)::int n FROM email_auth_events WHERE NOT success AND failure_reason = 'unknown token'`),
    ).toEqual([{ n: 3 }]);
  });
});
