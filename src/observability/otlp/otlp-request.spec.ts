import { decodeTraceRequest, decodeTraceResponse, encodeTraceRequest, encodeTraceResponse } from './otlp-proto';
import { readTraceRequest, ReadOptions } from './otlp-request';
import { jsonReader, MAX_VALUE_DEPTH, OtlpFormatError, protobufReader } from './otlp-values';

const NOW = Date.UTC(2030, 0, 10, 12);
const OPTIONS: ReadOptions = { oldestMs: NOW - 7 * 86_400_000, newestMs: NOW + 3_600_000, maxSpans: 100 };
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const PARENT = '00f067aa0ba902b7';
const ns = (ms: number) => (BigInt(ms) * 1_000_000n).toString();

const jsonSpan = (over: Record<string, unknown> = {}) => ({
  traceId: TRACE,
  spanId: SPAN,
  parentSpanId: PARENT,
  name: 'GET /x',
  kind: 2,
  startTimeUnixNano: ns(NOW - 1000),
  endTimeUnixNano: ns(NOW - 500),
  attributes: [
    { key: 'http.status_code', value: { intValue: '200' } },
    { key: 'big', value: { intValue: '9223372036854775807' } },
    { key: 'ratio', value: { doubleValue: 0.25 } },
    { key: 'nan', value: { doubleValue: 'NaN' } },
    { key: 'ok', value: { boolValue: true } },
    { key: 'raw', value: { bytesValue: 'AAEC' } },
    { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }] } } },
    { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
    { key: '__proto__', value: { stringValue: 'just a key' } },
  ],
  events: [{ timeUnixNano: ns(NOW - 900), name: 'exception', attributes: [{ key: 'exception.type', value: { stringValue: 'E' } }] }],
  status: { code: 2, message: 'boom' },
  ...over,
});
const jsonBody = (spans: unknown[]) => ({
  resourceSpans: [
    { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gw' } }] }, scopeSpans: [{ scope: { name: 'lib' }, spans }] },
  ],
});
const read = (body: unknown) => readTraceRequest(jsonReader, body, OPTIONS);
const formatError = (body: unknown): string => {
  try {
    read(body);
  } catch (error) {
    if (error instanceof OtlpFormatError) return error.message;
    throw error;
  }
  throw new Error('no OtlpFormatError');
};

describe('readTraceRequest (OTLP/JSON)', () => {
  it('reads ids, times, kind, status, service, scope, attributes of every type and events', () => {
    const { spans, rejected } = read(jsonBody([jsonSpan()]));
    expect(rejected).toBe(0);
    expect(spans).toHaveLength(1);
    const s = spans[0];
    expect(s).toMatchObject({ traceId: TRACE, spanId: SPAN, parentSpanId: PARENT, name: 'GET /x', kind: 'server', status: 'error' });
    expect(s).toMatchObject({ statusMessage: 'boom', service: 'gw', scopeName: 'lib', startNanos: BigInt(ns(NOW - 1000)) });
    expect({ ...s.attributes }).toEqual({
      'http.status_code': 200,
      big: '9223372036854775807',
      ratio: 0.25,
      nan: 'NaN',
      ok: true,
      raw: 'AAEC',
      list: ['a', 2],
      map: { k: 'v' },
      ['__proto__']: 'just a key',
    });
    expect(Object.getPrototypeOf(s.attributes)).toBeNull();
    expect(s.events).toEqual([
      { name: 'exception', timeNanos: BigInt(ns(NOW - 900)), attributes: expect.objectContaining({ 'exception.type': 'E' }) },
    ]);
  });

  it('refuses malformed messages, naming the field', () => {
    expect(formatError([])).toMatch(/\(body\): must be an object/);
    expect(formatError({ resourceSpans: 'x' })).toBe('resourceSpans: must be an array, got a string');
    expect(formatError(jsonBody([jsonSpan({ traceId: 'abc' })]))).toMatch(/spans\[0\]\.traceId: must be hexadecimal|must be 32 hex/);
    expect(formatError(jsonBody([jsonSpan({ traceId: 'ab'.repeat(15) })]))).toMatch(
      /spans\[0\]\.traceId: must be 32 hex characters \(16 bytes\), got 30/,
    );
    expect(formatError(jsonBody([jsonSpan({ spanId: 42 })]))).toMatch(/spanId: must be a hex string, got a number/);
    expect(formatError(jsonBody([jsonSpan({ startTimeUnixNano: '-5' })]))).toMatch(/startTimeUnixNano: must be Unix nanoseconds/);
    expect(formatError(jsonBody([jsonSpan({ kind: 'server' })]))).toMatch(/kind: must be an integer enum value/);
    // Bounded as fixed64 is, whichever way the number is written.
    expect(formatError(jsonBody([jsonSpan({ endTimeUnixNano: 1e300 })]))).toMatch(/endTimeUnixNano: must be Unix nanoseconds/);
    expect(formatError(jsonBody([jsonSpan({ endTimeUnixNano: '18446744073709551616' })]))).toMatch(/endTimeUnixNano: must be Unix/);
    expect(formatError(jsonBody([jsonSpan({ attributes: [{ key: 'n', value: { intValue: 1e300 } }] })]))).toMatch(
      /intValue: must be a 64-bit/,
    );
    expect(formatError(jsonBody([jsonSpan({ attributes: [{ key: '', value: { stringValue: 'x' } }] })]))).toMatch(
      /attributes\[0\]\.key: is required \(a non-empty string\)/,
    );
    expect(formatError(jsonBody([jsonSpan({ attributes: [{ value: { stringValue: 'x' } }] })]))).toMatch(
      /attributes\[0\]\.key: is required/,
    );
    expect(formatError(jsonBody([jsonSpan({ attributes: [{ key: 'k', value: { boolValue: 'yes' } }] })]))).toMatch(
      /boolValue: must be a boolean/,
    );
    let deep: Record<string, unknown> = { stringValue: 'leaf' };
    for (let i = 0; i <= MAX_VALUE_DEPTH + 1; i++) deep = { arrayValue: { values: [deep] } };
    expect(formatError(jsonBody([jsonSpan({ attributes: [{ key: 'deep', value: deep }] })]))).toMatch(/nested deeper than 16 levels/);
  });

  it('rejects spans that cannot be stored and keeps the rest; a span repeated in one request is kept once', () => {
    const { spans, rejected, reasons } = read(
      jsonBody([
        jsonSpan(),
        jsonSpan(),
        jsonSpan({ spanId: '0'.repeat(16) }),
        jsonSpan({ spanId: 'a'.repeat(16), endTimeUnixNano: ns(NOW - 2000) }),
        jsonSpan({ spanId: 'b'.repeat(16), startTimeUnixNano: ns(NOW - 8 * 86_400_000) }),
        jsonSpan({ spanId: 'c'.repeat(16), startTimeUnixNano: ns(NOW + 2 * 3_600_000), endTimeUnixNano: undefined }),
        jsonSpan({ spanId: 'd'.repeat(16), startTimeUnixNano: undefined }),
      ]),
    );
    expect(spans).toHaveLength(1);
    expect(rejected).toBe(5);
    expect(reasons).toEqual([
      'resourceSpans[0].scopeSpans[0].spans[2]: spanId is missing or all zeros',
      'resourceSpans[0].scopeSpans[0].spans[3]: endTimeUnixNano is before startTimeUnixNano',
      'resourceSpans[0].scopeSpans[0].spans[4]: starts before the retention window (OBSERVABILITY_RETENTION_DAYS)',
      'resourceSpans[0].scopeSpans[0].spans[5]: starts more than an hour in the future',
      'resourceSpans[0].scopeSpans[0].spans[6]: startTimeUnixNano is missing',
    ]);
  });

  it('counts spans against the per-request limit', () => {
    expect(() => readTraceRequest(jsonReader, jsonBody([jsonSpan(), jsonSpan()]), { ...OPTIONS, maxSpans: 1 })).toThrow(
      /more than 1 spans/,
    );
  });
});

describe('readTraceRequest (protobuf)', () => {
  const hex = (h: string) => Buffer.from(h, 'hex');
  it('reads what the JSON reader reads from the same message', () => {
    const body = encodeTraceRequest({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gw' } }] },
          scopeSpans: [
            {
              scope: { name: 'lib' },
              spans: [
                {
                  traceId: hex(TRACE),
                  spanId: hex(SPAN),
                  parentSpanId: hex(PARENT),
                  name: 'GET /x',
                  kind: 2,
                  startTimeUnixNano: (NOW - 1000) * 1e6,
                  endTimeUnixNano: (NOW - 500) * 1e6,
                  attributes: [
                    { key: 'http.status_code', value: { intValue: 200 } },
                    { key: 'raw', value: { bytesValue: Buffer.from([0, 1, 2]) } },
                  ],
                  status: { code: 2, message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });
    const { spans } = readTraceRequest(protobufReader, decodeTraceRequest(body), OPTIONS);
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ traceId: TRACE, spanId: SPAN, parentSpanId: PARENT, kind: 'server', status: 'error', service: 'gw' });
    expect(spans[0].startNanos).toBe(BigInt(ns(NOW - 1000)));
    expect({ ...spans[0].attributes }).toEqual({ 'http.status_code': 200, raw: 'AAEC' });
  });

  it('refuses an empty attribute key, as the JSON reader does', () => {
    const body = encodeTraceRequest({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: hex(TRACE),
                  spanId: hex(SPAN),
                  startTimeUnixNano: (NOW - 1000) * 1e6,
                  attributes: [{ key: '', value: { stringValue: 'x' } }],
                },
              ],
            },
          ],
        },
      ],
    });
    expect(() => readTraceRequest(protobufReader, decodeTraceRequest(body), OPTIONS)).toThrow(/attributes\[0\]\.key: is required/);
  });

  it('refuses ids of the wrong length and bytes that are not a request', () => {
    const body = encodeTraceRequest({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.alloc(15, 1), spanId: hex(SPAN) }] }] }],
    });
    expect(() => readTraceRequest(protobufReader, decodeTraceRequest(body), OPTIONS)).toThrow(/traceId: must be 16 bytes, got 15/);
    expect(() => decodeTraceRequest(Buffer.from('not a protobuf at all'))).toThrow();
  });

  it('encodes partial_success only when spans were rejected', () => {
    expect(encodeTraceResponse(0, '')).toHaveLength(0);
    const decoded = decodeTraceResponse(encodeTraceResponse(3, 'three'));
    expect(Number((decoded.partialSuccess!.rejectedSpans as { low: number }).low)).toBe(3);
    expect(decoded.partialSuccess!.errorMessage).toBe('three');
  });
});
