import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeTraceResponse, encodeTraceRequest, PbSpan } from '../src/observability/otlp/otlp-proto';
import { startApp, TestApp } from './support/app';
import { decodeStatus } from '../src/otlp/otlp-wire';
import { encodeSignalRequest } from '../src/observability/otlp/otlp-proto';
import { exportWithSdkDefaults, ExportFormat, hexId, jsonRequest, jsonSpan, nanos } from './support/otlp';
import { grpcExport } from './support/otlp-grpc';
import { createDatabase, dropDatabase, freePort, query } from './support/postgres';
import { flushWriter, member, Member } from './support/registry';

const MAX_BODY = 256 * 1024;
/** Each signal's cap on items per request, each different, so that one signal cannot pass under another's. */
const CAPS = { traces: 4, metrics: 3, logs: 2 };
const CAP_VARIABLES = {
  traces: 'TRACES_MAX_SPANS_PER_REQUEST',
  metrics: 'OTLP_MAX_DATA_POINTS_PER_REQUEST',
  logs: 'OTLP_MAX_LOG_RECORDS_PER_REQUEST',
};
const GRPC_EXPORT = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};
type Signal = keyof typeof CAPS;
const GRPC = { ok: 0, invalidArgument: 3, permissionDenied: 7, resourceExhausted: 8, unauthenticated: 16, unimplemented: 12 };
/** Unix nanoseconds as a number (protobufjs writes it as fixed64; sub-microsecond precision does not matter here). */
const long = (unixMs: number) => unixMs * 1e6;

/** A request of `n` items of `signal`: OTLP/JSON (times as decimal strings, ids in hex) or the protobuf message object. */
function itemsRequest(signal: Signal, n: number, json: boolean): unknown {
  const at = (i: number) => (json ? nanos(Date.now() - 1000 + i) : long(Date.now() - 1000 + i));
  const traceId = hexId(16);
  if (signal === 'traces')
    return json
      ? jsonRequest(
          'caps',
          Array.from({ length: n }, (_, i) =>
            jsonSpan({ traceId, spanId: hexId(8), name: `s${i}`, startMs: Date.now() - 2000, durationMs: 1 }),
          ),
        )
      : { resourceSpans: [{ scopeSpans: [{ spans: Array.from({ length: n }, (_, i) => pbSpan(traceId, `s${i}`)) }] }] };
  if (signal === 'metrics') {
    const dataPoints = Array.from({ length: n }, (_, i) => ({ timeUnixNano: at(i), asDouble: i }));
    return { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'caps.gauge', gauge: { dataPoints } }] }] }] };
  }
  const logRecords = Array.from({ length: n }, (_, i) => ({ timeUnixNano: at(i), body: { stringValue: `r${i}` } }));
  return { resourceLogs: [{ scopeLogs: [{ logRecords }] }] };
}

/** A protobuf ExportTraceServiceRequest of the given spans (ids as bytes). */
function pbRequest(service: string, spans: PbSpan[]): Buffer {
  return encodeTraceRequest({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 'raw-grpc', version: '1' }, spans }],
      },
    ],
  });
}
const pbSpan = (traceId: string, name: string, over: Partial<PbSpan> = {}): PbSpan => ({
  traceId: Buffer.from(traceId, 'hex'),
  spanId: Buffer.from(hexId(8), 'hex'),
  name,
  kind: 2,
  startTimeUnixNano: long(Date.now() - 2000),
  endTimeUnixNano: long(Date.now() - 1000),
  ...over,
});

describe('OTLP receivers: gRPC (4317) and HTTP (4318) on their own ports', () => {
  let app: TestApp;
  let url: string;
  let grpcPort: number;
  let httpPort: number;
  let developer: Member;
  let viewer: Member;

  beforeAll(async () => {
    url = await createDatabase('otlprx');
    [grpcPort, httpPort] = [await freePort(), await freePort()];
    app = await startApp({
      DATABASE_URL: url,
      WRITER_FLUSH_MS: '20',
      HTTP_MAX_BODY_BYTES: String(MAX_BODY),
      TRACES_MAX_SPANS_PER_REQUEST: String(CAPS.traces),
      OTLP_MAX_DATA_POINTS_PER_REQUEST: String(CAPS.metrics),
      OTLP_MAX_LOG_RECORDS_PER_REQUEST: String(CAPS.logs),
      OTLP_GRPC_PORT: String(grpcPort),
      OTLP_HTTP_PORT: String(httpPort),
    });
    developer = await member(app, 'dev@otlprx.test', 'developer');
    viewer = await member(app, 'viewer@otlprx.test', 'viewer');
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase(url);
  });

  const spanCount = async (traceId: string) =>
    Number((await query<{ n: string }>(url, 'SELECT count(*) AS n FROM observability_spans WHERE trace_id = $1', [traceId]))[0].n);

  it.each([
    ['grpc', () => `http://127.0.0.1:${grpcPort}`],
    ['protobuf', () => `http://127.0.0.1:${httpPort}`],
    ['json', () => `http://127.0.0.1:${httpPort}`],
  ] as Array<[ExportFormat, () => string]>)(
    'the official %s exporter with only OTEL_EXPORTER_OTLP_ENDPOINT (a base URL) and the token stores its trace',
    async (format, endpoint) => {
      const exported = await exportWithSdkDefaults(endpoint(), developer.token, format, `defaults-${format}`);
      expect(exported.failures).toEqual([]);
      await flushWriter(app);
      const res = await app.get(`/api/v1/traces/${exported.traceId}`, viewer.token);
      expect(res.status).toBe(200);
      expect(res.body.spans.map((s: { name: string }) => s.name).sort()).toEqual(['POST /rpc', 'chat gpt-x', 'tools/call weather']);
      expect(res.body.spans.find((s: { name: string }) => s.name === 'POST /rpc')).toMatchObject({ service: `defaults-${format}` });
    },
  );

  it('answers gRPC with partial success, and refuses bad messages with INVALID_ARGUMENT or RESOURCE_EXHAUSTED, writing nothing', async () => {
    const traceId = hexId(16);
    const ok = await grpcExport(
      grpcPort,
      pbRequest('raw', [pbSpan(traceId, 'good'), pbSpan(traceId, 'backwards', { endTimeUnixNano: long(Date.now() - 3000) })]),
      { token: developer.token },
    );
    expect(ok.code).toBe(GRPC.ok);
    const response = decodeTraceResponse(ok.response!);
    expect(Number(response.partialSuccess?.rejectedSpans)).toBe(1);
    expect(response.partialSuccess?.errorMessage).toMatch(/endTimeUnixNano is before startTimeUnixNano/);

    const badTrace = hexId(16);
    const refusals: Array<[string, Promise<{ code: number; details: string }>, number, RegExp]> = [
      [
        'garbage',
        grpcExport(grpcPort, Buffer.from('not a protobuf at all'), { token: developer.token }),
        GRPC.invalidArgument,
        /not an OTLP ExportTraceServiceRequest in protobuf/,
      ],
      [
        'a trace id of 3 bytes',
        grpcExport(
          grpcPort,
          pbRequest('raw', [pbSpan(badTrace, 'ok'), { ...pbSpan(badTrace, 'bad'), traceId: Buffer.from('abcdef', 'hex') }]),
          {
            token: developer.token,
          },
        ),
        GRPC.invalidArgument,
        /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]\.traceId: must be 16 bytes, got 3/,
      ],
      [
        'larger than HTTP_MAX_BODY_BYTES',
        grpcExport(grpcPort, pbRequest('raw', [pbSpan(badTrace, 'x'.repeat(MAX_BODY + 10))]), { token: developer.token }),
        GRPC.resourceExhausted,
        /larger than/,
      ],
      [
        'a gzip bomb (64 MB of one attribute, ~64 KB sent)',
        grpcExport(
          grpcPort,
          pbRequest('raw', [
            pbSpan(badTrace, 'bomb', { attributes: [{ key: 'k', value: { stringValue: 'a'.repeat(64 * 1024 * 1024) } }] }),
          ]),
          { token: developer.token, gzip: true },
        ),
        GRPC.resourceExhausted,
        /decompresses to a size larger than 262144/,
      ],
      [
        'no token',
        grpcExport(grpcPort, pbRequest('raw', [pbSpan(badTrace, 'ok')]), { token: null }),
        GRPC.unauthenticated,
        /missing token/,
      ],
      [
        'a viewer token',
        grpcExport(grpcPort, pbRequest('raw', [pbSpan(badTrace, 'ok')]), { token: viewer.token }),
        GRPC.permissionDenied,
        /traces\.write/,
      ],
      [
        'an unknown service',
        grpcExport(grpcPort, Buffer.alloc(0), {
          token: developer.token,
          method: '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export',
        }),
        GRPC.unimplemented,
        /./,
      ],
    ];
    for (const [what, answer, code, message] of refusals) {
      const { code: got, details } = await answer;
      expect(`${what}: ${got}`).toBe(`${what}: ${code}`);
      expect(details).toMatch(message);
    }
    await flushWriter(app);
    expect(await spanCount(traceId)).toBe(1);
    expect(await spanCount(badTrace)).toBe(0);
  });

  it('serves only the OTLP paths on OTLP_HTTP_PORT; a gzip protobuf export answers in protobuf', async () => {
    const traceId = hexId(16);
    const res = await fetch(`http://127.0.0.1:${httpPort}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${developer.token}`, 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      body: gzipSync(pbRequest('http-port', [pbSpan(traceId, 'over 4318')])),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeTraceResponse(Buffer.from(await res.arrayBuffer())).partialSuccess ?? null).toBeNull();
    expect(
      (await fetch(`http://127.0.0.1:${httpPort}/api/v1/traces`, { headers: { authorization: `Bearer ${developer.token}` } })).status,
    ).toBe(404);
    expect(
      (await fetch(`http://127.0.0.1:${httpPort}/v1/traces`, { headers: { authorization: `Bearer ${developer.token}` } })).status,
    ).toBe(405);
    await flushWriter(app);
    expect(await spanCount(traceId)).toBe(1);
  });

  it.each(Object.keys(CAPS) as Signal[])(
    'caps the %s of one request with its own variable: 413 over HTTP, RESOURCE_EXHAUSTED over gRPC, naming it',
    async (signal) => {
      const cap = CAPS[signal];
      const named = new RegExp(`more than ${cap} .*\\(${CAP_VARIABLES[signal]}\\)`);
      const http = (n: number) =>
        fetch(`http://127.0.0.1:${httpPort}/v1/${signal}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${developer.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(itemsRequest(signal, n, true)),
        });
      const grpc = (n: number) =>
        grpcExport(grpcPort, encodeSignalRequest(signal, itemsRequest(signal, n, false)), {
          token: developer.token,
          method: GRPC_EXPORT[signal],
        });

      const over = await http(cap + 1);
      expect(over.status).toBe(413);
      expect(((await over.json()) as { message: string }).message).toMatch(named);
      const overGrpc = await grpc(cap + 1);
      expect(overGrpc.code).toBe(GRPC.resourceExhausted);
      expect(overGrpc.details).toMatch(named);
      // Exactly the cap passes, though it is above another signal's cap.
      expect((await http(cap)).status).toBe(200);
      expect((await grpc(cap)).code).toBe(GRPC.ok);
    },
  );

  it('answers a protobuf request over its cap with a google.rpc.Status naming the variable', async () => {
    const res = await fetch(`http://127.0.0.1:${httpPort}/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${developer.token}`, 'content-type': 'application/x-protobuf' },
      body: encodeSignalRequest('logs', itemsRequest('logs', CAPS.logs + 1, false)),
    });
    expect(res.status).toBe(413);
    expect(decodeStatus(Buffer.from(await res.arrayBuffer())).message).toMatch(/OTLP_MAX_LOG_RECORDS_PER_REQUEST/);
  });

  it('serves OTLP/gRPC over TLS with OTLP_GRPC_TLS_CERT and OTLP_GRPC_TLS_KEY, and refuses plaintext there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ff-grpc-tls-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=fourfold-test',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { encoding: 'utf8' },
    );
    if (made.status !== 0) {
      console.warn(`openssl could not make a certificate (${made.error?.message ?? made.stderr}): the gRPC TLS check is skipped`);
      return;
    }
    const tlsPort = await freePort();
    const tlsApp = await startApp({
      DATABASE_URL: url,
      MIGRATIONS_RUN: 'false',
      WRITER_FLUSH_MS: '20',
      OTLP_GRPC_PORT: String(tlsPort),
      OTLP_GRPC_TLS_CERT: cert,
      OTLP_GRPC_TLS_KEY: key,
    });
    try {
      const traceId = hexId(16);
      const body = pbRequest('tls', [pbSpan(traceId, 'over tls')]);
      expect((await grpcExport(tlsPort, body, { token: developer.token, ca: readFileSync(cert) })).code).toBe(GRPC.ok);
      expect((await grpcExport(tlsPort, body, { token: developer.token })).code).toBe(14); // UNAVAILABLE: no plaintext
      expect((await tlsApp.get('/health')).body.details.otlp_grpc).toMatchObject({ status: 'up', port: tlsPort, tls: true });
      await flushWriter(tlsApp);
      expect(await spanCount(traceId)).toBe(1);
    } finally {
      await tlsApp.close();
    }
  });

  it('reports both receivers in /health and /metrics', async () => {
    const health = await app.get('/health');
    expect(health.body.details.otlp_grpc).toMatchObject({ status: 'up', port: grpcPort, tls: false });
    expect(health.body.details.otlp_http).toMatchObject({ status: 'up', port: httpPort });
    const metrics = await app.get('/metrics');
    expect(metrics.text).toMatch(/fourfold_otlp_receiver_listening\{transport="grpc"\} 1/);
    expect(metrics.text).toMatch(/fourfold_otlp_requests_total\{transport="grpc",signal="traces",outcome="invalid"\} [1-9]/);
    expect(metrics.text).toMatch(/fourfold_otlp_items_total\{transport="grpc",signal="traces",result="accepted"\} [1-9]/);
  });
});
