import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter } from './support/registry';

/**
 * The writer commits each role's rows with that role's synchronous_commit (ROLE_DURABILITY,
 * the source /status/database reports too): core `on`, metrics `off`. Observed in the
 * databases themselves: a trigger records current_setting('synchronous_commit') in the
 * writing transaction, and each database's default is the opposite of what the writer must set.
 */
describe('writer durability per role, as the databases see it', () => {
  let coreUrl: string;
  let metricsUrl: string;
  let app: TestApp;

  const watch = (url: string, table: string) =>
    query(
      url,
      `CREATE TABLE commit_modes (table_name text, mode text);
       CREATE FUNCTION record_commit_mode() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN INSERT INTO commit_modes VALUES (TG_TABLE_NAME, current_setting('synchronous_commit')); RETURN NULL; END $$;
       CREATE TRIGGER record_commit_mode AFTER INSERT ON "${table}" FOR EACH ROW EXECUTE FUNCTION record_commit_mode();`,
    );
  const setDefault = (url: string, mode: string) =>
    query(url, `ALTER DATABASE ${new URL(url).pathname.slice(1)} SET synchronous_commit = ${mode}`);

  beforeAll(async () => {
    [coreUrl, metricsUrl] = [await createDatabase('dur_core'), await createDatabase('dur_metrics')];
    await setDefault(coreUrl, 'off');
    await setDefault(metricsUrl, 'on');
    app = await startApp({ DATABASE_URL: coreUrl, METRICS_DATABASE_URL: metricsUrl });
    await watch(coreUrl, 'email_auth_events');
    await watch(metricsUrl, 'token_usage_logs');
  });

  afterAll(async () => {
    await app?.close();
    for (const url of [coreUrl, metricsUrl]) if (url) await dropDatabase(url);
  });

  it('commits core rows (email_auth_events) with synchronous_commit=on and metrics rows with off', async () => {
    expect((await app.get('/api/v1/tools', 'ff_not-a-token-xxxxxxxxxxxxxxxxxxxxxxxxxx')).status).toBe(401);
    expect((await app.get('/api/v1/tools')).status).toBe(200);
    await flushWriter(app);
    expect(await query(coreUrl, 'SELECT DISTINCT table_name, mode FROM commit_modes')).toEqual([
      { table_name: 'email_auth_events', mode: 'on' },
    ]);
    expect(await query(metricsUrl, 'SELECT DISTINCT mode FROM commit_modes')).toEqual([{ mode: 'off' }]);
    const status = await app.get('/status/database');
    expect(status.body.roles.core.synchronous_commit.writes).toBe('on');
    expect(status.body.roles.metrics.synchronous_commit.writes).toBe('off');
  });
});
