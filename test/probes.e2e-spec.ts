import { getDataSourceToken } from '@nestjs/typeorm';
import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query, startTestServer, TestServer } from './support/postgres';

describe('health probes', () => {
  let coreServer: TestServer;
  let metricsServer: TestServer;
  let app: TestApp;

  beforeAll(async () => {
    [coreServer, metricsServer] = await Promise.all([startTestServer(), startTestServer()]);
    const core = await createDatabase('core', coreServer.adminUrl);
    const metrics = await createDatabase('metrics', metricsServer.adminUrl);
    app = await startApp({ DATABASE_URL: core, METRICS_DATABASE_URL: metrics, HEALTH_CHECK_TIMEOUT_MS: '1500' });
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([coreServer?.destroy(), metricsServer?.destroy()]);
  });

  it('the roles really live on different servers', async () => {
    const core = app.app.get(getDataSourceToken('core'));
    const metrics = app.app.get(getDataSourceToken('metrics'));
    expect(core).not.toBe(metrics);
    const [a] = await core.query('SHOW port');
    const [b] = await metrics.query('SHOW port');
    expect(Number(a.port)).toBe(coreServer.port);
    expect(Number(b.port)).toBe(metricsServer.port);
  });

  it('with everything up: live, ready and health are 200 and say who falls back', async () => {
    expect((await app.get('/health/live')).status).toBe(200);
    const ready = await app.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.degraded).toEqual([]);
    const health = await app.get('/health');
    expect(health.status).toBe(200);
    expect(health.body.details.core).toMatchObject({ status: 'up', fallback: false });
    expect(health.body.details.metrics).toMatchObject({
      status: 'up',
      fallback: false,
      database: expect.stringContaining(`:${metricsServer.port}/`),
    });
    expect(health.body.details.logs).toMatchObject({ status: 'up', fallback: true });
    expect(health.body.details.observability).toMatchObject({ status: 'up', fallback: true });
    expect(typeof health.body.details.metrics.latency_ms).toBe('number');
    expect(JSON.stringify(health.body)).not.toMatch(/password|postgres:\/\//);
  });

  it('metrics server stopped: ready stays 200, /health reports metrics down; back when it returns', async () => {
    await metricsServer.stop();
    const ready = await app.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.degraded).toEqual(['metrics']);
    const health = await app.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.details.metrics.status).toBe('down');
    expect(health.body.details.core.status).toBe('up');
    expect((await app.get('/health/live')).status).toBe(200);

    await metricsServer.restart();
    const back = await app.get('/health');
    expect(back.status).toBe(200);
    expect(back.body.details.metrics.status).toBe('up');
  });

  it('core server stopped: ready is 503, live stays 200', async () => {
    await coreServer.stop();
    try {
      const ready = await app.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.details.core.status).toBe('down');
      expect((await app.get('/health/live')).status).toBe(200);
    } finally {
      await coreServer.restart();
    }
    // The pool reconnects by itself.
    expect((await app.get('/health/ready')).status).toBe(200);
  });
});

describe('an optional database that is down at boot', () => {
  it('does not stop the boot; the role is reported down and connects once it answers', async () => {
    const server = await startTestServer();
    const core = await createDatabase('core');
    const metrics = await createDatabase('metrics', server.adminUrl);
    await server.stop();
    const app = await startApp({ DATABASE_URL: core, METRICS_DATABASE_URL: metrics });
    try {
      expect((await app.get('/health/ready')).status).toBe(200);
      expect((await app.get('/health')).body.details.metrics.status).toBe('down');
      await server.restart();
      // The connector retries every 5 s; it migrates the database before connecting.
      let status = 'down';
      for (let i = 0; i < 40 && status !== 'up'; i++) {
        await new Promise((r) => setTimeout(r, 500));
        status = (await app.get('/health')).body.details.metrics.status;
      }
      expect(status).toBe('up');
      const [{ n }] = await query<{ n: string }>(metrics, `SELECT count(*) AS n FROM pg_tables WHERE tablename = 'tool_metrics'`);
      expect(Number(n)).toBe(1);
    } finally {
      await app.close();
      await server.destroy();
      await dropDatabase(core);
    }
  });
});
