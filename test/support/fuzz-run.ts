import { FuzzCase } from './fuzz-cases';
import { StallProbe } from './stall-probe';

/** One case sent: what came back, what is wrong with it (or null), and the worst stall while it was served. */
export interface CaseOutcome {
  fuzzCase: FuzzCase;
  status: number | null;
  problem: string | null;
  stall: { busyMs: number; gapMs: number; gcMs: number };
  ms: number;
}

/** What is wrong with one answer, or null. */
export function judge(c: FuzzCase, status: number, text: string): string | null {
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
    if (c.field && !body.errors!.some((e) => e.field === c.field)) return `answered 400 without naming ${c.field}: ${text.slice(0, 200)}`;
  }
  return null;
}

/**
 * Sends the cases one after the other to the app served by this process, with `probe`
 * watching its event loop (reset before each case, so each stall is charged to its case).
 * A kind that already took `slowKindMs` is not sent again: on a service that stalls (minutes
 * per request) the report would otherwise take hours.
 */
export async function runFuzzCases(
  baseUrl: string,
  token: string,
  cases: FuzzCase[],
  probe: StallProbe,
  { slowKindMs = 5000, timeoutMs = 30_000 } = {},
): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = [];
  const slowKinds = new Set<string>();
  for (const c of cases) {
    if (slowKinds.has(c.kind)) continue;
    probe.reset();
    const started = performance.now();
    const headers: Record<string, string> = { ...c.headers };
    if (c.token !== null) headers.authorization = `Bearer ${token}`;
    if (c.contentType) headers['content-type'] = c.contentType;
    let status: number | null = null;
    let problem: string | null;
    try {
      const res = await fetch(baseUrl + c.path, { method: c.method, headers, body: c.body, signal: AbortSignal.timeout(timeoutMs) });
      status = res.status;
      problem = judge(c, res.status, await res.text());
    } catch (error) {
      problem = `no answer: ${(error as Error).message}`;
    }
    const ms = performance.now() - started;
    if (ms > slowKindMs) slowKinds.add(c.kind);
    outcomes.push({ fuzzCase: c, status, problem, stall: probe.check(), ms });
  }
  return outcomes;
}
