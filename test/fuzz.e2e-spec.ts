import { startApp, TestApp } from './support/app';
import { buildSharedPayloads, fuzzCases, FuzzCase, operations, SharedPayloads } from './support/fuzz-cases';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter } from './support/registry';
import { StallProbe } from './support/stall-probe';
import { RowWriter } from '../src/writer/row-writer';

/**
 * The standing fuzz suite: every operation of the OpenAPI document receives every class of
 * hostile input that applies to it (test/support/fuzz-cases.ts). Whatever the input:
 * - no answer is a 5xx, and each answer is the status the class calls for;
 * - every 4xx says what is wrong (`message`), and a 400 names the field (`errors[].field`);
 * - the event loop of the process serving the app (this one) is never blocked by over 100 ms of
 *   its own work (support/stall-probe.ts: busy CPU time in a gap, not counting a loaded host or
 *   the test process's garbage collections);
 * - no table gains or loses a row, except those that record every request by design, and the
 *   writer never had a row refused by PostgreSQL (nothing invalid got that far).
 */
const MAX_BODY = 4 * 1024 * 1024;
const STALL_MS = 100;
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

  /** What is wrong with one answer, or null. */
  const judge = (c: FuzzCase, status: number, text: string): string | null => {
    if (status >= 500) return `answered ${status}: ${text.slice(0, 200)}`;
    if (c.expect && !c.expect.includes(status)) return `answered ${status}, expected ${c.expect.join(' or ')}: ${text.slice(0, 200)}`;
    if (status < 400) return null;
    let body: { statusCode?: unknown; message?: unknown; errors?: Array<{ field?: unknown; reason?: unknown }> };
    try {
      body = JSON.parse(text);
    } catch {
      return `answered ${status} with a body that is not JSON: ${text.slice(0, 120)}`;
    }
    if (body.statusCode !== status || typeof body.message !== 'string' || !body.message)
      return `answered ${status} without a message: ${text.slice(0, 200)}`;
    if (status === 400) {
      const named =
        Array.isArray(body.errors) &&
        body.errors.length > 0 &&
        body.errors.every((e) => typeof e.field === 'string' && e.field && typeof e.reason === 'string');
      if (!named) return `answered 400 without naming the field: ${text.slice(0, 200)}`;
    }
    return null;
  };

  it('answers every bad request with a 4xx that names the problem, never stalls, and writes nothing', async () => {
    const doc = (await app.get('/docs-json', null)).body;
    const cases = operations(doc).flatMap((op) => fuzzCases(op, shared));
    expect(cases.length).toBeGreaterThan(1000);
    const before = await rowCounts();
    const refusedBefore = app.app.get(RowWriter).stats().totals.rejected;
    const failures: string[] = [];
    const slowKinds = new Set<string>();
    const probe = new StallProbe().start();
    let worst = 0;
    for (const c of cases) {
      // A class that already took seconds is not sent again: on a service that stalls
      // (minutes per request) the report would otherwise take hours.
      if (slowKinds.has(c.kind)) continue;
      probe.reset();
      const started = performance.now();
      const headers: Record<string, string> = {};
      if (c.token !== null) headers.authorization = `Bearer ${app.adminToken}`;
      if (c.contentType) headers['content-type'] = c.contentType;
      let problem: string | null;
      try {
        const res = await fetch(app.baseUrl + c.path, { method: c.method, headers, body: c.body, signal: AbortSignal.timeout(30_000) });
        problem = judge(c, res.status, await res.text());
      } catch (error) {
        problem = `no answer: ${(error as Error).message}`;
      }
      const stall = probe.check();
      worst = Math.max(worst, stall.busyMs);
      if (!problem && stall.busyMs > STALL_MS)
        problem = `the event loop was blocked ${stall.busyMs} ms (in a ${stall.gapMs} ms gap, ${stall.gcMs} ms of it collecting)`;
      if (performance.now() - started > 5000) slowKinds.add(c.kind);
      if (problem) failures.push(`${c.operation} [${c.kind}: ${c.note}] ${problem}`);
    }
    probe.stop();
    expect(failures).toEqual([]);
    expect(worst).toBeLessThanOrEqual(STALL_MS);
    expect(await rowCounts()).toEqual(before);
    expect(app.app.get(RowWriter).stats().totals.rejected).toBe(refusedBefore);
  }, 900_000);
});
