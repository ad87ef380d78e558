import type { Principal } from '../../auth/principal';
import type { Permission } from '../../auth/permissions';

/**
 * One decode-validate-store path per OTLP signal (traces, metrics, logs), shared by every
 * transport, as in the OpenTelemetry Collector: the receivers (OTLP/gRPC on OTLP_GRPC_PORT,
 * OTLP/HTTP on OTLP_HTTP_PORT and on the API port, src/otlp/) only authenticate, read the
 * bytes and map the outcome to their protocol. Everything that knows the signal is here.
 *
 * A receiver calls, in order:
 *   1. `waitForRoom()`: false → answer `refusal()` without reading the body;
 *   2. `decode(bytes, encoding)`: the request object, or OtlpFailure('invalid');
 *   3. `ingest(request, principal)`: partial success, or an OtlpFailure.
 *
 * Adding a signal is one class implementing this interface and one entry in
 * `src/otlp/otlp-pipelines.ts`; both transports then serve it (gRPC: the collector service
 * `grpcService`/Export; HTTP: POST /v1/<signal>).
 */
export interface SignalPipeline<Request = unknown> {
  /** The OTLP signal: the HTTP path is /v1/<signal>. */
  readonly signal: 'traces' | 'metrics' | 'logs';
  /** The collector service, e.g. `opentelemetry.proto.collector.trace.v1.TraceService` (method Export). */
  readonly grpcService: string;
  /** The partial_success field counting refused items: rejectedSpans, rejectedDataPoints, rejectedLogRecords. */
  readonly rejectedField: string;
  /** What a token needs to send this signal. */
  readonly permission: Permission;
  /** Whether a request of ordinary size fits in the write buffers now, or after a short wait. */
  waitForRoom(): Promise<boolean>;
  /** The failure to answer when there is no room: 'busy' or 'unavailable', with retryAfterSeconds. */
  refusal(): OtlpFailure;
  /** The bytes of an Export<Signal>ServiceRequest (already inflated) as this pipeline's request object. */
  decode(body: Buffer, encoding: OtlpEncoding): Request;
  /** Validates and stores (buffered through the writer); refused items are counted, not thrown. */
  ingest(request: Request, principal: Principal | null): ExportOutcome | Promise<ExportOutcome>;
}

/** How the body of a request is encoded (gRPC is always protobuf). */
export type OtlpEncoding = 'protobuf' | 'json';

/** OTLP's partial success: items refused out of a well-formed request, and why (empty when none). */
export interface ExportOutcome {
  accepted: number;
  rejected: number;
  errorMessage: string;
}

/** What went wrong, whatever the transport. */
export type OtlpFailureKind = 'invalid' | 'too-large' | 'busy' | 'unavailable';

/** gRPC status codes fourfold answers (grpc/status.h). */
export const GRPC_CODES = {
  ok: 0,
  invalidArgument: 3,
  permissionDenied: 7,
  resourceExhausted: 8,
  internal: 13,
  unavailable: 14,
  unauthenticated: 16,
  unimplemented: 12,
} as const;

/**
 * Each failure's answer per transport. 'busy' and 'unavailable' carry a retry delay
 * (HTTP Retry-After, gRPC RetryInfo): the official exporters retry those and only those.
 */
export const OTLP_FAILURE_ANSWERS: Record<OtlpFailureKind, { http: number; grpc: number; retry: boolean }> = {
  invalid: { http: 400, grpc: GRPC_CODES.invalidArgument, retry: false },
  'too-large': { http: 413, grpc: GRPC_CODES.resourceExhausted, retry: false },
  busy: { http: 429, grpc: GRPC_CODES.resourceExhausted, retry: true },
  unavailable: { http: 503, grpc: GRPC_CODES.unavailable, retry: true },
};

/** A field and what is wrong with it (the `errors` of a 400). */
export interface FieldProblem {
  field: string;
  reason: string;
}

/** A request refused whole: nothing of it is written. */
export class OtlpFailure extends Error {
  readonly errors: FieldProblem[];
  readonly retryAfterSeconds: number | null;

  constructor(
    readonly kind: OtlpFailureKind,
    message: string,
    options: { errors?: FieldProblem[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'OtlpFailure';
    this.errors = options.errors ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }

  /** A 400 naming the field (the whole body when there is no better one). */
  static invalid(message: string, field = '(body)', reason = message): OtlpFailure {
    return new OtlpFailure('invalid', message, { errors: [{ field, reason }] });
  }
}
