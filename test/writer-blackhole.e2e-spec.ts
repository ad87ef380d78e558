import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RowWriter } from '../src/writer/row-writer';
import { startApp } from './support/app';
import { createDatabase, dropDatabase, query, sharedAdminUrl } from './support/postgres';
import { startTcpProxy } from './support/tcp-proxy';
import { eventually, sleep } from './support/wait';

const batch = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ entity_type: 'tool', entity_id: `bh-${tag}-${i % 5}`, response_time: 0.05, is_success: true }));

describe('metrics database behind a dead network path (no answer, no reset)', () => {
  it('abandons the stuck COPY, spools the batch, and replays it once the path returns', async () => {
    const core = await createDatabase('bhcore');
    const metrics = await createDatabase('bhmetrics');
    const target = new URL(metrics);
    const proxy = await startTcpProxy(Number(target.port));
    const viaProxy = new URL(metrics);
    viaProxy.port = String(proxy.port);
    const app = await startApp({
      DATABASE_URL: core,
      METRICS_DATABASE_URL: viaProxy.toString(),
      WRITER_TIMEOUT_MS: '1500',
      WRITER_FLUSH_MS: '50',
      WRITER_PROBE_MS: '300',
      DB_CONNECT_TIMEOUT_MS: '1000',
      HEALTH_CHECK_TIMEOUT_MS: '500',
    });
    const count = async () => Number((await query<{ n: string }>(metrics, 'SELECT count(*) AS n FROM tool_metrics'))[0].n);
    const toolStats = async () =>
      ((await app.get('/status/database')).body.writers.tables as Array<Record<string, number> & { table: string }>).find(
        (t) => t.table === 'tool_metrics',
      )!;
    try {
      expect(sharedAdminUrl()).toBeTruthy();
      expect((await app.post('/api/v1/metrics/executions', batch(100, 'a'))).status).toBe(202);
      await app.app.get(RowWriter).flush();
      expect(await count()).toBe(100);

      // Several established, idle connections in the metrics pool when the path dies.
      const metricsDs = app.app.get<DataSource>(getDataSourceToken('metrics'));
      await Promise.all(Array.from({ length: 8 }, () => metricsDs.query('SELECT pg_sleep(0.05)')));

      proxy.blackhole();
      expect((await app.post('/api/v1/metrics/executions', batch(100, 'b'))).status).toBe(202);
      // The request's rows (tool_metrics, and its token_usage_logs row) meet the dead path:
      // an idle pooled connection that never answers, or a new one that never connects.
      // Without a deadline the COPY on the idle connection would wait for TCP to give up,
      // minutes from now. Counters read in process: an HTTP poll would add rows of its own.
      const writer = app.app.get(RowWriter);
      await eventually(async () => {
        const metricsTables = writer.stats().tables.filter((t) => t.role === 'metrics');
        const tool = metricsTables.find((t) => t.table === 'tool_metrics');
        return tool?.spooled === 100 && metricsTables.every((t) => t.queued === 0);
      }, 15_000);
      expect(writer.stats().roles.metrics.available).toBe(false);

      // Probes during the outage report it and give their connections back: a probe that
      // kept a hung connection each time would drain the pool long before the path returns.
      const pool = (
        app.app.get(getDataSourceToken('metrics')).driver as unknown as {
          master: { totalCount: number; idleCount: number; waitingCount: number };
        }
      ).master;
      for (let i = 0; i < 10; i++) {
        expect((await app.get('/health')).body.details.metrics.status).toBe('down');
        const status = (await app.get('/status/database')).body;
        expect(status.roles.metrics.reachable).toBe(false);
        expect(status.partitions.tables.tool_metrics.error).toBeTruthy();
      }
      await sleep(1200); // past DB_CONNECT_TIMEOUT_MS: connection attempts still pending have failed by now
      // At most the writer's own probe and one health probe are out; the 8 idle connections
      // that went dark were cut and dropped, not kept hanging.
      expect(pool.totalCount - pool.idleCount).toBeLessThanOrEqual(2);

      proxy.restore();
      await eventually(async () => (await toolStats()).spool_files === 0 && (await count()) === 200);
      const stats = await toolStats();
      expect(stats.replayed).toBe(100);
      expect(stats.queued).toBe(0);
    } finally {
      await app.close();
      await proxy.close();
      await Promise.all([core, metrics].map(dropDatabase));
    }
  });
});
