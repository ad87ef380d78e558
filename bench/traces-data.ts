import { randomBytes } from 'node:crypto';
import { encodeTraceRequest, PbKeyValue, PbSpan } from '../src/observability/otlp/otlp-proto';
import { PLAIN_SPAN_FIELDS, SpanRecord } from '../src/observability/otlp/otlp-request';

/** Synthetic traces for bench/traces.ts and bench/otlp.ts: a gateway request fanning out to tools and an LLM. */

export const SPANS_PER_TRACE = 20;
export const SERVICES = ['gateway', 'tools-a', 'tools-b', 'llm-proxy', 'auth', 'registry', 'search', 'billing'];
const ROUTES = ['/rpc', '/tools/call', '/prompts/get', '/resources/read', '/a2a/invoke'];
const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

/** Root durations: mostly fast, a long tail (about a quarter over 1 s). */
const rootDuration = (r: number) => Math.round(20 + 4000 * r ** 3);

const resourceOf = (service: string) => ({
  'service.name': service,
  'service.version': '1.4.2',
  'deployment.environment': 'bench',
  'host.name': `host-${service.length % 3}`,
});

/** One trace of SPANS_PER_TRACE spans starting at `startMs`; the root's service rotates with `i`. */
export function makeTrace(i: number, startMs: number): SpanRecord[] {
  const traceId = randomBytes(16).toString('hex');
  const rootId = randomBytes(8).toString('hex');
  const r = Math.random();
  const duration = rootDuration(r);
  const rootService = SERVICES[i % SERVICES.length];
  const ns = (ms: number) => BigInt(Math.round(ms * 1000)) * 1000n;
  const spans: SpanRecord[] = [];
  const route = ROUTES[i % ROUTES.length];
  spans.push({
    traceId,
    spanId: rootId,
    parentSpanId: null,
    name: `POST ${route}`,
    kind: KINDS[2],
    startNanos: ns(startMs),
    endNanos: ns(startMs + duration),
    status: r > 0.97 ? 'error' : 'ok',
    statusMessage: null,
    service: rootService,
    scopeName: '@opentelemetry/instrumentation-http',
    attributes: {
      'http.request.method': 'POST',
      'http.route': route,
      'http.response.status_code': r > 0.97 ? 500 : 200,
      'user.tier': i % 2 ? 'pro' : 'free',
    },
    resourceAttributes: resourceOf(rootService),
    events: [],
    ...PLAIN_SPAN_FIELDS,
  });
  for (let k = 1; k < SPANS_PER_TRACE; k++) {
    const service = SERVICES[(i + k) % SERVICES.length];
    const offset = (duration * (k - 1)) / SPANS_PER_TRACE;
    const llm = k === 1;
    spans.push({
      traceId,
      spanId: randomBytes(8).toString('hex'),
      parentSpanId: rootId,
      name: llm ? 'chat gpt-bench' : `tools/call tool-${(i * 7 + k) % 50}`,
      kind: KINDS[3],
      startNanos: ns(startMs + offset),
      endNanos: ns(startMs + offset + duration / SPANS_PER_TRACE),
      status: 'unset',
      statusMessage: null,
      service,
      scopeName: 'fourfold-bench',
      attributes: llm
        ? { 'gen_ai.request.model': 'gpt-bench', 'gen_ai.usage.input_tokens': 100 + (i % 900), 'gen_ai.usage.output_tokens': 20 + (i % 80) }
        : { 'mcp.tool': `tool-${(i * 7 + k) % 50}`, 'rpc.method': 'tools/call', attempt: 1 },
      resourceAttributes: resourceOf(service),
      events: [],
      ...PLAIN_SPAN_FIELDS,
    });
  }
  return spans;
}

/** A 64-bit value as protobufjs takes it without going through a float. */
const fixed64 = (n: bigint) => ({ low: Number(n & 0xffffffffn) | 0, high: Number(n >> 32n) | 0, unsigned: true });

const kv = (attributes: Record<string, unknown>): PbKeyValue[] =>
  Object.entries(attributes).map(([key, v]) => ({
    key,
    value: typeof v === 'string' ? { stringValue: v } : Number.isInteger(v) ? { intValue: v as number } : { doubleValue: v as number },
  }));

/** One ExportTraceServiceRequest in protobuf for these spans, grouped by resource as an SDK groups them. */
export function protobufBody(spans: SpanRecord[]): Buffer {
  const byService = new Map<string, SpanRecord[]>();
  for (const s of spans) byService.set(s.service!, [...(byService.get(s.service!) ?? []), s]);
  return encodeTraceRequest({
    resourceSpans: [...byService].map(([, list]) => ({
      resource: { attributes: kv(list[0].resourceAttributes) },
      scopeSpans: [
        {
          scope: { name: 'fourfold-bench' },
          spans: list.map<PbSpan>((s) => ({
            traceId: Buffer.from(s.traceId, 'hex'),
            spanId: Buffer.from(s.spanId, 'hex'),
            parentSpanId: s.parentSpanId ? Buffer.from(s.parentSpanId, 'hex') : null,
            name: s.name,
            kind: KINDS.indexOf(s.kind),
            startTimeUnixNano: fixed64(s.startNanos),
            endTimeUnixNano: fixed64(s.endNanos),
            attributes: kv(s.attributes),
            status: { code: s.status === 'error' ? 2 : s.status === 'ok' ? 1 : 0 },
          })),
        },
      ],
    })),
  });
}
