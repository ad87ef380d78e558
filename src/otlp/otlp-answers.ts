import { HttpException } from '@nestjs/common';
import { FieldProblem, GRPC_CODES, OTLP_FAILURE_ANSWERS, OtlpFailure } from '../observability/otlp/signal-pipeline';

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

/** HTTP statuses of the shell's own refusals (authentication, body reading) and their gRPC codes. */
const HTTP_TO_GRPC: Record<number, { grpc: number; outcome: string }> = {
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
  if (error instanceof OtlpFailure) {
    const answer = OTLP_FAILURE_ANSWERS[error.kind];
    return {
      http: answer.http,
      grpc: answer.grpc,
      message: error.message,
      errors: error.errors,
      retryAfterSeconds: answer.retry ? (error.retryAfterSeconds ?? 1) : null,
      outcome: error.kind,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const mapped = HTTP_TO_GRPC[status];
    if (!mapped) return null;
    const body = error.getResponse() as { message?: string; errors?: FieldProblem[] } | string;
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
  return null;
}
