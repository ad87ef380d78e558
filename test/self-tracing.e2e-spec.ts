import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfTracingMode } from '../src/observability/self-tracing/self-tracing';
import { cleanEnv, ROOT } from './support/cli';
import { hexId, jsonRequest, jsonSpan } from './support/otlp';
import { createDatabase, dropDatabase, freePort, query } from './support/postgres';
import { eventually } from './support/wait';

const TOKEN = 'ff_self_tracing_test_token_0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };

describe('self-tracing', () => {
  it('is off unless asked for; the storing mode wins over an endpoint; OTEL_SDK_DISABLED wins over both', () => {
    expect(selfTracingMode({})).toBe('off');
    expect(selfTracingMode({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('otlp');
    expect(selfTracingMode({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe('otlp');
    expect(selfTracingMode({ OBSERVABILITY_SELF_TRACES: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe('store');
    expect(selfTracingMode({ OBSERVABILITY_SELF_TRACES: 'true', OTEL_SDK_DISABLED: 'true' })).toBe('off');
  });

  describe('OBSERVABILITY_SELF_TRACES=true (the real service in a child process)', () => {
    let url: string;
    let child: ChildProcess;
    let base: string;
    let spool: string;

    beforeAll(async () => {
      url = await createDatabase('selftrace');
      spool = mkdtempSync(join(tmpdir(), 'ff-selftrace-'));
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
        cwd: ROOT,
        env: cleanEnv({
          DATABASE_URL: url,
          PORT: String(port),
          SPOOL_DIR: spool,
          ADMIN_TOKEN: TOKEN,
          LOG_LEVEL: 'warn',
          WRITER_FLUSH_MS: '50',
          METRICS_ROLLUP_ENABLED: 'false',
          PERFORMANCE_ENABLED: 'false',
          OBSERVABILITY_SELF_TRACES: 'true',
          OTEL_SERVICE_NAME: 'fourfold-under-test',
          OTEL_BSP_SCHEDULE_DELAY: '100',
        }),
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      await eventually(
        () =>
          fetch(`${base}/health/ready`).then(
            (r) => r.status === 200,
            () => false,
          ),
        90_000,
        250,
      );
    });

    afterAll(async () => {
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await dropDatabase(url);
      rmSync(spool, { recursive: true, force: true });
    });

    it('stores its own HTTP and database spans through the writer, and never traces OTLP exports or its own writes', async () => {
      for (let i = 0; i < 3; i++) expect((await fetch(`${base}/api/v1/traces?service=x`, { headers: AUTH })).status).toBe(200);
      const body = jsonRequest('gateway', [
        jsonSpan({ traceId: hexId(16), spanId: hexId(8), name: 'from the gateway', startMs: Date.now() - 1000, durationMs: 3 }),
      ]);
      const sent = await fetch(`${base}/v1/traces`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(sent.status).toBe(200);

      const own = () =>
        query<{ trace_id: string; name: string; kind: string; parent_span_id: string | null; statement: string | null }>(
          url,
          `SELECT trace_id, name, kind, parent_span_id, coalesce(attributes->>'db.query.text', attributes->>'db.statement') AS statement
             FROM observability_spans WHERE service = 'fourfold-under-test'`,
        );
      await eventually(async () => (await own()).filter((s) => s.kind === 'server').length >= 3, 30_000, 250);
      const spans = await own();
      const servers = spans.filter((s) => s.kind === 'server');
      expect(servers.every((s) => s.parent_span_id === null)).toBe(true);
      expect(servers.map((s) => s.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^GET/)]));
      // Database calls of a request are children in its trace.
      const db = spans.filter((s) => s.statement !== null);
      expect(db.length).toBeGreaterThan(0);
      expect(db.every((s) => servers.some((r) => r.trace_id === s.trace_id))).toBe(true);
      // No span for the OTLP export, for health probes, or for the writer's COPYs.
      expect(spans.filter((s) => s.kind === 'server' && /^POST|health/.test(s.name))).toEqual([]); // the only POST was the export
      expect(spans.filter((s) => /^COPY|ff_stage/.test(s.statement ?? ''))).toEqual([]);
      const [{ n }] = await query<{ n: string }>(url, `SELECT count(*) AS n FROM observability_spans WHERE service = 'gateway'`);
      expect(Number(n)).toBe(1);
    });
  });
});
