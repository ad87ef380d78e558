import { ForbiddenException, HttpException, UnauthorizedException } from '@nestjs/common';
import { AuthBlockedException } from '../auth/authenticator';
import { RetryLater } from '../observability/ingest/trace-ingest.service';
import { refusalOf } from './otlp-answers';
import { peerAddress } from './otlp-grpc.receiver';
import { signalOfPath } from './otlp-http.receiver';
import { decodeStatus, encodeStatus } from './otlp-wire';

const BAD = new HttpException({ statusCode: 400, message: 'bad', errors: [{ field: 'f', reason: 'why' }] }, 400);

describe('OTLP answers', () => {
  it('encodes google.rpc.Status with and without RetryInfo', () => {
    expect(decodeStatus(encodeStatus(3, 'spans[0].traceId: must be 16 bytes'))).toEqual({
      code: 3,
      message: 'spans[0].traceId: must be 16 bytes',
      retryDelaySeconds: null,
    });
    expect(decodeStatus(encodeStatus(14, 'down', 2))).toEqual({ code: 14, message: 'down', retryDelaySeconds: 2 });
  });

  it('maps every failure to one HTTP status and one gRPC code; only busy and unavailable say when to retry', () => {
    const cases: Array<[unknown, number, number, number | null]> = [
      [BAD, 400, 3, null],
      [new HttpException({ statusCode: 413, message: 'too many spans' }, 413), 413, 8, null],
      [new RetryLater(429, 'full', 2), 429, 8, 2],
      [new RetryLater(503, 'down', 5), 503, 14, 5],
      [new UnauthorizedException('missing token'), 401, 16, null],
      [new ForbiddenException('needs traces.write'), 403, 7, null],
      [new AuthBlockedException(30), 429, 8, 30],
      [new HttpException({ statusCode: 415, message: 'Content-Type' }, 415), 415, 3, null],
    ];
    for (const [error, http, grpc, retry] of cases) expect(refusalOf(error)).toMatchObject({ http, grpc, retryAfterSeconds: retry });
    expect(refusalOf(BAD)?.errors).toEqual([{ field: 'f', reason: 'why' }]);
    expect(refusalOf(new HttpException('teapot', 418))).toBeNull();
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
