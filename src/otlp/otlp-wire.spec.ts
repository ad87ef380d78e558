import { ForbiddenException, HttpException, UnauthorizedException } from '@nestjs/common';
import { AuthBlockedException } from '../auth/authenticator';
import { decodeTraceResponse } from '../observability/otlp/otlp-proto';
import { OtlpFailure } from '../observability/otlp/signal-pipeline';
import { refusalOf } from './otlp-answers';
import { peerAddress } from './otlp-grpc.receiver';
import { signalOfPath } from './otlp-http.receiver';
import { decodeStatus, encodeExportResponse, encodeStatus, jsonExportResponse } from './otlp-wire';

describe('OTLP answers', () => {
  it('encodes google.rpc.Status with and without RetryInfo', () => {
    expect(decodeStatus(encodeStatus(3, 'spans[0].traceId: must be 16 bytes'))).toEqual({
      code: 3,
      message: 'spans[0].traceId: must be 16 bytes',
      retryDelaySeconds: null,
    });
    expect(decodeStatus(encodeStatus(14, 'down', 2))).toEqual({ code: 14, message: 'down', retryDelaySeconds: 2 });
  });

  it('encodes partial success only when items were rejected, in protobuf and JSON', () => {
    expect(decodeTraceResponse(encodeExportResponse({ accepted: 3, rejected: 0, errorMessage: '' })).partialSuccess ?? null).toBeNull();
    const partial = decodeTraceResponse(encodeExportResponse({ accepted: 1, rejected: 2, errorMessage: 'two bad' }));
    expect(Number(partial.partialSuccess?.rejectedSpans)).toBe(2);
    expect(jsonExportResponse({ accepted: 1, rejected: 2, errorMessage: 'two bad' }, 'rejectedDataPoints')).toEqual({
      partialSuccess: { rejectedDataPoints: '2', errorMessage: 'two bad' },
    });
    expect(jsonExportResponse({ accepted: 1, rejected: 0, errorMessage: '' }, 'rejectedLogRecords')).toEqual({});
  });

  it('maps every failure to one HTTP status and one gRPC code; only busy and unavailable say when to retry', () => {
    const cases: Array<[unknown, number, number, number | null]> = [
      [OtlpFailure.invalid('bad', 'f', 'why'), 400, 3, null],
      [new OtlpFailure('too-large', 'too many spans'), 413, 8, null],
      [new OtlpFailure('busy', 'full', { retryAfterSeconds: 2 }), 429, 8, 2],
      [new OtlpFailure('unavailable', 'down', { retryAfterSeconds: 5 }), 503, 14, 5],
      [new UnauthorizedException('missing token'), 401, 16, null],
      [new ForbiddenException('needs traces.write'), 403, 7, null],
      [new AuthBlockedException(30), 429, 8, 30],
      [new HttpException({ statusCode: 415, message: 'Content-Type' }, 415), 415, 3, null],
    ];
    for (const [error, http, grpc, retry] of cases) expect(refusalOf(error)).toMatchObject({ http, grpc, retryAfterSeconds: retry });
    expect(refusalOf(OtlpFailure.invalid('bad', 'f', 'why'))?.errors).toEqual([{ field: 'f', reason: 'why' }]);
    expect(refusalOf(new Error('boom'))).toBeNull();
  });

  it('reads signal paths and gRPC peers', () => {
    expect(['/v1/traces', '/v1/traces/', '/v1/metrics?x=1', '/v1/', '/api/v1/traces', '/v1/traces/x'].map(signalOfPath)).toEqual([
      'traces',
      'traces',
      'metrics',
      null,
      null,
      null,
    ]);
    expect(['ipv4:10.0.0.1:5000', '127.0.0.1:1', '[::1]:4317', 'ipv6:[::ffff:10.1.2.3]:9'].map(peerAddress)).toEqual([
      '10.0.0.1',
      '127.0.0.1',
      '::1',
      '10.1.2.3',
    ]);
  });
});
