/**
 * The one home of PostgreSQL error codes (SQLSTATE) and of error descriptions safe to show.
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export const SQLSTATE = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  invalidTextRepresentation: '22P02',
  stringDataRightTruncation: '22001',
  lockNotAvailable: '55P03',
} as const;

const SQLSTATE_PATTERN = /^[0-9A-Z]{5}$/;

/** The SQLSTATE of a driver error, or of the driver error a TypeORM QueryFailedError wraps. */
export function sqlState(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' && SQLSTATE_PATTERN.test(code) ? code : undefined;
}

/**
 * What a failed write means for the rows in it.
 *
 * - `data`: the rows themselves are wrong (SQLSTATE class 22 data exception, class 23
 *   integrity violation other than a duplicate key). Retrying cannot help; the writer
 *   isolates the offending rows and rejects them.
 * - `duplicate`: unique violation: some rows are already there (an earlier commit whose
 *   acknowledgement was lost). Written again through the ON CONFLICT DO NOTHING path.
 * - `unavailable`: anything else (connection refused or lost, server shutting down, too
 *   many connections, disk full, read-only standby after a failover, schema not there
 *   yet...). The rows are kept: spooled and replayed once the database answers.
 */
export type WriteFailure = 'data' | 'duplicate' | 'unavailable';

export function classifyWriteError(error: unknown): WriteFailure {
  const code = sqlState(error);
  if (!code) return 'unavailable';
  if (code === SQLSTATE.uniqueViolation) return 'duplicate';
  if (code.startsWith('22') || code.startsWith('23')) return 'data';
  return 'unavailable';
}

/** A message without credentials (a URL's user:password is masked), with its SQLSTATE when it has one. */
export function describeError(error: unknown): string {
  const e = error as { message?: string } | null;
  const message = (e?.message ?? String(error)).replace(/postgres(ql)?:\/\/[^\s@]*@/gi, 'postgres://***@');
  const code = sqlState(error);
  return code ? `${message} (SQLSTATE ${code})` : message;
}

/** TypeORM's and the writer's ways of saying a DataSource has no connection yet. */
export const isNotConnected = (error: unknown): boolean =>
  /not initialized|not connected/i.test(error instanceof Error ? error.message : String(error));
