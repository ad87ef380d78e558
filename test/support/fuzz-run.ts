import { connect } from 'node:net';
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
  // OTLP/HTTP answers a protobuf request's error as a protobuf Status, not JSON.
  if (c.contentType === 'application/x-protobuf') return null;
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
 * Sends only the head of a request whose headers declare `declaredBytes` of body, and
 * waits for the answer: the status and body text once the server has answered and closed.
 */
function sendHeadOnly(
  baseUrl: string,
  c: FuzzCase,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  const lines = Object.entries({ ...headers, host: hostname, 'content-length': String(c.declaredBytes) }).map(([k, v]) => `${k}: ${v}`);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let raw = '';
    const timer = setTimeout(
      () => socket.destroy(new Error(`no answer within ${timeoutMs} ms (the body was declared, never sent)`)),
      timeoutMs,
    );
    socket.on('data', (chunk) => (raw += chunk.toString('utf8')));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
      if (!status) return reject(new Error(`the connection closed without an answer: ${raw.slice(0, 80)}`));
      const at = raw.indexOf('\r\n\r\n');
      let text = at >= 0 ? raw.slice(at + 4) : '';
      if (/transfer-encoding: chunked/i.test(raw.slice(0, at))) text = text.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
      resolve({ status, text });
    });
    socket.write(`${c.method} ${c.path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
  });
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
      if (c.declaredBytes !== undefined) {
        const answer = await sendHeadOnly(baseUrl, c, headers, timeoutMs);
        status = answer.status;
        problem = judge(c, answer.status, answer.text);
      } else {
        const res = await fetch(baseUrl + c.path, { method: c.method, headers, body: c.body, signal: AbortSignal.timeout(timeoutMs) });
        status = res.status;
        problem = judge(c, res.status, await res.text());
      }
    } catch (error) {
      problem = `no answer: ${(error as Error).message}`;
    }
    const ms = performance.now() - started;
    if (ms > slowKindMs) slowKinds.add(c.kind);
    outcomes.push({ fuzzCase: c, status, problem, stall: probe.check(), ms });
  }
  return outcomes;
}
