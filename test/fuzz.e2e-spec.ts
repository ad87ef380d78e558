import { startApp, TestApp } from './support/app';
import { buildSharedPayloads, fuzzCases, operations, RouterRoute, SharedPayloads, withRouterRoutes } from './support/fuzz-cases';
import { otlpCases } from './support/fuzz-otlp';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter } from './support/registry';
import { runFuzzCases } from './support/fuzz-run';
import { StallProbe } from './support/stall-probe';
import { RowWriter } from '../src/writer/row-writer';
import { PUBLIC_ROUTES } from '../src/auth/route-policy';

/**
 * The standing fuzz suite: every operation of the OpenAPI document receives every class of
 * hostile input that applies to it (test/support/fuzz-cases.ts). Whatever the input:
 * - no answer is a 5xx, and each answer is the status the class calls for;
 * - every 4xx says what is wrong (`message`), and a 400 names the field (`errors[].field`);
 * - the event loop of the process serving the app (this one) is never blocked for seconds by
 *   its own work (support/stall-probe.ts: busy CPU time in a gap, not counting a loaded host or
 *   the test process's garbage collections). The margin holds on a loaded 2-core machine and
 *   still catches the classes that blocked for 8-39 s; the tight figure (no gap over 100 ms)
 *   is bench/stall.ts (`npm run bench:stall`, BENCHMARKS.md);
 * - no table gains or loses a row, except those that record every request by design, and the
 *   writer never had a row refused by PostgreSQL (nothing invalid got that far).
 */
const MAX_BODY = 4 * 1024 * 1024;
/** A stall this long is the code under test, not a loaded host (the classes it guards against blocked 8-39 s). */
const STALL_LIMIT_MS = 2000;
/** An answer this late is work amplified by the input (a window from year 1 took 39 s), not a loaded host. */
const SLOW_LIMIT_MS = 10_000;

/** Every route the router serves, as it holds them. */
function routerRoutes(app: TestApp): RouterRoute[] {
  const express = app.app.getHttpAdapter().getInstance() as {
    router: { stack: Array<{ route?: { path: string | string[]; methods: Record<string, boolean> } }> };
  };
  return express.router.stack.flatMap(({ route }) =>
    route ? [route.path].flat().flatMap((path) => Object.keys(route.methods).map((method) => ({ method, path }))) : [],
  );
}
/** Tables that record requests themselves: usage, request logs, permission decisions, auth failures. */
const BOOKKEEPING = new Set([
  'token_usage_logs',
  'structured_log_entries',
  'permission_audit_log',
  'email_auth_events',
  'performance_metrics',
  'performance_snapshots',
  'performance_aggregates',
]);

describe('fuzz: every route, every class of bad input', () => {
  let url: string;
  let app: TestApp;
  let shared: SharedPayloads;

  beforeAll(async () => {
    url = await createDatabase('fuzz');
    app = await startApp({ DATABASE_URL: url, HTTP_MAX_BODY_BYTES: String(MAX_BODY), AUTH_FAILURE_THRESHOLD: '100000' });
    shared = buildSharedPayloads(MAX_BODY);
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  const rowCounts = async (): Promise<Record<string, number>> => {
    await flushWriter(app);
    const tables = await query<{ name: string }>(
      url,
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
    );
    const counted = tables.map((t) => t.name).filter((t) => !BOOKKEEPING.has(t));
    const rows = await query<{ t: string; n: number }>(
      url,
      counted.map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM "${t}"`).join(' UNION ALL '),
    );
    return Object.fromEntries(rows.map((r) => [r.t, r.n]));
  };

  it('answers every bad request with a 4xx that names the problem, never stalls, and writes nothing', async () => {
    const doc = (await app.get('/docs-json', null)).body;
    // Public as the app decides it: by path (src/auth/route-policy.ts).
    const ops = withRouterRoutes(operations(doc), routerRoutes(app)).map((op) => ({
      ...op,
      public: op.public || PUBLIC_ROUTES.has(op.template),
    }));
    const cases = ops.flatMap((op) => [...fuzzCases(op, shared), ...otlpCases(op)]);
    for (const kind of [
      'other charset',
      'letter case',
      'tampered cursor',
      'extreme window',
      'inherited name',
      'OTLP bounds',
      'declared body, no token',
    ])
      expect(cases.some((c) => c.kind === kind)).toBe(true);
    expect(cases.length).toBeGreaterThan(1000);
    const before = await rowCounts();
    const refusedBefore = app.app.get(RowWriter).stats().totals.rejected;
    const probe = new StallProbe().start();
    const outcomes = await runFuzzCases(app.baseUrl, app.adminToken, cases, probe);
    probe.stop();
    const failures = outcomes.flatMap(({ fuzzCase: c, problem, stall, ms }) => {
      const stalled =
        stall.busyMs > STALL_LIMIT_MS &&
        `the event loop was blocked ${stall.busyMs} ms (in a ${stall.gapMs} ms gap, ${stall.gcMs} ms of it collecting)`;
      const slow = ms > SLOW_LIMIT_MS && `took ${Math.round(ms)} ms`;
      const wrong = problem ?? (stalled || slow || null);
      return wrong ? [`${c.operation} [${c.kind}: ${c.note}] ${wrong}`] : [];
    });
    expect(failures).toEqual([]);
    expect(await rowCounts()).toEqual(before);
    expect(app.app.get(RowWriter).stats().totals.rejected).toBe(refusedBefore);
  }, 900_000);
});
