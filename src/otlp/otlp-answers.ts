import { HttpException } from '@nestjs/common';

/** gRPC status codes fourfold answers (grpc/status.h). */
export const GRPC_CODES = {
  ok: 0,
  invalidArgument: 3,
  permissionDenied: 7,
  resourceExhausted: 8,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  unauthenticated: 16,
} as const;

/** A field and what is wrong with it (the `errors` of a 400). */
export interface FieldProblem {
  field: string;
  reason: string;
}

/** A refused export, as both transports answer it. */
export interface OtlpRefusal {
  http: number;
  grpc: number;
  message: string;
  errors: FieldProblem[];
  /** Seconds the client should wait before retrying (Retry-After, RetryInfo); null: do not retry. */
  retryAfterSeconds: number | null;
  /** The Prometheus outcome label. */
  outcome: string;
}

/**
 * Each refusal's gRPC code, by the HTTP status the pipelines and the shell answer with (the
 * OTLP specification's table): a malformed message is INVALID_ARGUMENT; too large is
 * RESOURCE_EXHAUSTED (without RetryInfo: not retried); full buffers are RESOURCE_EXHAUSTED
 * (429) or UNAVAILABLE (503), both with RetryInfo, which the official exporters retry.
 */
export const HTTP_TO_GRPC: Readonly<Record<number, { grpc: number; outcome: string }>> = {
  400: { grpc: GRPC_CODES.invalidArgument, outcome: 'invalid' },
  401: { grpc: GRPC_CODES.unauthenticated, outcome: 'unauthenticated' },
  403: { grpc: GRPC_CODES.permissionDenied, outcome: 'permission-denied' },
  413: { grpc: GRPC_CODES.resourceExhausted, outcome: 'too-large' },
  415: { grpc: GRPC_CODES.invalidArgument, outcome: 'unsupported-media-type' },
  429: { grpc: GRPC_CODES.resourceExhausted, outcome: 'busy' },
  503: { grpc: GRPC_CODES.unavailable, outcome: 'unavailable' },
};

/** What to answer for an error thrown while receiving an export; null for an unexpected one (500 / INTERNAL). */
export function refusalOf(error: unknown): OtlpRefusal | null {
  if (!(error instanceof HttpException)) return null;
  const status = error.getStatus();
  const mapped = HTTP_TO_GRPC[status];
  if (!mapped) return null;
  const body = error.getResponse() as { message?: string; errors?: FieldProblem[] } | string;
  // RetryLater (full buffers) and AuthBlockedException carry their delay.
  const retry = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
  return {
    http: status,
    grpc: mapped.grpc,
    message: typeof body === 'string' ? body : String(body.message ?? error.message),
    errors: typeof body === 'string' ? [] : (body.errors ?? []),
    retryAfterSeconds: typeof retry === 'number' ? retry : null,
    outcome: mapped.outcome,
  };
}
