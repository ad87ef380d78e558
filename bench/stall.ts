/**
 * npm run bench:stall — the tight figure the fuzz spec keeps out of the test suite: how long
 * hostile input blocks the event loop of the process serving it.
 *
 * The service runs in this process (as in the tests) on a private embedded PostgreSQL; every
 * case of the standing fuzz suite (test/support/fuzz-cases.ts, from the OpenAPI document) is
 * sent once, one after the other, with test/support/stall-probe.ts watching the loop (busy CPU
 * time in a gap between 10 ms ticks, the garbage collector's pauses taken out). Baseline: the
 * same probe over BENCH_BASELINE (default 500) `GET /health/live`. Prints the worst busy gap
 * of each, their ratio, the cases over BENCH_LIMIT_MS (default 100 ms) and the worst five.
 * BENCH_OPERATIONS (default all) keeps only the first N operations, for a quick run.
 */
import { startApp } from '../test/support/app';
import { buildSharedPayloads, fuzzCases, operations } from '../test/support/fuzz-cases';
import { runFuzzCases } from '../test/support/fuzz-run';
import { StallProbe } from '../test/support/stall-probe';
import { fmtMs, startDatabase } from './support';

const MAX_BODY = 4 * 1024 * 1024;
const LIMIT_MS = Number(process.env.BENCH_LIMIT_MS ?? 100);
const BASELINE = Number(process.env.BENCH_BASELINE ?? 500);
const OPERATIONS = process.env.BENCH_OPERATIONS ? Number(process.env.BENCH_OPERATIONS) : Infinity;

async function main(): Promise<void> {
  const db = await startDatabase();
  const app = await startApp({
    DATABASE_URL: db.url,
    HTTP_MAX_BODY_BYTES: String(MAX_BODY),
    AUTH_FAILURE_THRESHOLD: '100000',
    LOG_LEVEL: 'warn',
  });
  try {
    const doc = (await app.get('/docs-json', null)).body;
    const ops = operations(doc).slice(0, OPERATIONS);
    const shared = buildSharedPayloads(MAX_BODY);
    const cases = ops.flatMap((op) => fuzzCases(op, shared));
    const probe = new StallProbe().start();
    const baseline = await runFuzzCases(
      app.baseUrl,
      app.adminToken,
      Array.from({ length: BASELINE }, () => ({
        operation: 'GET /health/live',
        kind: 'baseline',
        method: 'GET',
        path: '/health/live',
        note: '',
      })),
      probe,
    );
    const started = performance.now();
    const outcomes = await runFuzzCases(app.baseUrl, app.adminToken, cases, probe, { slowKindMs: Infinity });
    const seconds = (performance.now() - started) / 1000;
    probe.stop();
    const worstOf = (list: typeof outcomes) => Math.max(0, ...list.map((o) => o.stall.busyMs));
    const base = worstOf(baseline);
    const worst = worstOf(outcomes);
    const over = outcomes.filter((o) => o.stall.busyMs > LIMIT_MS);
    console.log(
      `operations ${ops.length}, cases ${outcomes.length} in ${seconds.toFixed(1)} s; answers 5xx or wrong: ${outcomes.filter((o) => o.problem).length}`,
    );
    console.log(`baseline (GET /health/live ×${BASELINE}): worst busy gap ${fmtMs(base)}`);
    console.log(
      `fuzz cases: worst busy gap ${fmtMs(worst)}; ratio ${(worst / Math.max(base, 1)).toFixed(1)}x; over ${LIMIT_MS} ms: ${over.length}`,
    );
    for (const o of [...outcomes].sort((a, b) => b.stall.busyMs - a.stall.busyMs).slice(0, 5))
      console.log(
        `  ${fmtMs(o.stall.busyMs)} busy (gap ${fmtMs(o.stall.gapMs)}, gc ${fmtMs(o.stall.gcMs)}): ${o.fuzzCase.operation} [${o.fuzzCase.kind}: ${o.fuzzCase.note}]`,
      );
    process.exitCode = over.length ? 1 : 0;
  } finally {
    await app.close();
    await db.dispose();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
